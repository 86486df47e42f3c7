"""Rules of the template's structure (docs/template-design.md): options add files, never
branches inside Go sources; a path names the preset at most once; the lock grows with
components, not combinations."""

from __future__ import annotations

import re
import sys

from support.render import ROOT

TEMPLATE = ROOT / "template"
BRANCH = re.compile(r"\{%-?\s*(if|elif)\b")


def test_no_go_source_branches_on_an_option() -> None:
    sources = [p for p in TEMPLATE.rglob("*") if p.is_file() and p.name.split(".jinja")[0].endswith(".go")]
    assert len(sources) > 50
    branching = [str(p.relative_to(TEMPLATE)) for p in sources if BRANCH.search(p.read_text())]
    assert branching == []


def test_no_path_names_the_preset_twice() -> None:
    twice = [str(p.relative_to(TEMPLATE)) for p in TEMPLATE.rglob("*")
             if str(p.relative_to(TEMPLATE)).count("preset ==") > 1]
    assert twice == []


def test_the_lock_tidies_at_most_two_probes_per_component() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from lock_go_deps import choose_probes

    probes = choose_probes()
    components = set().union(*(p.components for p in probes))
    assert len(probes) <= 2 * len(components)
