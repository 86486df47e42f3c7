"""Copier migration: rename an answer in a service's answers file before it is updated.

    rename_answer.py ANSWERS_FILE OLD NEW

Run by copier.yml's _migrations (stage "before"), with the service as the working directory.
Copier reloads the answers afterwards, so the renamed answer keeps the value the user gave.
An answers file that lacks OLD, or already has NEW, is left as it is.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def rename(path: Path, old: str, new: str) -> bool:
    text = path.read_text()
    if re.search(rf"^{re.escape(new)}:", text, flags=re.MULTILINE):
        return False
    renamed, count = re.subn(rf"^{re.escape(old)}:", f"{new}:", text, count=1, flags=re.MULTILINE)
    if count:
        path.write_text(renamed)
    return bool(count)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    answers, old, new = argv
    rename(Path(answers), old, new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
