"""The answer combinations this release generates, derived from copier.yml's validators.

A value is implemented when its choice validator lets it through; a combination is valid when
every answer passes with the earlier ones. Nothing here lists values by hand: unlocking a value
in copier.yml adds its combinations to the matrix, the covering set and the lock.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from gogen import answers as answering
from gogen import schema as schemas
from gogen.errors import AnswerError

PROBE = {"project_name": "lock-probe", "module_path": "example.com/lock-probe"}
"""The fixed answers of services rendered only to work out a combination's dependencies."""


def candidates(question: schemas.Question) -> list[Any]:
    if question.type == "bool":
        return [False, True]
    values = list(question.values)
    if question.multiselect:
        return [list(c) for n in range(len(values) + 1) for c in itertools.combinations(values, n)]
    return values


def fixed_answer(question: schemas.Question, context: Mapping[str, Any]) -> Any:
    """The only answer `question` can take after `context`, or None when there is a choice."""
    if question.multiselect:
        return [] if not answering.enabled_values(question, context) else None
    valid = [v for v in candidates(question) if accepts(question, v, context)]
    return valid[0] if len(valid) == 1 else None


def accepts(question: schemas.Question, value: Any, context: Mapping[str, Any]) -> bool:
    try:
        answer = answering.parse(question, value, context)
        answering.check(question, answer, context)
    except AnswerError:
        return False
    return True


def all_combinations(schema: schemas.Schema | None = None) -> list[dict[str, Any]]:
    """Every valid combination of the option answers (choices and booleans), in schema order."""
    schema = schema or schemas.load()
    return list(_walk(schema, list(schema.asked), dict(PROBE), {}))


def _walk(schema: schemas.Schema, questions: list[schemas.Question], context: dict[str, Any],
          chosen: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if not questions:
        yield dict(chosen)
        return
    question, rest = questions[0], questions[1:]
    if question.key not in schema.option_keys:
        value = context.get(question.key, answering.default(question, context))
        yield from _walk(schema, rest, {**context, question.key: value}, chosen)
        return
    for value in candidates(question):
        if accepts(question, value, context):
            answer = answering.parse(question, value, context)
            yield from _walk(schema, rest, {**context, question.key: answer}, {**chosen, question.key: answer})


def dependency_combinations() -> list[dict[str, Any]]:
    """Every valid combination as complete answers for a probe service."""
    return [{**PROBE, **c} for c in all_combinations()]


def factors(schema: schemas.Schema, combo: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The factors of a combination that pairwise coverage pairs: one per single answer, and
    one per value of a multi-select answer (whether it is chosen), since each value is a
    component of its own. Pairing the subsets themselves would ask for every subset beside
    every value of every other answer, which grows with the power set, not the components."""
    items: list[tuple[str, str]] = []
    for key in schema.option_keys:
        question = schema[key]
        if question.multiselect:
            items.extend((f"{key}:{v}", repr(v in combo[key])) for v in question.values)
        else:
            items.append((key, repr(combo[key])))
    return items


def covering_set() -> list[dict[str, Any]]:
    """A pairwise covering set of the valid combinations: every pair of factors (see factors)
    that some valid combination has, at least once.

    It starts from the default answers, the service most users generate, then greedily takes
    the combination covering the most uncovered pairs.
    """
    combos = all_combinations()
    schema = schemas.load()
    keys = schema.option_keys

    def pairs(c: Mapping[str, Any]) -> set[tuple[str, str, str, str]]:
        items = factors(schema, c)
        return {(a[0], a[1], b[0], b[1]) for a, b in itertools.combinations(items, 2)}

    defaults = answering.resolve({"project_name": PROBE["project_name"]})
    chosen = [c for c in combos if all(c[k] == defaults[k] for k in keys)]
    uncovered = set().union(*(pairs(c) for c in combos)) - set().union(*(pairs(c) for c in chosen))
    while uncovered:
        best = max(combos, key=lambda c: len(pairs(c) & uncovered))
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen
