"""Rendering the template of this working tree, as a template author does."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gogen import answers as answering
from gogen.render import render_local

ROOT = Path(__file__).resolve().parents[2]


def complete(answers: Mapping[str, Any]) -> dict[str, Any]:
    given = {"project_name": "ledger-service", **answers}
    return answering.resolve(given)


def render_service(dst: Path, answers: Mapping[str, Any]) -> Path:
    render_local(ROOT, dst, complete(answers))
    return dst


def read_tree(root: Path) -> dict[str, str]:
    """Every file of a rendered service, path -> text (the answers file's source path masked)."""
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_dir() or ".git" in path.relative_to(root).parts:
            continue
        rel = path.relative_to(root).as_posix()
        text = path.read_text()
        if rel == ".copier-answers.yml":
            text = "\n".join(
                "_src_path: <template>" if line.startswith("_src_path:") else line
                for line in text.splitlines()
            ) + "\n"
        files[rel] = text
    return files
