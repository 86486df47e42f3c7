"""The errors gogen reports to users: one line each, with the exit code to leave with."""

from __future__ import annotations

USAGE = 2
"""Bad input or a refused operation: nothing was changed."""

FAILURE = 1
"""The operation ran and did not succeed (a failed step, conflicts left by an update)."""


class GogenError(Exception):
    """A failure to report as one line on stderr, exiting with `exit_code`."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class AnswerError(GogenError):
    """An answer that is invalid, or a combination of answers that is not supported."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ValidationError(AnswerError):
    """An answer refused by copier.yml, with Copier's own message (which names the field)."""

    def __init__(self, field: str, text: str) -> None:
        GogenError.__init__(self, text)
        self.field = field
