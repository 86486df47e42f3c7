"""The answer schema is copier.yml's: gogen and plain Copier accept and refuse the same answers,
with the same messages, and gogen's flags, defaults and equivalent commands derive from it."""

from __future__ import annotations

import shlex
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from gogen import answers as answering
from gogen import matrix, prompts
from gogen import schema as schemas
from gogen.cli import app
from gogen.errors import AnswerError
from gogen.render import copy_template_tree
from support.render import ROOT

CONTRACT = {"project_name", "module_prefix", "module_path", "description", "go_version", "preset",
            "http_framework", "database", "brokers", "cache", "grpc", "graphql", "observability", "auth"}


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_template_tree(ROOT, tmp_path_factory.mktemp("template"))


def test_the_schema_is_copier_yml() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    loaded = schemas.load(ROOT / "copier.yml")
    assert list(loaded.keys) == [k for k in config if not k.startswith("_")]
    assert {q.key for q in loaded.asked} == CONTRACT
    assert [q.key for q in loaded.questions if q.computed] == ["components"]


def test_derived_defaults() -> None:
    final = answering.resolve({"project_name": "ledger-service", "preset": "minimal"})
    assert final["module_path"] == "github.com/acme/ledger-service"
    assert final["database"] == "memory"
    assert answering.resolve({"project_name": "x"})["database"] == "postgres"
    assert answering.resolve({"project_name": "x", "module_prefix": "example.com/t"})["module_path"] == \
        "example.com/t/x"


def test_components_are_computed_from_the_answers() -> None:
    final = answering.resolve({"project_name": "x", "preset": "minimal", "http_framework": "stdlib",
                               "observability": False})
    assert answering.components(final) == ["base", "minimal", "stdlib", "memory"]
    assert answering.components(answering.resolve({"project_name": "x"})) == \
        ["base", "ledger", "chi", "postgres", "observability"]
    assert answering.components(answering.resolve({"project_name": "x", "graphql": True, "cache": "redis"})) == \
        ["base", "ledger", "chi", "postgres", "observability", "redis", "graphql"]


@pytest.mark.parametrize(("raw", "expected"), [("[]", []), ("[kafka, rabbitmq]", ["kafka", "rabbitmq"]),
                                               ("kafka", ["kafka"]), ("'kafka','rabbitmq'", ["kafka", "rabbitmq"])])
def test_multiselect_parsing(raw: str, expected: list[str]) -> None:
    assert answering.coerce("brokers", raw) == expected


def test_the_matrix_is_what_the_validators_let_through() -> None:
    combos = matrix.all_combinations()
    # 6 (preset, database) pairs x 5 frameworks x 3 caches x 2 observability x 2 grpc x 2 graphql
    # = 720 without brokers; every pair but mongo also takes any of the 7 non-empty sets of brokers.
    assert len(combos) == 720 + 5 * 7 * 120
    assert {c["graphql"] for c in combos} == {False, True}
    assert {c["grpc"] for c in combos} == {False, True}
    assert len([c for c in combos if not c["brokers"]]) == 720
    assert {b for c in combos for b in c["brokers"]} == {"rabbitmq", "kafka", "nats"}
    assert "mongo" not in {c["database"] for c in combos if c["brokers"]}
    assert {c["http_framework"] for c in combos} == {"chi", "stdlib", "gin", "echo", "fiber"}
    assert {c["cache"] for c in combos} == {"none", "redis", "memcached"}
    assert {(c["preset"], c["database"]) for c in combos} == {
        ("ledger", "postgres"), ("ledger", "mysql"), ("minimal", "memory"), ("minimal", "postgres"),
        ("minimal", "mysql"), ("minimal", "mongo")}
    covering = matrix.covering_set()
    assert len(covering) < len(combos)
    schema = schemas.load()
    covered = {f for c in covering for f in matrix.factors(schema, c)}
    for a in combos:
        assert set(matrix.factors(schema, a)) <= covered


def test_covering_pairs_each_value_of_a_multiselect_answer_not_each_subset() -> None:
    schema = schemas.parse({
        "http_framework": {"choices": ["chi", "stdlib"], "default": "chi"},
        "brokers": {"type": "str", "multiselect": True, "choices": ["rabbitmq", "kafka"], "default": "[]"},
    })
    factors = matrix.factors(schema, {"http_framework": "chi", "brokers": ["kafka"]})
    assert factors == [("http_framework", "'chi'"), ("brokers:rabbitmq", "False"), ("brokers:kafka", "True")]


# Bad answers, each refused by gogen and by plain Copier with the same message.
BAD_ANSWERS: list[dict[str, Any]] = [
    {"project_name": "Bad_Name"},
    {"project_name": "ledger--service"},
    {"project_name": "a" * 64},
    {"module_prefix": "not a prefix"},
    {"module_path": "github.com"},
    {"module_path": "Github.com/acme/svc"},
    {"description": "two\nlines"},
    {"description": "x" * 201},
    {"go_version": "1.21"},
    {"go_version": "latest"},
    {"preset": "bank"},
    {"http_framework": "flask"},
    {"http_framework": "martini"},
    {"database": "oracle"},
    {"preset": "ledger", "database": "mongo"},
    {"preset": "ledger", "database": "memory"},
    {"preset": "minimal", "database": "mongo", "brokers": ["kafka"]},
    {"preset": "minimal", "database": "mongo", "brokers": ["nats"]},
    {"brokers": ["sqs"]},
    {"preset": "minimal", "database": "mongo", "brokers": ["rabbitmq"]},
    {"cache": "valkey"},
    {"auth": "jwt"},
]


def copier_refusal(template: Path, answers: dict[str, Any], dst: Path) -> str:
    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            copier.run_copy(str(template), dst, data=answers, defaults=True, unsafe=True, quiet=True,
                            pretend=True, skip_tasks=True)
        except ValueError as exc:
            return str(exc)
    raise AssertionError(f"plain Copier accepted {answers}")


@pytest.mark.parametrize("framework", ["chi", "stdlib", "gin", "echo", "fiber"])
def test_gogen_and_plain_copier_accept_every_http_framework(framework: str, template_dir: Path,
                                                            tmp_path: Path) -> None:
    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(str(template_dir), tmp_path / "copier",
                        data={"project_name": "svc", "http_framework": framework}, defaults=True,
                        unsafe=True, quiet=True, pretend=True, skip_tasks=True)
    result = CliRunner().invoke(app, ["new", "svc", "--defaults", "--http", framework, "--template", str(template_dir),
                                      "-o", str(tmp_path / "gogen"), "--no-go-download", "--no-git"])
    assert result.exit_code == 0, result.stderr
    assert f"http_framework: {framework}" in (tmp_path / "gogen" / "svc" / ".copier-answers.yml").read_text()


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=lambda b: " ".join(f"{k}={v}"[:30] for k, v in b.items()))
def test_gogen_and_plain_copier_refuse_alike(bad: dict[str, Any], template_dir: Path, tmp_path: Path) -> None:
    answers = {"project_name": "svc", **bad}
    expected = copier_refusal(template_dir, answers, tmp_path / "copier")
    data = [f"{k}={as_text(v)}" for k, v in answers.items() if k != "project_name"]
    flags = [arg for d in data for arg in ("--data", d)]
    result = CliRunner().invoke(app, ["new", answers["project_name"], *flags,
                                      "--template", str(template_dir), "-o", str(tmp_path / "gogen"),
                                      "--no-go-download", "--no-git"])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"error: {expected}"]
    assert not (tmp_path / "gogen").exists() or not any((tmp_path / "gogen").iterdir())
    with pytest.raises(AnswerError) as caught:
        answering.resolve(answers)
    assert caught.value.message == expected


# Answer sets: `gogen new` with them, then the equivalent command gogen prints for them, must
# record the same answers.
ANSWER_SETS: list[list[str]] = [
    [],
    ["--preset", "minimal"],
    ["--preset", "minimal", "--http", "stdlib"],
    ["--preset", "minimal", "--no-observability"],
    ["--preset", "minimal", "--http", "stdlib", "--data", "observability=false"],
    ["--http", "stdlib"],
    ["--no-observability"],
    ["--http", "stdlib", "--no-observability"],
    ["--http", "gin"],
    ["--preset", "minimal", "--http", "echo", "--no-observability"],
    ["--http", "fiber", "--db", "mysql"],
    ["--module", "example.com/bank/ledger"],
    ["--module-prefix", "example.com/team"],
    ["--module-prefix", "example.com/team", "--module", "example.com/other/svc"],
    ["--data", "go_version=1.27"],
    ["--data", "go_version=1.26.3", "--preset", "minimal"],
    ["--description", "Payments ledger: posts transfers"],
    ["--description", "it's quoted \"twice\""],
    ["--data", "module_prefix=example.com/team", "--data", "go_version=1.27"],
    ["--preset", "ledger", "--db", "postgres"],
    ["--preset", "minimal", "--db", "memory", "--cache", "none"],
    ["--preset", "minimal", "--db", "postgres", "--http", "stdlib"],
    ["--data", "brokers=[]", "--auth", "none", "--no-grpc"],
    ["--graphql"],
    ["--preset", "minimal", "--graphql", "--no-observability"],
    ["--data", "graphql=true", "--http", "stdlib"],
    ["--no-graphql"],
    ["--grpc", "--preset", "minimal"],
    ["--preset", "minimal", "--module-prefix", "example.org/x", "--http-framework", "stdlib",
     "--description", "x y z"],
    ["--observability", "--preset", "minimal", "--data", "description=one two"],
]


@pytest.mark.parametrize("args", ANSWER_SETS, ids=lambda a: " ".join(a)[:40] or "defaults")
def test_equivalent_command_records_the_same_answers(args: list[str], template_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    common = ["--template", str(template_dir), "--no-go-download", "--no-git"]
    first = runner.invoke(app, ["new", "svc", "--defaults", *args, "-o", str(tmp_path / "a"), *common])
    assert first.exit_code == 0, first.stderr
    recorded = (tmp_path / "a" / "svc" / ".copier-answers.yml").read_text()
    given = {k: v for k, v in yaml.safe_load(recorded).items() if not k.startswith("_")}
    command = shlex.split(prompts.equivalent_command("svc", answering.resolve(given)))
    assert command[:3] == ["gogen", "new", "svc"]
    second = runner.invoke(app, [*command[1:], "-o", str(tmp_path / "b"), *common])
    assert second.exit_code == 0, second.stderr
    assert (tmp_path / "b" / "svc" / ".copier-answers.yml").read_text() == recorded
