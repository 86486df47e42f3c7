"""The answer schema, read from the template's copier.yml: its one source.

gogen asks, validates, derives its flags and prints equivalent commands from the questions of
copier.yml, and evaluates their Jinja (defaults, `when`, question and per-choice validators) the
way Copier does, so `gogen new` and plain `copier copy` accept and refuse the same answers with
the same messages.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gogen.errors import GogenError

PACKAGED = Path(__file__).resolve().parent / "copier.yml"
"""Where a wheel carries the schema of the release it renders (scripts/hatch_bundle_hook.py)."""

CHECKOUT = Path(__file__).resolve().parents[2] / "copier.yml"
"""The schema of a source checkout (an editable install)."""


@dataclass(frozen=True)
class Choice:
    """One value of a question with choices; `validator` renders a reason to refuse it, or nothing."""

    label: str
    value: Any
    validator: str = ""


@dataclass(frozen=True)
class Question:
    """One question of copier.yml (an answer key of every service's .copier-answers.yml)."""

    key: str
    type: str
    help: str
    default: Any
    choices: tuple[Choice, ...] = ()
    multiselect: bool = False
    validator: str = ""
    when: Any = True
    ask: Any = True

    @property
    def computed(self) -> bool:
        """Computed from other answers (`when: false`): never asked nor recorded."""
        return self.when is False

    @property
    def values(self) -> tuple[Any, ...]:
        return tuple(c.value for c in self.choices)

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")

    @property
    def negative_flag(self) -> str:
        """`--no-<key>`, the false form of a boolean's flag."""
        return "--no-" + self.flag.removeprefix("--")


@dataclass(frozen=True)
class Schema:
    questions: tuple[Question, ...]

    def __getitem__(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return any(q.key == key for q in self.questions)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(q.key for q in self.questions)

    @property
    def asked(self) -> tuple[Question, ...]:
        """The questions a user answers (every recorded key)."""
        return tuple(q for q in self.questions if not q.computed)

    @property
    def option_keys(self) -> tuple[str, ...]:
        """Answers with a fixed set of values (choices or booleans): what selects components."""
        return tuple(q.key for q in self.asked if q.choices or q.type == "bool")


def parse(config: Mapping[str, Any]) -> Schema:
    questions = []
    for key, spec in config.items():
        if key.startswith("_"):
            continue
        if not isinstance(spec, Mapping):
            spec = {"default": spec}
        choices = tuple(parse_choice(label, value) for label, value in choice_items(spec.get("choices")))
        kind = spec.get("type") or ("bool" if isinstance(spec.get("default"), bool) else "str")
        questions.append(Question(
            key=key, type=kind, help=str(spec.get("help", key)), default=spec.get("default"),
            choices=choices, multiselect=bool(spec.get("multiselect", False)),
            validator=str(spec.get("validator", "")), when=spec.get("when", True),
            ask=spec.get("ask", True),
        ))
    return Schema(tuple(questions))


def choice_items(raw: Any) -> Sequence[tuple[str, Any]]:
    if not raw:
        return []
    if isinstance(raw, Mapping):
        return list(raw.items())
    return [(str(item), item) for item in raw]


def parse_choice(label: str, value: Any) -> Choice:
    if isinstance(value, Mapping):
        return Choice(str(label), value["value"], str(value.get("validator", "")))
    return Choice(str(label), value)


@functools.cache
def load(path: Path | None = None) -> Schema:
    """The schema at `path`, or the one of this gogen's release."""
    if path is None:
        path = PACKAGED if PACKAGED.is_file() else CHECKOUT
    try:
        # libyaml's parser where PyYAML has it (the same constructor, so the same values): the
        # pure-Python one costs a tenth of `gogen new`.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return parse(yaml.load(path.read_text(), Loader=loader))  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise GogenError(f"cannot read the answer schema {path}: {exc}", 1) from exc
