"""The background sender: a thread that empties the outbox now and then.

Each worker process of a community server runs one; claims on the outbox keep two
senders from sending the same email.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class BackgroundSender:
    def __init__(self, deliver: Callable[[], int], every: float = 5.0) -> None:
        self._deliver = deliver
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kithbook-mail", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._deliver()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("sending mail failed; retrying in %s s", self._every)
            self._stop.wait(self._every)
