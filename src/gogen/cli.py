"""The `gogen` command line."""

from __future__ import annotations

import inspect
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from gogen import __version__
from gogen import answers as answering
from gogen import schema as schemas
from gogen import update as updating
from gogen.errors import FAILURE, AnswerError, GogenError

app = typer.Typer(
    name="gogen",
    help="Generate production-grade Go microservices, and keep them up to date.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(error: GogenError) -> typer.Exit:
    err.print(f"[red]error:[/] {error.message}", soft_wrap=True)
    return typer.Exit(error.exit_code)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"gogen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Generate production-grade Go microservices, and keep them up to date."""


def collect_answers(name: str, flags: dict[str, Any], data: list[str]) -> dict[str, Any]:
    """Merge NAME, --data and the answer flags; a key given twice differently is an error."""
    given: dict[str, Any] = {"project_name": name}
    for item in data:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise AnswerError("--data", f"{item!r} is not KEY=VALUE")
        value = answering.coerce(key, raw)
        if key in given and given[key] != value:
            raise AnswerError(key, f"given twice with different values ({given[key]!r} and {value!r})")
        given[key] = value
    for key, value in flags.items():
        if value is None or value == []:
            continue
        value = answering.coerce(key, value)
        if key in given and given[key] != value:
            raise AnswerError(key, f"conflicting values {given[key]!r} and {value!r} "
                                   "(a flag and --data, or NAME and --data project_name)")
        given[key] = value
    return given


def new(name: str, data: list[str] | None, defaults: bool, output: Path, template: str | None,
        vcs_ref: str | None, force: bool, git: bool, go_download: bool, **flags: Any) -> None:
    """Generate a new Go service."""
    from gogen import generate, prompts

    try:
        given = collect_answers(name, flags, data or [])
        interactive = not defaults and sys.stdin.isatty() and sys.stdout.isatty()
        if interactive:
            given = prompts.ask(given)
        options = generate.NewOptions(output=output, template=template, vcs_ref=vcs_ref,
                                      force=force, git_init=git, go_download=go_download)
        final = generate.resolve_answers(given, options)
        target = generate.new(final, options, err)
    except GogenError as error:
        raise fail(error) from None
    out.print(f"[green]Created[/] {target}")
    if interactive:
        extra = [*(["--output", str(output)] if output != Path() else []),
                 *(["--template", template] if template else []),
                 *(["--vcs-ref", vcs_ref] if vcs_ref else [])]
        out.print(f"Next time, without questions: {prompts.equivalent_command(name, final, extra)}",
                  soft_wrap=True)
    out.print(f"Next: cd {shlex.quote(str(target))} && make test")


def answer_option(question: schemas.Question) -> inspect.Parameter:
    """The `gogen new` option of one answer of copier.yml."""
    from gogen.prompts import FLAG_ALIASES

    names = [question.flag, *([FLAG_ALIASES[question.key]] if question.key in FLAG_ALIASES else [])]
    help_text = question.help
    if question.choices:
        help_text += ": " + " | ".join(str(v) for v in question.values)
    kind: Any = str | None
    if question.type == "bool":
        names = [f"{question.flag}/{question.negative_flag}"]
        kind = bool | None
    elif question.multiselect:
        help_text += " (repeatable)"
        kind = list[str] | None
    annotation = Annotated[kind, typer.Option(*names, help=help_text, show_default=False)]
    return inspect.Parameter(question.key, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def register_new() -> None:
    """Declare `gogen new` with one option per answer of copier.yml, plus its own options."""
    fixed = [
        ("name", Annotated[str, typer.Argument(help="Service name, kebab-case (e.g. ledger-service).")], ...),
        ("data", Annotated[list[str] | None,
                           typer.Option("--data", "-d", help="Any answer as KEY=VALUE (repeatable).")], None),
        ("defaults", Annotated[bool, typer.Option("--defaults", help="Ask nothing: defaults for answers not given.")],
         False),
        ("output", Annotated[Path, typer.Option("--output", "-o", help="Directory to create the service in.")],
         Path()),
        ("template", Annotated[str | None, typer.Option(
            help="Template source (git URL or local path), for template authors.")], None),
        ("vcs_ref", Annotated[str | None, typer.Option(
            "--vcs-ref", help="Template release to render (default: this gogen's).")], None),
        ("force", Annotated[bool, typer.Option("--force", help="Write into an existing non-empty directory.")],
         False),
        ("git", Annotated[bool, typer.Option("--git/--no-git", help="git init and commit the service.")], True),
        ("go_download", Annotated[bool, typer.Option("--go-download/--no-go-download",
                                                     help="Run go mod download.")], True),
    ]
    params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD if n == "name"
                                else inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
              for n, a, d in fixed]
    params += [answer_option(q) for q in schemas.load().asked if q.key != "project_name"]

    def command(**kwargs: Any) -> None:
        new(**kwargs)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = new.__doc__
    app.command("new")(command)


register_new()


@app.command()
def update(
    path: Annotated[Path, typer.Argument(help="The service to update.")] = Path(),
    vcs_ref: Annotated[str | None,
                       typer.Option("--vcs-ref", help="Release to update to (default: this gogen's).")] = None,
    online: Annotated[bool, typer.Option(
        "--online", help="Fetch the template from its URL (for releases newer than this gogen).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change, change nothing.")] = False,
    print_env: Annotated[bool, typer.Option(
        "--print-env", help="Print the environment for plain `copier update` offline.")] = False,
) -> None:
    """Update a generated service to a newer template release, keeping local edits."""
    from gogen import source

    try:
        if print_env:
            for key, value in source.offline_git_env().items():
                out.print(f"export {key}={shlex.quote(value)}", soft_wrap=True)
            return
        service = path.resolve()
        recorded = updating.check_service(service)
        src = updating.source_for(recorded, vcs_ref, online)
        if src.vcs_ref == recorded["_commit"]:
            out.print(f"{service.name} is already at {src.vcs_ref}")
            return
        target, current = source.version_key(str(src.vcs_ref)), source.version_key(str(recorded["_commit"]))
        if min(target, current) >= (0,) and target < current:
            raise GogenError(f"{service.name} is at {recorded['_commit']}, newer than {src.vcs_ref}: "
                             "upgrade gogen, or pass --online --vcs-ref with a newer release")
        with err.status(f"Working out the update {recorded['_commit']} -> {src.vcs_ref}"):
            plan = updating.plan(service, src)
        show_plan(plan)
        if dry_run:
            return
        with err.status("Applying the update"):
            updating.apply(service, src)
        left = updating.conflicts(service)
    except GogenError as error:
        raise fail(error) from None
    if left:
        for item in left:
            err.print(f"conflict: {item}")
        err.print(f"[red]error:[/] {len(left)} file(s) have conflict markers: resolve them, "
                  "then commit", soft_wrap=True)
        raise typer.Exit(FAILURE)
    out.print(f"[green]Updated[/] {service.name} to {src.vcs_ref}; review with git diff and commit")


def show_plan(plan: updating.Plan) -> None:
    out.print(f"Update {plan.current} -> {plan.target}")
    for label, items in (("add", plan.added), ("change", plan.changed), ("remove", plan.removed),
                         ("conflict", plan.conflicted)):
        for item in items:
            out.print(f"  {label:8} {item}")
    for old, new_key in plan.renamed_answers:
        out.print(f"  answer   {old} -> {new_key} (migrated)")
    for key in plan.new_answers:
        out.print(f"  answer   {key} (new, default)")
    for key in plan.dropped_answers:
        out.print(f"  answer   {key} (dropped)")
    if not any((plan.added, plan.changed, plan.removed)):
        out.print("  no file changes")


def main() -> None:
    app()
