"""Render the working tree's template for template development, pinned and tidied.

    python scripts/render_dev.py OUT [key=value ...]

Example: python scripts/render_dev.py /tmp/svc preset=minimal http_framework=stdlib
Then: cd /tmp/svc && gofmt -l . && go vet ./... && go test ./...
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from gogen import answers as answering  # noqa: E402
from gogen.errors import GogenError  # noqa: E402
from gogen.render import render_local  # noqa: E402
from lock_go_deps import pin_and_tidy  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    out = Path(argv[0])
    data: dict[str, object] = {"project_name": "ledger-service"}
    try:
        for item in [a for a in argv[1:] if not a.startswith("--")]:
            key, _, value = item.partition("=")
            data[key] = answering.coerce(key, value)
        answers = answering.resolve(data)
    except GogenError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if out.exists():
        shutil.rmtree(out)
    render_local(ROOT, out, answers)
    if "--no-tidy" not in argv:
        pin_and_tidy(out, answering.components(answers))
    print(f"rendered {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
