"""Background jobs: threads that do a piece of work now and then, never in a request.

Each worker process of every community server runs one of each: the mail sender empties
the outbox (claims on it, SKIP LOCKED on PostgreSQL, keep two senders from sending the
same email), and the periodic jobs (the digest pass, the session sweep) look whether
they are due, the first worker to claim a job's row running it (services/jobs.py).
Running them in every worker of every server is safe by those rows, not by a lock in
any one process; a local book on SQLite runs them the same way in its one process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

MAIL_EVERY = 5.0
DIGEST_EVERY = 3600.0
SWEEP_EVERY = 900.0


class BackgroundJob:
    def __init__(self, work: Callable[[], int], every: float, name: str = "kithbook-job"
                 ) -> None:
        self._work = work
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._work()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("%s failed; retrying in %s s", self._thread.name, self._every)
            self._stop.wait(self._every)


class BackgroundSender(BackgroundJob):
    """Sends the emails that are due, every few seconds."""

    def __init__(self, deliver: Callable[[], int], every: float = MAIL_EVERY) -> None:
        super().__init__(deliver, every, name="kithbook-mail")
