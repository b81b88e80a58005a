"""Errors a person can act on.

Every error raised for a user mistake carries a message that says what is wrong and
how to fix it. Faces (CLI, web) turn these into exit code 2 or a 4xx response; anything
else that escapes is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence


class KithbookError(Exception):
    """Base of every error a user can act on."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(KithbookError):
    """The input cannot be accepted as given."""

    code = "invalid_input"


class NotFound(KithbookError):
    """Nothing the actor may see answers to that reference.

    Raised identically whether the object does not exist or belongs to someone else,
    so the error never reveals what another member keeps.
    """

    code = "not_found"


class Ambiguous(KithbookError):
    """A reference matches several objects; the candidates let the user choose."""

    code = "ambiguous"

    def __init__(
        self, message: str, *, candidates: Sequence[str] = (), field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.candidates = list(candidates)


class NotAllowed(KithbookError):
    """The actor may not make this move."""

    code = "not_allowed"


class Conflict(KithbookError):
    """Someone else changed the object first; reload and try again."""

    code = "conflict"


class Busy(Conflict):
    """The database could not take this change just now; nothing of it was written."""

    code = "busy"
