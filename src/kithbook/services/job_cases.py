"""`JobCases`, reached as `kb.jobs`: background work claimed across every server on the
database, and writes sent with an Idempotency-Key.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kithbook.services import (
    jobs,
    request_keys,
    retry,
)
from kithbook.services.bound import Bound
from kithbook.services.ports import KeptAnswer


@retry.retried_when_busy
class JobCases(Bound):
    @retry.once
    def run_job(self, name: str, every: float, work: Callable[[], int]) -> int | None:
        """Run `work` as the periodic job `name` when it is due and no server holds it
        (None: not run here)."""
        return jobs.run_if_due(self._uow(), self.clock, name, timedelta(seconds=every),
                               self._lease(), self._holder, work)

    # writes sent with an Idempotency-Key
    def kept_answer(self, key: str) -> KeptAnswer | None:
        return request_keys.kept_answer(self._uow(), key)

    def keep_answer(self, key: str, status: int, content_type: str | None,
                    body: str | None) -> None:
        request_keys.keep_answer(self._uow(), key, status, content_type, body)

    def forget_request_keys(self) -> int:
        return request_keys.forget_old(self._uow(), self.clock)
