"""Answers: parsed, defaulted and validated exactly as Copier does it with copier.yml.

Copier evaluates each question in order: a given answer is cast to the question's type and checked
against its choices (a choice whose validator renders text is disabled, and that text is the
reason), then the question's validator renders with the answer; a missing answer takes the
rendered default, checked the same way. The messages below are Copier's, word for word, so a
refusal reads the same from `gogen new` and from plain `copier copy`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from gogen import schema as schemas
from gogen.errors import AnswerError, ValidationError

TRUE = frozenset({"true", "yes", "y", "on", "1"})
FALSE = frozenset({"false", "no", "n", "off", "0"})


@functools.cache
def _environment() -> Any:
    from jinja2.sandbox import SandboxedEnvironment

    # Copier's own environment: its default extension for filters such as regex_search, and
    # copier.yml's _envops.
    return SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
                                keep_trailing_newline=True)


@functools.cache
def _compiled(source: str) -> Any:
    return _environment().from_string(source)


def render(source: Any, context: Mapping[str, Any]) -> Any:
    """Render a templated value of copier.yml (non-strings are returned as they are)."""
    if not isinstance(source, str):
        return source
    return _compiled(source).render(dict(context))


def parse_bool(key: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise AnswerError(key, f"expected true or false, got {raw!r}")


def cast(question: schemas.Question, value: Any) -> Any:
    """A raw value (text from the command line, or a typed value) as the question's type."""
    if question.type == "bool":
        return value if isinstance(value, bool) else parse_bool(question.key, str(value))
    if question.type == "yaml":
        return yaml.safe_load(value) if isinstance(value, str) else value
    if question.type == "int":
        try:
            return int(value)
        except ValueError:
            raise AnswerError(question.key, f"expected an integer, got {value!r}") from None
    if not isinstance(value, str):
        raise AnswerError(question.key, f"expected text, got {value!r}")
    return value


def disabled_reason(choice: schemas.Choice, context: Mapping[str, Any]) -> str:
    """Why `choice` cannot be taken given the earlier answers, or ''."""
    return str(render(choice.validator, context)).strip() if choice.validator else ""


def enabled_values(question: schemas.Question, context: Mapping[str, Any]) -> list[Any]:
    return [c.value for c in question.choices if not disabled_reason(c, context)]


def parse_one(question: schemas.Question, value: Any, context: Mapping[str, Any]) -> Any:
    answer = cast(question, value)
    if not question.choices:
        return answer
    for choice in question.choices:
        if choice.value == answer:
            reason = disabled_reason(choice, context)
            if not reason:
                return answer
            raise ValidationError(question.key, f"Invalid choice for '{question.key}': {reason}")
    valid = enabled_values(question, context)
    raise ValidationError(question.key, f"Invalid choice for '{question.key}': {answer!r} is not in {valid}")


def split_list(raw: str) -> list[str]:
    """`a,b`, `[a, b]`, `a` or `[]` as a list of values."""
    text = raw.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [part.strip().strip("'\"") for part in text.split(",") if part.strip()]


def parse(question: schemas.Question, value: Any, context: Mapping[str, Any]) -> Any:
    """The answer as Copier records it (a multiselect keeps its choices' order, once each)."""
    if not question.multiselect:
        return parse_one(question, value, context)
    items = split_list(value) if isinstance(value, str) else list(value)
    picked = [parse_one(question, item, context) for item in items]
    return [v for v in question.values if v in picked]


def check(question: schemas.Question, answer: Any, context: Mapping[str, Any]) -> None:
    if not question.validator:
        return
    message = str(render(question.validator, {**context, question.key: answer})).strip()
    if message:
        raise ValidationError(question.key, f"Validation error for question '{question.key}': {message}")


def default(question: schemas.Question, context: Mapping[str, Any]) -> Any:
    raw = render(question.default, context)
    if question.multiselect and isinstance(raw, str):
        loaded = yaml.safe_load(raw)
        return loaded if isinstance(loaded, list) else split_list(raw)
    return raw


def resolve(given: Mapping[str, Any], schema: schemas.Schema | None = None) -> dict[str, Any]:
    """Every recorded answer, typed, with defaults filled in; refuses what Copier refuses
    (and keys copier.yml does not know, which Copier would silently ignore)."""
    schema = schema or schemas.load()
    for key in given:
        asked(key, schema)
    return dict(_answers(given, schema))


def asked(key: str, schema: schemas.Schema) -> schemas.Question:
    """The question answered by `key`; refuses a key copier.yml does not ask."""
    if key not in schema or schema[key].computed:
        known = ", ".join(q.key for q in schema.asked)
        raise AnswerError(key, f"unknown answer key (known: {known})")
    return schema[key]


def _answers(given: Mapping[str, Any], schema: schemas.Schema) -> Iterator[tuple[str, Any]]:
    context: dict[str, Any] = {}
    for question in schema.asked:
        if question.key in given:
            answer = parse(question, given[question.key], context)
        else:
            raw = default(question, context)
            if raw is None:
                raise ValidationError(question.key, f'Question "{question.key}" is required')
            answer = parse(question, raw, context)
        check(question, answer, context)
        context[question.key] = answer
        yield question.key, answer


def computed(answers: Mapping[str, Any], schema: schemas.Schema | None = None) -> dict[str, Any]:
    """The computed values (`when: false`) of copier.yml for a complete answer set."""
    schema = schema or schemas.load()
    context = dict(answers)
    for question in schema.questions:
        if question.computed:
            context[question.key] = cast(question, render(question.default, context))
    return {q.key: context[q.key] for q in schema.questions if q.computed}


def components(answers: Mapping[str, Any]) -> list[str]:
    """The components an answer set selects (copier.yml's computed `components`)."""
    return list(computed(answers)["components"])


def coerce(key: str, raw: Any, schema: schemas.Schema | None = None) -> Any:
    """A raw value given on the command line, typed but not yet checked against choices."""
    question = asked(key, schema or schemas.load())
    if question.multiselect:
        return split_list(raw) if isinstance(raw, str) else [str(v) for v in raw]
    return cast(question, raw.strip() if isinstance(raw, str) else raw)
