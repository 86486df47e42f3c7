"""The command line: bad input is refused with one line naming the field, exit 2, nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gogen import __version__
from gogen.cli import app
from gogen.render import copy_template_tree
from support.render import ROOT

runner = CliRunner()


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain copy of the working tree's template (no git: fast, and renders uncommitted work)."""
    return copy_template_tree(ROOT, tmp_path_factory.mktemp("template"))


def gogen(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


BAD_INPUT = [
    # (args after `new`, field named in the message)
    (["bad_Name"], "project_name"),
    (["Ledger"], "project_name"),
    (["1ledger"], "project_name"),
    (["ledger--service"], "project_name"),
    (["ledger-"], "project_name"),
    (["-ledger"], None),  # click reads it as an option: still exit 2
    (["a" * 64], "project_name"),
    (["svc", "--module", "bad path"], "module_path"),
    (["svc", "--module", "github.com"], "module_path"),
    (["svc", "--module", "Github.com/acme/svc"], "module_path"),
    (["svc", "--module", "github.com/acme/svc/"], "module_path"),
    (["svc", "--http", "flask"], "http_framework"),
    (["svc", "--http", "fasthttp"], "http_framework"),
    (["svc", "--preset", "bank"], "preset"),
    (["svc", "--db", "oracle"], "database"),
    (["svc", "--preset", "ledger", "--db", "mongo"], "database"),
    (["svc", "--broker", "sqs"], "brokers"),
    (["svc", "--preset", "minimal", "--db", "mongo", "--broker", "kafka"], "brokers"),
    (["svc", "--cache", "valkey"], "cache"),
    (["svc", "--auth", "basic"], "auth"),
    (["svc", "--data", "go_version=1.21"], "go_version"),
    (["svc", "--data", "go_version=latest"], "go_version"),
    (["svc", "--data", "observability=maybe"], "observability"),
    (["svc", "--data", "graphql=maybe"], "graphql"),
    (["svc", "--data", "colour=blue"], "colour"),
    (["svc", "--data", "novalue"], "--data"),
    (["svc", "--http", "chi", "--data", "http_framework=stdlib"], "http_framework"),
    (["svc", "--data", "project_name=other"], "project_name"),
    (["svc", "--preset", "ledger", "--db", "memory"], "database"),
    (["svc", "--data", "databases=[postgres]"], "databases"),
    (["svc", "--data", "description=" + "x" * 201], "description"),
]


@pytest.mark.parametrize(("args", "field"), BAD_INPUT, ids=[" ".join(a)[:40] for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    args: list[str], field: str | None, tmp_path: Path, template_dir: Path
) -> None:
    code, _, stderr = gogen("new", *args, "--output", str(tmp_path), "--template",
                            str(template_dir), "--no-go-download")
    assert code == 2, stderr
    assert list(tmp_path.iterdir()) == []
    if field is not None:
        lines = stderr.strip().splitlines()
        assert len(lines) == 1, stderr
        assert lines[0].startswith("error: "), stderr
        assert lines[0].startswith(f"error: {field}:") or f"'{field}'" in lines[0], stderr


def test_non_empty_target_is_refused_and_kept(tmp_path: Path, template_dir: Path) -> None:
    target = tmp_path / "svc"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    code, _, stderr = gogen("new", "svc", "--output", str(tmp_path), "--template",
                            str(template_dir), "--preset", "minimal", "--no-go-download")
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "not empty" in stderr and "--force" in stderr
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_force_writes_into_a_non_empty_directory(tmp_path: Path, template_dir: Path) -> None:
    target = tmp_path / "svc"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    code, _, stderr = gogen("new", "svc", "--output", str(tmp_path), "--template",
                            str(template_dir), "--preset", "minimal", "--no-go-download",
                            "--force")
    assert code == 0, stderr
    assert (target / "keep.txt").read_text() == "mine"
    assert (target / "go.mod").is_file()


def test_new_renders_commits_and_warns_about_a_plain_template(tmp_path: Path,
                                                             template_dir: Path) -> None:
    code, stdout, stderr = gogen("new", "payments-api", "--output", str(tmp_path), "--template",
                                 str(template_dir), "--preset", "minimal", "--http", "stdlib",
                                 "--module", "example.com/team/payments-api", "--no-go-download")
    assert code == 0, stderr
    service = tmp_path / "payments-api"
    assert "can never be updated" in stderr
    answers = (service / ".copier-answers.yml").read_text()
    assert "http_framework: stdlib" in answers
    assert "module_path: example.com/team/payments-api" in answers
    assert (service / "go.mod").read_text().startswith("module example.com/team/payments-api\n")
    assert (service / ".git").is_dir()
    assert "Created" in stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_failure_while_rendering_leaves_nothing(tmp_path: Path, template_dir: Path) -> None:
    broken = tmp_path / "broken-template"
    shutil.copytree(template_dir, broken)
    (broken / "template" / "broken.txt.jinja").write_text("{{ undefined_variable.attr }}")
    out = tmp_path / "out" / "team"
    code, _, stderr = gogen("new", "svc", "--output", str(out), "--template", str(broken),
                            "--preset", "minimal", "--no-go-download")
    assert code == 1
    assert stderr.strip().splitlines()[-1].startswith("error: rendering failed")
    assert not (tmp_path / "out").exists()


def test_no_git_skips_the_repository(tmp_path: Path, template_dir: Path) -> None:
    code, _, stderr = gogen("new", "svc", "--output", str(tmp_path), "--template",
                            str(template_dir), "--preset", "minimal", "--no-go-download",
                            "--no-git")
    assert code == 0, stderr
    assert not (tmp_path / "svc" / ".git").exists()


def test_version() -> None:
    code, stdout, _ = gogen("--version")
    assert code == 0
    assert stdout.strip() == f"gogen {__version__}"


def test_new_help_lists_every_answer_flag() -> None:
    code, stdout, _ = gogen("new", "--help")
    assert code == 0
    for flag in ("--module", "--preset", "--http", "--db", "--broker", "--cache", "--grpc", "--graphql", "--no-graphql",
                 "--auth", "--data", "--defaults", "--output", "--template", "--vcs-ref",
                 "--force", "--module-prefix", "--go-version", "--description", "--observability",
                 "--no-observability", "--http-framework", "--database", "--brokers"):
        assert flag in stdout


def test_update_refuses_a_directory_without_answers(tmp_path: Path) -> None:
    code, _, stderr = gogen("update", str(tmp_path))
    assert code == 2
    assert "has no .copier-answers.yml" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_missing_git_is_one_clear_line(tmp_path: Path, template_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, _, stderr = gogen("new", "svc", "--output", str(tmp_path), "--template", str(template_dir),
                            "--preset", "minimal", "--no-go-download")
    assert code == 2
    assert stderr.strip() == "error: git is not installed or not on PATH: gogen needs git to render templates"
    code, _, stderr = gogen("update", str(tmp_path))
    assert code == 2


def test_prompts_ask_only_what_flags_left_open(monkeypatch: pytest.MonkeyPatch) -> None:
    import questionary

    from gogen import prompts

    asked: list[str] = []

    class Reply:
        def __init__(self, value: object) -> None:
            self.value = value

        def ask(self) -> object:
            return self.value

    offered: dict[str, list[tuple[object, object]]] = {}

    def fake(value_for: dict[str, object]):  # type: ignore[no-untyped-def]
        def prompt(message: str, **kwargs: object) -> Reply:
            asked.append(message)
            choices = kwargs.get("choices") or []
            offered[message] = [(c.value, c.disabled) for c in choices]  # type: ignore[attr-defined]
            return Reply(value_for.get(message, kwargs.get("default")))
        return prompt

    monkeypatch.setattr(questionary, "text", fake({"Go module path": "example.com/x/svc"}))
    monkeypatch.setattr(questionary, "select", fake({"HTTP framework of the REST adapter": "stdlib"}))
    brokers = "Message brokers (each publishes the outbox and runs a consumer)"
    monkeypatch.setattr(questionary, "checkbox", fake({brokers: []}))
    monkeypatch.setattr(questionary, "confirm", fake({}))
    final = prompts.ask({"project_name": "svc", "preset": "minimal"})
    assert "What the service starts with" not in asked
    # questions with one possible answer (auth) and those copier.yml does not ask
    # (module_prefix, go_version) are not asked
    assert asked == ["Go module path", "One-line description of the service",
                     "HTTP framework of the REST adapter", "Store of the preset's aggregates",
                     "Message brokers (each publishes the outbox and runs a consumer)",
                     "Cache for the query side",
                     "Add a gRPC inbound adapter (the preset's API over gRPC, beside REST)",
                     "Add a GraphQL endpoint (gqlgen)",
                     "OpenTelemetry tracing and Prometheus metrics"]
    assert ("rabbitmq", None) in offered["Message brokers (each publishes the outbox and runs a consumer)"]
    assert ("redis", None) in offered["Cache for the query side"]
    assert ("mongo", None) in offered["Store of the preset's aggregates"]
    for framework in ("chi", "stdlib", "gin", "echo", "fiber"):
        assert (framework, None) in offered["HTTP framework of the REST adapter"]
    assert final["http_framework"] == "stdlib"
    assert final["module_path"] == "example.com/x/svc"
    from gogen import generate

    resolved = generate.resolve_answers(final)
    assert resolved["database"] == "memory"
    command = prompts.equivalent_command("svc", resolved)
    assert command == "gogen new svc --defaults --module example.com/x/svc --preset minimal --http stdlib"


def test_help_imports_neither_copier_nor_questionary() -> None:
    """`gogen --help` and `gogen new --help` stay fast: Copier is imported only to render."""
    probe = ("import sys\nfrom gogen.cli import app\n"
             "for args in (['--help'], ['new', '--help']):\n"
             "    try:\n        app(args)\n    except SystemExit:\n        pass\n"
             "print(sorted(m for m in ('copier', 'questionary', 'plumbum') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    assert proc.stdout.strip().splitlines()[-1] == "[]"
