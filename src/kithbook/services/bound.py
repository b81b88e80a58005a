"""`Bound`: what each feature's use cases are bound to (one database, clock, settings).

`Kithbook` is made of one object per feature (`kb.book`, `kb.intros`, …), each a
`Bound`; they share one `Wiring`, so a setting or mail sender changed on `Kithbook` is
seen by every feature at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kithbook.config import Settings
from kithbook.graph.strength import StrengthParams
from kithbook.services import jobs
from kithbook.services.path_network import PathsCache
from kithbook.services.ports import Clock, Mailer, UnitOfWork


@dataclass
class Wiring:
    settings: Settings
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    paths: PathsCache = field(default_factory=PathsCache)
    mailer: Mailer | None = None  # set when SMTP is configured
    # Names this process in the leases it takes on background work shared by servers.
    holder: str = field(default_factory=jobs.holder_name)


class Bound:
    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    @property
    def settings(self) -> Settings:
        return self._wiring.settings

    @property
    def clock(self) -> Clock:
        return self._wiring.clock

    @property
    def mailer(self) -> Mailer | None:
        return self._wiring.mailer

    @property
    def _paths(self) -> PathsCache:
        return self._wiring.paths

    @property
    def strength_params(self) -> StrengthParams:
        """Strength as of the clock's today, with the half-life from the settings."""
        return StrengthParams(half_life_days=self.settings.half_life_days)

    @property
    def _holder(self) -> str:
        return self._wiring.holder

    def _lease(self) -> timedelta:
        """How long background work claimed here is ours before another server may take
        it over."""
        return timedelta(seconds=self.settings.job_lease_seconds)

    def _uow(self) -> UnitOfWork:
        return self._wiring.uow_factory()
