"""What every command shares: settings, the services (opened on first use), the console."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, default_database_path
from kithbook.domain.errors import KithbookError
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook


@dataclass
class CliContext:
    settings: Settings
    console: Console = field(default_factory=Console)
    _kb: Kithbook | None = None
    _me: Member | None = None
    _may_create: bool = False

    @property
    def kb(self) -> Kithbook:
        if self._kb is None:
            self.require_book()
            self._kb = bootstrap(self.settings)
        return self._kb

    def allow_new_book(self) -> None:
        """For the commands that may start a book: init, demo, restore, import, create-admin."""
        self._may_create = True

    def require_book(self) -> None:
        """A SQLite file named by --database or the environment must already exist.

        A mistyped path would otherwise open a new, empty book and the user would wonder
        where their contacts went. The default file is created on first use, as before.
        """
        missing = _missing_sqlite_file(self.settings.database_url)
        if missing is None or self._may_create or missing == default_database_path():
            return
        raise KithbookError(
            f"no book at {missing}; check the path, or create it with "
            f"`kithbook --database {missing} init`")

    def close(self) -> None:
        """Let go of the database: a command run in process (tests, scripts) must not
        leave its connections open behind it."""
        if self._kb is not None:
            self._kb.close()
            self._kb = None

    @property
    def me(self) -> Member:
        """The owner of this book; a fresh book gets one on first use."""
        if self._me is None:
            self._me, _ = self.kb.book.init_local_member(_default_name())
        return self._me


def _missing_sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = Path(url[len(prefix):].split("?", 1)[0])
    return None if path.exists() else path


def _default_name() -> str:
    try:
        return getpass.getuser().title()
    except (KeyError, OSError):
        return "Me"


def state(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext), "the root callback sets the context"
    return obj
