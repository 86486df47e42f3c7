"""Interactive questions (questionary), asked only on a terminal and never with --defaults."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from gogen import answers as schema
from gogen import matrix
from gogen.errors import AnswerError, GogenError

NOT_YET = "not implemented yet"


def validator(question: schema.Question) -> Any:
    def check(text: str) -> bool | str:
        try:
            schema.check(question, schema.coerce(question.key, text))
        except AnswerError as exc:
            return exc.message
        return True

    return check


def selectable(question: schema.Question) -> list[Any]:
    """The values of a question this release implements (all of them for free-form questions)."""
    return list(matrix.IMPLEMENTED.get(question.key, question.choices))


def ask(given: Mapping[str, Any]) -> dict[str, Any]:
    """Ask every promptable question that `given` does not answer yet.

    Values the template does not implement yet are shown but cannot be picked; a question with
    a single possible answer in this release is not asked at all.
    """
    import questionary

    result = dict(given)
    for question in schema.QUESTIONS:
        if question.key in result or not question.prompt:
            continue
        default = schema.default(question.key, result)
        fixed = matrix.fixed_answer(question.key, result)
        if fixed is not None:
            result[question.key] = fixed
            continue
        implemented = selectable(question)
        if question.kind == "bool":
            reply = questionary.confirm(question.help, default=bool(default)).ask()
        elif question.kind == "choice":
            choices = [questionary.Choice(question.labels.get(c, c), value=c,
                                          disabled=None if c in implemented else NOT_YET)
                       for c in question.choices]
            reply = questionary.select(question.help, choices=choices, default=default).ask()
        elif question.kind == "multi":
            choices = [questionary.Choice(c, value=c, checked=c in (default or []),
                                          disabled=None if c in implemented else NOT_YET)
                       for c in question.choices]
            reply = questionary.checkbox(question.help, choices=choices).ask()
        else:
            reply = questionary.text(question.help, default=str(default or ""),
                                     validate=validator(question)).ask()
        if reply is None:  # Ctrl-C or Ctrl-D
            raise GogenError("cancelled: nothing was generated", 130)
        result[question.key] = reply
    return result


def equivalent_command(name: str, final: Mapping[str, Any], extra: list[str] | None = None) -> str:
    """The non-interactive command that reproduces an interactive run (`extra`: other flags given)."""
    parts = ["gogen", "new", name, "--defaults", *(extra or [])]
    flags = {"module_path": "--module", "preset": "--preset", "http_framework": "--http",
             "cache": "--cache", "auth": "--auth"}
    for key, flag in flags.items():
        if final[key] != schema.default(key, final):
            parts += [flag, str(final[key])]
    for item in final["databases"]:
        parts += ["--db", item]
    if not final["databases"] and schema.default("databases", final):
        parts += ["--data", "databases=[]"]
    for item in final["brokers"]:
        parts += ["--broker", item]
    if final["grpc"]:
        parts.append("--grpc")
    if not final["observability"]:
        parts += ["--data", "observability=false"]
    if final["description"] != schema.default("description", final):
        parts += ["--data", f"description={final['description']}"]
    return shlex.join(parts)
