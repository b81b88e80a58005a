"""Progress of long work, on stderr: a live bar on a terminal, a line now and then elsewhere.

Imports, mail capture and sync can take minutes; a person at a terminal sees the bar move,
and a log (a cron job, CI) gets a line every `every` items instead of a redrawn bar.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

PLAIN_EVERY = 10_000


class Meter:
    """`with Meter("messages") as meter:` then hand `meter.count` (and `meter.expect`) to
    the use case as its progress callbacks."""

    def __init__(self, what: str, *, every: int = PLAIN_EVERY,
                 err: Console | None = None) -> None:
        self.what = what
        self.every = every
        self.err = err or Console(stderr=True, highlight=False, soft_wrap=True)
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._shown = 0

    def __enter__(self) -> Meter:
        if self.err.is_terminal:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=self.err, transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.what, total=None)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, trace)

    def expect(self, total: int | None, description: str | None = None) -> None:
        """How many there are (when known), and what is being counted now; a new
        description starts the count again."""
        if self._bar is not None and self._task is not None:
            if description is not None:
                self._bar.update(self._task, description=description, completed=0)
            self._bar.update(self._task, total=total)

    def count(self, done: int, total: int | None = None) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=done)
            if total is not None:
                self._bar.update(self._task, total=total)
        elif done >= self._shown + self.every:
            self._shown = done
            self.err.print(f"read {done:,} {self.what}")
