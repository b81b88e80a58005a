"""What every command shares: settings, the services (opened on first use), the console."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

import typer
from rich.console import Console

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook


@dataclass
class CliContext:
    settings: Settings
    console: Console = field(default_factory=Console)
    _kb: Kithbook | None = None
    _me: Member | None = None

    @property
    def kb(self) -> Kithbook:
        if self._kb is None:
            self._kb = bootstrap(self.settings)
        return self._kb

    @property
    def me(self) -> Member:
        """The owner of this book; a fresh book gets one on first use."""
        if self._me is None:
            self._me, _ = self.kb.init_local_member(_default_name())
        return self._me


def _default_name() -> str:
    try:
        return getpass.getuser().title()
    except (KeyError, OSError):
        return "Me"


def state(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext), "the root callback sets the context"
    return obj
