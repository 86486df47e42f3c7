"""Regenerate the code gqlgen writes into services with a GraphQL endpoint, as template files.

Usage:
    python scripts/generate_graphql.py           # rewrite the template's generated files
    python scripts/generate_graphql.py --check   # fail if they differ from what gqlgen writes

The schema (template/api/graphql), gqlgen.yml and the hand-written scalars are the sources; for
each preset a probe service is rendered with graphql, pinned and tidied, `go tool -modfile=tools.mod
gqlgen generate` runs in it, and each generated file of internal/adapters/graphqlapi/schema becomes
that preset's template of the file: the module path gqlgen writes into identifiers (mangled, as
githubᚗcomᚋacme...) and imports becomes Jinja. tests/test_graphql.py proves the other direction:
gqlgen run in a rendered service reproduces the rendered files exactly.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from gogen import answers as answering  # noqa: E402
from gogen.render import render_local  # noqa: E402
from lock_go_deps import go_env, pin_and_tidy  # noqa: E402

PRESETS = ("ledger", "minimal")
GENERATED = ("generated.go", "models_gen.go")
SCHEMA_DIR = Path("internal/adapters/graphqlapi/schema")
TEMPLATE_DIR = ROOT / "template" / "internal/adapters/{% if graphql %}graphqlapi{% endif %}/schema"
PROBE_MODULE = "example.com/gqlgen-probe"

# How gqlgen writes a package path inside an identifier (codegen/templates.TypeIdentifier).
MANGLING = {"/": "ᚋ", ".": "ᚗ", "-": "ᚑ", "~": "א"}
MANGLED_MODULE = ("{%- set gqlgen_module = module_path"
                  + "".join(f" | replace('{c}', '{m}')" for c, m in MANGLING.items()) + " -%}\n")


def mangled(module: str) -> str:
    return "".join(MANGLING.get(c, c) for c in module)


def as_template(text: str, module: str) -> str:
    """The generated text of a service with `module` as the template of every service's."""
    for opener in ("{{", "{%", "{#"):
        if opener in text:
            raise SystemExit(f"the generated code holds {opener!r}, which Jinja would read: "
                             "wrap it in {% raw %} blocks here")
    header = ""
    if mangled(module) in text:
        header = MANGLED_MODULE
        text = text.replace(mangled(module), "{{ gqlgen_module }}")
    return header + text.replace(module, "{{ module_path }}")


def template_path(preset: str, name: str) -> Path:
    return TEMPLATE_DIR / f"{{% if preset == '{preset}' %}}{name}{{% endif %}}.jinja"


def generate(preset: str) -> dict[Path, str]:
    """The templates of the files gqlgen generates for `preset`."""
    answers = answering.resolve({"project_name": "gqlgen-probe", "module_path": PROBE_MODULE,
                                 "preset": preset, "graphql": True})
    with tempfile.TemporaryDirectory(prefix="gogen-gqlgen-") as tmp:
        service = Path(tmp) / "svc"
        render_local(ROOT, service, answers)
        for name in GENERATED:  # generated from nothing, not from what the template has now
            (service / SCHEMA_DIR / name).unlink(missing_ok=True)
        pin_and_tidy(service, answering.components(answers))
        proc = subprocess.run(["go", "tool", "-modfile=tools.mod", "gqlgen", "generate"], cwd=service,
                              env=go_env(), capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"gqlgen generate failed for the {preset} preset:\n{proc.stdout}{proc.stderr}")
        return {template_path(preset, name): as_template((service / SCHEMA_DIR / name).read_text(), PROBE_MODULE)
                for name in GENERATED}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if shutil.which("go") is None:
        raise SystemExit("go is not installed")
    stale = []
    for preset in PRESETS:
        for path, text in generate(preset).items():
            if not path.exists() or path.read_text() != text:
                stale.append(path.relative_to(ROOT))
                if not args.check:
                    path.write_text(text)
    if args.check and stale:
        print("out of date: " + ", ".join(map(str, stale)) + "; run python scripts/generate_graphql.py")
        return 1
    print(("rewrote: " + ", ".join(map(str, stale))) if stale else "the generated GraphQL code is current")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
