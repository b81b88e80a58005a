"""Running a use case again when the database turned its transaction away for a moment.

SQLite answers "database is locked" when another process holds the write lock longer
than the busy timeout; PostgreSQL aborts one of two transactions that deadlock or
cannot be serialized. Either way the unit of work rolled back and raised `Busy`, so the
whole use case can simply run again. It is run again only when none of its units of
work had committed yet: a use case that writes in several transactions is never
half-repeated. After a bounded number of tries the person sees `Busy`'s clear message.
"""

from __future__ import annotations

import functools
import inspect
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from kithbook.domain.errors import Busy

__all__ = ["ATTEMPTS", "at_once", "note_commit", "once", "retried_when_busy", "retrying"]

P = ParamSpec("P")
T = TypeVar("T")
C = TypeVar("C", bound=type[Any])
F = TypeVar("F", bound=Callable[..., Any])

_ONCE = "_kithbook_once"

ATTEMPTS = 5
FIRST_PAUSE = 0.02  # seconds; doubles after each try, with jitter so racers spread out

# Commits made so far by the use case running in this thread (None outside of one).
_commits: ContextVar[list[int] | None] = ContextVar("kithbook_commits", default=None)


def note_commit() -> None:
    """Called by the unit of work after each commit."""
    box = _commits.get()
    if box is not None:
        box[0] += 1


def retrying(call: Callable[P, T], *, attempts: int = ATTEMPTS, pause: float = FIRST_PAUSE,
             sleep: Callable[[float], None] = time.sleep,
             jitter: Callable[[], float] = random.random) -> Callable[P, T]:
    """`call`, run again (up to `attempts` times in all) while it fails with `Busy`
    before committing anything."""

    @functools.wraps(call)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        if _commits.get() is not None:  # called by another use case: that one retries
            return call(*args, **kwargs)
        box = [0]
        token = _commits.set(box)
        try:
            for attempt in range(1, attempts + 1):
                try:
                    return call(*args, **kwargs)
                except Busy:
                    if box[0] or attempt == attempts:
                        raise
                    sleep(pause * 2 ** (attempt - 1) * (0.5 + jitter()))
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _commits.reset(token)

    return run


def once(method: F) -> F:
    """Marks a use case that `retried_when_busy` must not run again: it has effects
    outside the database (a file read or written, mail sent, a server asked) that running
    again would repeat."""
    setattr(method, _ONCE, True)
    return method


def retried_when_busy(cls: C) -> C:
    """A class decorator: every public method (one use case each) retries on `Busy`,
    except those marked `once`."""
    for name, member in list(vars(cls).items()):
        if (not name.startswith("_") and inspect.isfunction(member)
                and not getattr(member, _ONCE, False)):
            setattr(cls, name, retrying(member))
    return cls


def at_once(call: Callable[[], T]) -> T | None:
    """`call()`, whose use cases are not run again when the database is busy: None
    instead, at once. For a server's event loop, which must not sleep between tries."""
    token = _commits.set([0])  # as if inside a use case: the inner ones do not retry
    try:
        return call()
    except Busy:
        return None
    finally:
        _commits.reset(token)
