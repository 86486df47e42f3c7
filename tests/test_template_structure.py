"""Rules of the template's structure (docs/template-design.md): options add files, never
branches inside Go sources; a path names the preset at most once; the lock grows with
components, not combinations."""

from __future__ import annotations

import re
import sys

from gogen import answers as answering
from gogen import matrix
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


def test_the_lock_tidies_two_probes_per_component_and_the_covering_set() -> None:
    """Linear: two probes per component, plus the covering set CI builds (which grows with the
    two largest factors, not with the number of combinations)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from lock_go_deps import choose_probes

    probes = choose_probes()
    components = set().union(*(p.components for p in probes))
    assert len(probes) <= 2 * len(components) + len(matrix.covering_set())
    covered = {frozenset(p.components) for p in probes}
    for combo in matrix.covering_set():
        assert frozenset(answering.components(answering.resolve({**matrix.PROBE, **combo}))) in covered
