"""The one place that wires storage to services."""

from __future__ import annotations

from pathlib import Path

from kithbook.config import Settings
from kithbook.io.smtp import SmtpMailer
from kithbook.services import request_keys
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathsCache
from kithbook.services.ports import Clock, SystemClock
from kithbook.services.retry import note_commit
from kithbook.storage.backup import backup, restore
from kithbook.storage.database import create_database_engine, upgrade
from kithbook.storage.unit_of_work import SqlUnitOfWork


def bootstrap(settings: Settings, *, clock: Clock | None = None,
              migrate: bool = True) -> Kithbook:
    """Open the database named in `settings` (migrating it to the latest schema)."""
    engine = create_database_engine(settings.database_url)
    if migrate:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    # The path network notices writes through versions the database keeps (in every
    # process alike), so the unit of work need not tell it.
    cache = PathsCache()
    # Each commit is counted, so a use case that already wrote is never run again; a
    # write sent with an Idempotency-Key records the key in its own transaction.
    def committed() -> None:
        note_commit()
        request_keys.after_commit()

    kb = Kithbook(settings, lambda: SqlUnitOfWork(engine, on_commit=committed,
                                                  before_commit=request_keys.before_commit),
                  clock or SystemClock(),
                  close=engine.dispose, paths_cache=cache)
    if settings.smtp_url:
        kb.mailer = SmtpMailer(settings.smtp_url, settings.mail_from)
    return kb


def upgrade_database(settings: Settings) -> str:
    """Apply pending migrations; returns the URL shown to the user, without a password."""
    engine = create_database_engine(settings.database_url)
    try:
        upgrade(engine)
        return engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()


def backup_database(settings: Settings, target: Path) -> Path:
    """Write a consistent copy of the whole database to one file."""
    engine = create_database_engine(settings.database_url)
    try:
        return backup(engine, target)
    finally:
        engine.dispose()


def restore_database(settings: Settings, source: Path) -> None:
    """Replace the whole database with a backup, then migrate it to the current schema."""
    engine = create_database_engine(settings.database_url)
    try:
        restore(engine, source)
    finally:
        engine.dispose()
