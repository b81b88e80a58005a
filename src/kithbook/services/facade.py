"""`Kithbook`: every use case bound to one database and clock, one object per feature.

The faces (CLI, web) hold one of these, built by `bootstrap`, and call a feature's use
cases: `kb.book.add_contact(…)`, `kb.intros.forward(…)`, `kb.paths.find_paths(…)`. Each
feature's object lives in `services/<feature>_cases.py`, beside the functions it binds,
and says there which of its use cases must not be run again when the database is busy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kithbook.config import Settings
from kithbook.graph.strength import StrengthParams
from kithbook.services import retry
from kithbook.services.account_cases import AccountCases
from kithbook.services.book_cases import BookCases
from kithbook.services.bound import Wiring
from kithbook.services.capture_book import CaptureBook
from kithbook.services.community_cases import CommunityCases
from kithbook.services.depth_cases import DepthCases
from kithbook.services.intro_cases import IntroCases
from kithbook.services.job_cases import JobCases
from kithbook.services.notice_cases import NoticeCases
from kithbook.services.path_cases import PathCases
from kithbook.services.path_network import PathsCache
from kithbook.services.ports import Clock, Mailer, UnitOfWork
from kithbook.services.sync_book import SyncBook
from kithbook.services.transfer_cases import TransferCases

T = TypeVar("T")


class Kithbook:
    def __init__(self, settings: Settings, uow_factory: Callable[[], UnitOfWork],
                 clock: Clock, close: Callable[[], None] = lambda: None,
                 paths_cache: PathsCache | None = None) -> None:
        self._wiring = wiring = Wiring(settings, uow_factory, clock,
                                       paths_cache if paths_cache is not None
                                       else PathsCache())
        self._close = close
        self.book = BookCases(wiring)
        self.depth = DepthCases(wiring)
        self.transfer = TransferCases(wiring)
        self.intros = IntroCases(wiring)
        self.paths = PathCases(wiring)
        self.accounts = AccountCases(wiring)
        self.community = CommunityCases(wiring)
        self.notices = NoticeCases(wiring)
        self.jobs = JobCases(wiring)

    # Shared by every feature: a change here is seen by all of them at once.
    @property
    def settings(self) -> Settings:
        return self._wiring.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._wiring.settings = settings

    @property
    def clock(self) -> Clock:
        return self._wiring.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self._wiring.clock = clock

    @property
    def mailer(self) -> Mailer | None:
        """The mail sender, set by `bootstrap` when SMTP is configured."""
        return self._wiring.mailer

    @mailer.setter
    def mailer(self, mailer: Mailer | None) -> None:
        self._wiring.mailer = mailer

    @property
    def strength_params(self) -> StrengthParams:
        return self.book.strength_params

    def close(self) -> None:
        """Release database connections; the object must not be used afterwards."""
        self._close()

    def uow(self) -> UnitOfWork:
        return self._wiring.uow_factory()

    def sync(self) -> SyncBook:
        """Two-way CardDAV sync: accounts, runs, the conflicts to resolve."""
        return SyncBook(self._wiring.uow_factory, self.clock, self.settings)

    def capture(self) -> CaptureBook:
        """The capture use cases (sources, runs, the review queue) on this database."""
        return CaptureBook(self._wiring.uow_factory, self.clock, self.settings)

    def at_once(self, call: Callable[[], T]) -> T | None:
        """`call()`, made of these use cases' reads, or None if the database is busy: no
        pause and try again (see `BookCases.read_contacts`)."""
        return retry.at_once(call)
