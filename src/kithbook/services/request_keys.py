"""Writes made once, however often a client sends them: the `Idempotency-Key`.

A client that lost the answer to a write (its server stopped mid-request, a connection
dropped) sends the same request again with the same key. The key is recorded in the
write's own transaction, by the unit of work just before it commits, so the key and the
write land together or not at all; the answer is kept right after, and a retry gets it
back instead of writing a second time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from kithbook.domain.errors import Conflict, InvalidInput
from kithbook.services.ports import Clock, KeptAnswer, UnitOfWork

__all__ = ["KEEP_FOR", "MAX_KEY", "Pending", "after_commit", "before_commit", "carrying",
           "check_key", "forget_old", "keep_answer", "kept_answer", "unkeyed"]

P = ParamSpec("P")
T = TypeVar("T")

KEEP_FOR = timedelta(hours=24)  # a client retries within minutes; a day is ample
MAX_KEY = 200


@dataclass
class Pending:
    """The key of the request being carried out, and whether its write has landed."""

    key: str
    fingerprint: str
    at: datetime
    recorded: bool = False  # a commit carried the key
    _in_commit: bool = False


_pending: ContextVar[Pending | None] = ContextVar("kithbook_request_key", default=None)


def check_key(key: str) -> str:
    if not 0 < len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY} printable ASCII "
                           "characters (a UUID is a good choice).", field="Idempotency-Key")
    return key


@contextmanager
def carrying(pending: Pending) -> Iterator[Pending]:
    """The writes made in this context (and the threads it starts) carry `pending`'s key."""
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


def unkeyed(call: Callable[P, T]) -> Callable[P, T]:
    """`call` run apart from the request's key: signing in (which notes when a session or
    token was last used) is not the write the key stands for."""

    @functools.wraps(call)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        token = _pending.set(None)
        try:
            return call(*args, **kwargs)
        finally:
            _pending.reset(token)

    return run


def before_commit(uow: UnitOfWork) -> None:
    """Called by the unit of work before each commit: the first write of a keyed request
    records its key; a key recorded already (a retry racing the first attempt) refuses
    the write, which rolls back."""
    pending = _pending.get()
    if pending is None or pending.recorded:
        return
    if not uow.request_keys.record(pending.key, pending.fingerprint, pending.at):
        raise Conflict("A request with this Idempotency-Key was carried out at the same "
                       "moment; send it again in a moment to get its answer.")
    pending._in_commit = True


def after_commit() -> None:
    pending = _pending.get()
    if pending is not None and pending._in_commit:
        pending.recorded = True


def kept_answer(uow: UnitOfWork, key: str) -> KeptAnswer | None:
    with uow.reading():
        return uow.request_keys.get(key)


def keep_answer(uow: UnitOfWork, key: str, status: int, content_type: str | None,
                body: str | None) -> None:
    with uow:
        uow.request_keys.keep_answer(key, status, content_type, body)
        uow.commit()


def forget_old(uow: UnitOfWork, clock: Clock) -> int:
    """Forget keys older than `KEEP_FOR` (the session sweep calls this)."""
    with uow:
        gone = uow.request_keys.forget_before(clock.now() - KEEP_FOR)
        uow.commit()
    return gone
