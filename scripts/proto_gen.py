"""Regenerate the gRPC component's generated Go code in the template from its .proto files.

    python scripts/proto_gen.py           # rewrite the template's api/gen of every preset
    python scripts/proto_gen.py --check   # fail when it differs from what buf generates

For each preset, render a service with grpc from the working tree, run `buf generate` there as
the service does (`go tool -modfile=tools.mod buf generate`: buf and the plugins pinned in the
locked tools.mod), and copy its api/gen into the template, where each package's folder is named
under the preset's condition. The .proto files leave the Go package to buf.gen.yaml, so the
generated code does not depend on the module path and ships as plain files. tests/test_grpc.py
proves in rendered services that the template's copy is current. Run `make lock` first when
go-deps.toml's grpc tools change.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gogen import answers as answering  # noqa: E402
from gogen.render import render_local  # noqa: E402

GEN = ROOT / "template" / "api" / "{% if grpc %}gen{% endif %}"
PRESETS = ("ledger", "minimal")


def generate(preset: str, scratch: Path) -> Path:
    """api/gen of a service of preset with grpc, as buf generates it."""
    service = scratch / preset
    render_local(ROOT, service, answering.resolve({"project_name": "svc", "preset": preset, "grpc": True}))
    subprocess.run(["go", "tool", "-modfile=tools.mod", "buf", "generate"], cwd=service, check=True)
    return service / "api" / "gen"


def destination(preset: str, package: str) -> Path:
    return GEN / ("{% if preset == '" + preset + "' %}" + package + "{% endif %}")


def differs(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return True
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return bool(mismatch or errors) or any(differs(a / d, b / d) for d in cmp.common_dirs)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    with tempfile.TemporaryDirectory(prefix="gogen-proto-") as tmp:
        for preset in PRESETS:
            gen = generate(preset, Path(tmp))
            for package in sorted(p.name for p in gen.iterdir()):
                dst = destination(preset, package)
                if dst.exists() and not differs(gen / package, dst):
                    continue
                stale.append(str(dst.relative_to(ROOT)))
                if not args.check:
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(gen / package, dst)
    if args.check and stale:
        print(f"stale generated code: {', '.join(stale)}; run python scripts/proto_gen.py")
        return 1
    print(f"rewrote: {', '.join(stale)}" if stale and not args.check else "generated code is current")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
