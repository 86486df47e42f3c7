"""Interactive questions (questionary), asked only on a terminal and never with --defaults.

The questions, their help, choices and defaults are copier.yml's; a choice its validator refuses
after the earlier answers is shown with the reason and cannot be picked, and a question with a
single possible answer is not asked at all.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from gogen import answers as answering
from gogen import matrix
from gogen import schema as schemas
from gogen.errors import AnswerError, GogenError

FLAG_ALIASES: dict[str, str] = {
    "module_path": "--module",
    "http_framework": "--http",
    "database": "--db",
    "brokers": "--broker",
}
"""Short flags of `gogen new` for the answers typed most (every answer also has --<key>)."""


def flag(question: schemas.Question) -> str:
    return FLAG_ALIASES.get(question.key, question.flag)


def validator(question: schemas.Question, context: Mapping[str, Any]) -> Any:
    def check(text: str) -> bool | str:
        try:
            answer = answering.parse(question, answering.cast(question, text), context)
            answering.check(question, answer, context)
        except AnswerError as exc:
            return exc.message
        return True

    return check


def ask(given: Mapping[str, Any]) -> dict[str, Any]:
    """Ask every question that `given` does not answer yet (in copier.yml's order)."""
    import questionary

    result = dict(given)
    context: dict[str, Any] = {}
    for question in schemas.load().asked:
        if question.key in result:
            context[question.key] = answering.parse(question, result[question.key], context)
            continue
        default = answering.default(question, context)
        fixed = matrix.fixed_answer(question, context)
        if not question.ask or fixed is not None:
            context[question.key] = fixed if fixed is not None else answering.parse(question, default, context)
            continue
        reply = prompt(questionary, question, default, context)
        if reply is None:  # Ctrl-C or Ctrl-D
            raise GogenError("cancelled: nothing was generated", 130)
        result[question.key] = reply
        context[question.key] = answering.parse(question, reply, context)
    return result


def prompt(questionary: Any, question: schemas.Question, default: Any, context: Mapping[str, Any]) -> Any:
    if question.type == "bool":
        return questionary.confirm(question.help, default=bool(default)).ask()
    if question.choices:
        choices = [questionary.Choice(c.label, value=c.value,
                                      disabled=answering.disabled_reason(c, context) or None,
                                      checked=question.multiselect and c.value in (default or []))
                   for c in question.choices]
        if question.multiselect:
            return questionary.checkbox(question.help, choices=choices).ask()
        return questionary.select(question.help, choices=choices, default=default).ask()
    return questionary.text(question.help, default=str(default or ""),
                            validate=validator(question, context)).ask()


def equivalent_command(name: str, final: Mapping[str, Any], extra: list[str] | None = None) -> str:
    """The non-interactive command that reproduces the answers `final` (`extra`: other flags)."""
    parts = ["gogen", "new", name, "--defaults", *(extra or [])]
    context: dict[str, Any] = {}
    for question in schemas.load().asked:
        if question.key not in final:  # another release's schema: Copier filled it in
            continue
        value = final[question.key]
        if question.key == "project_name":
            context[question.key] = value
            continue
        default = answering.parse(question, answering.default(question, context), context)
        context[question.key] = value
        if value == default:
            continue
        if question.type == "bool":
            parts.append(question.flag if value else question.negative_flag)
        elif question.multiselect:
            if not value:
                parts += ["--data", f"{question.key}=[]"]
            for item in value:
                parts += [flag(question), str(item)]
        else:
            parts += [flag(question), str(value)]
    return shlex.join(parts)
