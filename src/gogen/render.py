"""Rendering through Copier's Python API, with Copier's errors turned into gogen's."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gogen.errors import GogenError, ValidationError

REFUSALS = ("Invalid choice for ", "Validation error for question ", "Question \"")
"""How Copier's questionnaire words a refused answer (a ValueError): bad input, not a failure."""

TEMPLATE_FILES = ("copier.yml", "template", "migrations")
"""What a template source needs, relative to the repository root."""


def copy(src: str, dst: Path, answers: Mapping[str, Any], vcs_ref: str | None,
         checkout: Path | None = None) -> None:
    """Render `src` (a git URL, repository or directory) at `vcs_ref` into `dst`.

    With `checkout`, a checked-out clone of `src` at `vcs_ref` (source.release_checkout), Copier
    reads the template from there instead of cloning it again; what it records (`_src_path`,
    `_commit`) and renders is the same.
    """
    import copier  # imported lazily: it costs a quarter of a second
    from copier import errors as copier_errors
    from jinja2 import TemplateError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if checkout is None:
                copier.run_copy(
                    src,
                    dst,
                    data=dict(answers),
                    vcs_ref=vcs_ref,
                    defaults=True,
                    unsafe=True,
                    quiet=True,
                    overwrite=True,
                    skip_tasks=True,
                )
            else:
                from gogen import fastcopy

                fastcopy.run_copy(src, vcs_ref, checkout, dst, dict(answers))
        except ValueError as exc:
            if str(exc).startswith(REFUSALS):
                raise ValidationError("answers", one_line(exc)) from exc
            raise GogenError(f"rendering failed: {one_line(exc)}", 1) from exc
        except (OSError, TemplateError, copier_errors.CopierError) as exc:
            raise GogenError(f"rendering failed: {one_line(exc)}", 1) from exc


def render_local(root: Path, dst: Path, answers: Mapping[str, Any]) -> None:
    """Render the template in a source tree as it is on disk (for template development).

    The tree is copied to a plain directory first, so uncommitted changes render and no git
    state matters.
    """
    with tempfile.TemporaryDirectory(prefix="gogen-src-") as tmp:
        copy(str(copy_template_tree(root, Path(tmp))), dst, answers, None)


def copy_template_tree(root: Path, dst: Path) -> Path:
    """Copy what a template source needs from the repository at `root` into the plain
    directory `dst` (created if missing); return `dst`."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES:
        path = root / name
        if path.is_dir():
            shutil.copytree(path, dst / name)
        elif path.exists():
            shutil.copy2(path, dst / name)
    return dst


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
