"""`gogen new`: validate, render into a scratch directory, run the post-steps, then move the
finished service into place, so a failure at any step leaves nothing behind."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from gogen import answers as answering
from gogen import poststeps, render, source
from gogen import schema as schemas
from gogen.errors import GogenError


@dataclass(frozen=True)
class NewOptions:
    output: Path
    template: str | None = None
    vcs_ref: str | None = None
    force: bool = False
    git_init: bool = True
    go_download: bool = True


def resolve_answers(given: Mapping[str, Any], options: NewOptions | None = None) -> dict[str, Any]:
    """The complete answers, checked against the schema of the template to render. Where that
    schema is not at hand, Copier checks them itself while rendering, with the same messages."""
    schema = template_schema(options or NewOptions(output=Path()))
    return answering.resolve(given, schema) if schema else dict(given)


def template_schema(options: NewOptions) -> schemas.Schema | None:
    """This gogen's copier.yml, or a local --template's; None for another release (--vcs-ref)
    or a remote template, whose copier.yml may differ."""
    if options.vcs_ref:
        return None
    if not options.template:
        return schemas.load()
    path = Path(options.template).expanduser() / "copier.yml"
    if source.GIT_URL.match(options.template) or not path.is_file():
        return None
    return schemas.load(path.resolve())


def check_target(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise GogenError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise GogenError(f"{target} exists and is not empty: choose another --output or pass --force")


def new(answers: Mapping[str, Any], options: NewOptions, console: Console) -> Path:
    """Generate a service; return its directory."""
    source.require_git()
    target: Path = (options.output / str(answers["project_name"])).resolve()
    check_target(target, options.force)
    if options.template:
        src = source.explicit(options.template, options.vcs_ref)
    else:
        src = source.bundled(options.vcs_ref)
    if src.note:
        console.print(f"[yellow]warning:[/] {src.note}", soft_wrap=True)
    created = missing_parents(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{answers['project_name']}.gogen-", dir=target.parent))
    placed = False
    try:
        work = scratch / answers["project_name"]
        status = f"Rendering {answers['project_name']} ({src.vcs_ref or 'working tree'})"
        with console.status(status), source.git_env(src.env):
            render.copy(src.src, work, answers, src.vcs_ref, source.release_checkout(src))
        if options.go_download and poststeps.go_available():
            with console.status("Downloading Go modules (go mod download)"):
                poststeps.go_mod_download(work)
        elif options.go_download:
            console.print("[yellow]warning:[/] go is not on PATH: skipped go mod download")
        init_git = options.git_init and not (target / ".git").exists()
        if init_git:
            with console.status("Creating the git repository"):
                poststeps.git_init(work, f"Generate {answers['project_name']} with gogen "
                                         f"({src.vcs_ref or 'local template'})")
        place(work, target)
        placed = True
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not placed:
            for directory in created:
                directory.rmdir()
    return target


def missing_parents(target: Path) -> list[Path]:
    """The ancestors of `target` that do not exist yet, deepest first."""
    missing = []
    for parent in target.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def place(work: Path, target: Path) -> None:
    """Move the finished tree to `target` (merging into it only when --force allowed that)."""
    if not target.exists():
        work.rename(target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        work.rename(target)
        return
    shutil.copytree(work, target, dirs_exist_ok=True, symlinks=True)
