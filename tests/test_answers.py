"""The answer schema: gogen's validation and copier.yml ask the same questions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gogen import answers as schema
from gogen import matrix
from gogen.errors import AnswerError
from support.render import ROOT


def copier_questions() -> dict[str, dict[str, object]]:
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {k: v for k, v in config.items() if not k.startswith("_")}


def test_copier_yml_asks_exactly_the_schema_questions() -> None:
    assert list(copier_questions()) == [q.key for q in schema.QUESTIONS]


@pytest.mark.parametrize("question", schema.QUESTIONS, ids=lambda q: q.key)
def test_choices_and_static_defaults_agree(question: schema.Question) -> None:
    entry = copier_questions()[question.key]
    if question.kind in {"choice", "multi"}:
        assert sorted(dict(entry["choices"]).values()) == sorted(question.choices)  # type: ignore[call-overload]
    if question.kind == "multi":
        assert entry.get("multiselect") is True
    if question.default is not None and question.kind != "multi":
        assert entry["default"] == question.default


def test_public_contract_keys_are_present() -> None:
    contract = {"project_name", "module_path", "description", "go_version", "preset",
                "http_framework", "databases", "brokers", "cache", "grpc", "observability", "auth"}
    assert contract <= {q.key for q in schema.QUESTIONS}


def test_derived_defaults() -> None:
    final = schema.validate({"project_name": "ledger-service", "preset": "minimal"})
    assert final["module_path"] == "github.com/acme/ledger-service"
    assert final["databases"] == []
    assert schema.validate({"project_name": "x"})["databases"] == ["postgres"]


@pytest.mark.parametrize(("raw", "expected"), [("[]", []), ("[kafka, rabbitmq]", ["kafka", "rabbitmq"]),
                                               ("kafka", ["kafka"]), ("'kafka','rabbitmq'", ["kafka", "rabbitmq"])])
def test_multiselect_parsing(raw: str, expected: list[str]) -> None:
    assert schema.coerce("brokers", raw) == expected


def test_every_implemented_value_is_accepted_by_the_schema() -> None:
    for key, values in matrix.IMPLEMENTED.items():
        question = schema.BY_KEY[key]
        for value in values:
            if question.kind in {"choice", "multi"}:
                assert value in question.choices


def test_covering_set_covers_every_implemented_pair() -> None:
    combos = matrix.covering_set()
    everything = matrix.all_combinations()
    assert 0 < len(combos) <= len(everything)
    for key in matrix.DEPENDENCY_KEYS:
        seen = {repr(c[key]) for c in combos}
        assert seen == {repr(c[key]) for c in everything}, key


def test_unimplemented_value_names_the_field() -> None:
    final = schema.validate({"project_name": "x", "http_framework": "fiber"})
    with pytest.raises(AnswerError, match=r"^http_framework: .fiber. is not implemented"):
        matrix.check_implemented(final)


def test_rename_answer_migration(tmp_path: Path) -> None:
    import subprocess
    import sys

    answers = tmp_path / ".copier-answers.yml"
    answers.write_text("_commit: v0.1.0\norg_prefix: example.com/team\nproject_name: x\n")
    script = ROOT / "migrations" / "rename_answer.py"
    subprocess.run([sys.executable, str(script), str(answers), "org_prefix", "module_prefix"], check=True)
    assert answers.read_text() == "_commit: v0.1.0\nmodule_prefix: example.com/team\nproject_name: x\n"
    subprocess.run([sys.executable, str(script), str(answers), "org_prefix", "module_prefix"], check=True)
    assert "module_prefix: example.com/team" in answers.read_text()


@pytest.mark.parametrize(("given", "recorded"), [
    ("https://github.com/gogen-dev/gogen.git", "https://github.com/gogen-dev/gogen.git"),
    ("https://git.example.com/platform/gogen", "https://git.example.com/platform/gogen.git"),
    ("git@git.example.com:platform/gogen", "git@git.example.com:platform/gogen.git"),
    ("file:///srv/git/gogen", "git+file:///srv/git/gogen"),
    ("git+https://git.example.com/gogen", "git+https://git.example.com/gogen"),
])
def test_template_urls_are_recorded_in_a_form_copier_reads_as_git(
        given: str, recorded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from gogen import source

    monkeypatch.setenv("GOGEN_TEMPLATE_URL", given)
    assert source.template_url() == recorded
    assert source.git_side(recorded) == recorded.removeprefix("git+")
