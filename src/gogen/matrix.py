"""Which answer values this release of the template implements, and the combinations to prove.

Every value the schema accepts but the template does not implement yet is refused here with a
clear error, so no one generates a service that does not build. As adapters land, their values
move into IMPLEMENTED and the proven combinations grow with them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from gogen.answers import BY_KEY
from gogen.errors import AnswerError

IMPLEMENTED: dict[str, tuple[Any, ...]] = {
    "preset": ("ledger", "minimal"),
    "http_framework": ("chi", "stdlib"),
    "databases": ("postgres",),
    "brokers": (),
    "cache": ("none",),
    "grpc": (False,),
    "observability": (True, False),
    "auth": ("none",),
}

DEPENDENCY_KEYS: tuple[str, ...] = (
    "preset", "http_framework", "databases", "brokers", "cache", "grpc", "observability", "auth",
)
"""Answers that change which Go modules a service needs (go.mod/go.sum are locked over these)."""


PRESET_DATABASES: dict[str, tuple[str, ...]] = {"ledger": ("postgres",), "minimal": ()}
"""The databases each preset works with in this release (the ledger needs all of its own)."""


def fixed_answer(key: str, answers: Mapping[str, Any]) -> Any:
    """The only value this release accepts for `key` given earlier answers, or None if there
    is a choice to make (so interactive runs do not ask a question with one possible answer)."""
    if key == "databases":
        return list(PRESET_DATABASES.get(answers.get("preset", ""), ()))
    allowed = IMPLEMENTED.get(key)
    if allowed is None:
        return None
    if BY_KEY[key].kind == "multi":
        return [] if not allowed else None
    return allowed[0] if len(allowed) == 1 else None


def check_implemented(answers: Mapping[str, Any]) -> None:
    """Refuse values and combinations this release does not generate yet."""
    for key, allowed in IMPLEMENTED.items():
        value = answers[key]
        values = value if BY_KEY[key].kind == "multi" else [value]
        for item in values:
            if item not in allowed:
                shown = str(item).lower() if isinstance(item, bool) else item
                supported = ", ".join(str(a).lower() if isinstance(a, bool) else a for a in allowed)
                raise AnswerError(
                    key,
                    f"{shown!r} is not implemented yet in this release"
                    + (f" (supported: {supported})" if supported else " (leave it empty)"),
                )
    if answers["preset"] == "ledger" and "postgres" not in answers["databases"]:
        raise AnswerError("databases", "the ledger preset needs postgres")
    if answers["preset"] == "minimal" and answers["databases"]:
        raise AnswerError(
            "databases", "the minimal preset keeps its data in memory in this release (leave it empty)"
        )


def is_valid(answers: Mapping[str, Any]) -> bool:
    try:
        check_implemented(answers)
    except AnswerError:
        return False
    return True


def _values(key: str) -> list[Any]:
    allowed = IMPLEMENTED[key]
    if BY_KEY[key].kind != "multi":
        return list(allowed)
    return [list(c) for n in range(len(allowed) + 1) for c in itertools.combinations(allowed, n)]


def all_combinations() -> list[dict[str, Any]]:
    """Every implemented combination of the dependency-relevant answers."""
    keys = list(DEPENDENCY_KEYS)
    combos = [dict(zip(keys, values, strict=True))
              for values in itertools.product(*(_values(k) for k in keys))]
    return [c for c in combos if is_valid(c)]


def dependency_combinations() -> list[dict[str, Any]]:
    """The combinations whose go.mod/go.sum are locked: all of them, with a fixed name."""
    return [{"project_name": "lock-probe", "module_path": "example.com/lock-probe", **c}
            for c in all_combinations()]


def covering_set() -> list[dict[str, Any]]:
    """A pairwise covering set of the implemented combinations (every pair of values at least once).

    Greedy: repeatedly take the combination covering the most uncovered value pairs.
    """
    combos = all_combinations()

    def pairs(c: Mapping[str, Any]) -> set[tuple[str, str, str, str]]:
        items = [(k, repr(c[k])) for k in DEPENDENCY_KEYS]
        return {(a[0], a[1], b[0], b[1]) for a, b in itertools.combinations(items, 2)}

    uncovered = set().union(*(pairs(c) for c in combos))
    chosen: list[dict[str, Any]] = []
    while uncovered:
        best = max(combos, key=lambda c: len(pairs(c) & uncovered))
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen
