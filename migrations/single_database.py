"""Copier migration (v0.3.0): the list answer `databases` becomes the single answer `database`.

    single_database.py ANSWERS_FILE

Run by copier.yml's _migrations (stage "before"). `databases: [postgres]` becomes
`database: postgres` and `databases: []` becomes `database: memory` (the store the service used).
An answers file without `databases`, or with `database` already, is left as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def migrate(path: Path) -> bool:
    answers = yaml.safe_load(path.read_text()) or {}
    if "databases" not in answers or "database" in answers:
        return False
    listed = answers.pop("databases") or []
    answers["database"] = listed[0] if listed else "memory"
    header = "# Changes here will be overwritten by Copier; do not edit manually.\n"
    path.write_text(header + yaml.safe_dump(answers, default_flow_style=False, sort_keys=True))
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    migrate(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
