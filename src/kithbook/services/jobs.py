"""Periodic background work run once per period across every server on one database.

Every worker process of every server polls; whichever first claims the job's row (a
lease, `JobLeases.claim`) runs it, and sets when it is next due. A server that stops
mid-run (killed, its machine gone) holds the claim only until its lease ends; then
another takes the job over. The work itself must be safe to run again after such a
stop: the digest pass claims each (member, week) in the transaction that enqueues it,
the sweep only deletes what has ended.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta

from kithbook.services.ports import Clock, UnitOfWork

__all__ = ["holder_name", "run_if_due"]


def holder_name() -> str:
    """Who holds a claim, as an operator reading the table would want to know it."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_if_due(uow: UnitOfWork, clock: Clock, name: str, every: timedelta,
               lease: timedelta, holder: str, work: Callable[[], int]) -> int | None:
    """Run `work` when the job `name` is due and no other server holds it; None when
    not run here. Due again `every` after it ends, failed or not (a failure is logged
    by the caller; trying at once again would only fail again)."""
    now = clock.now()
    with uow:
        claimed = uow.jobs.claim(name, holder, now, now + lease)
        uow.commit()
    if not claimed:
        return None
    try:
        return work()
    finally:
        with uow:
            uow.jobs.finish(name, holder, clock.now() + every)
            uow.commit()
