"""Opening a database: engines with the right settings, and migrations on start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from kithbook.domain.errors import InvalidInput

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x6B6974686D6967  # "kithmig": any constant no other lock of ours uses


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_database_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a generous busy wait."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            f"cannot read the database URL {url!r}; use a file path, sqlite:///path or "
            "postgresql://user@host/db.", field="database") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InvalidInput(f"cannot create the folder {folder} for the database: "
                                   f"{exc.strerror}.", field="database") from None
        # A file's pool hands out the connection returned last: a server answering on its
        # event loop takes the same one back each time, its remembered counts warm.
        pooled = {"pool_use_lifo": True} if database and database != ":memory:" else {}
        engine = create_engine(parsed, connect_args={"timeout": 30}, **pooled)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise InvalidInput(f"Kithbook runs on SQLite or PostgreSQL, not {parsed.get_backend_name()}.",
                       field="database")


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by us (see _sqlite_on_begin), not by the driver, so that a
    # writing unit of work can take the write lock up front and never fail half-way with
    # "database is locked" when upgrading a read lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Pages read through a memory map instead of a read() each: the page cache of a
    # connection (2 MB) holds little of a 100,000-contact book, and under 20 clients a
    # search spent up to 1.9 ms a request in the kernel copying pages (0.1 ms mapped).
    # SQLite writes through its usual path, so durability is unchanged.
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql(connection.info.get("sqlite_begin", "BEGIN IMMEDIATE"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`; cheap when it is already there."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several servers starting at once on one database: one migrates, the
                # others wait here, then find the schema current (the lock ends with
                # the transaction, so a server killed mid-migration leaves it free).
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except OperationalError as exc:
        raise InvalidInput(f"cannot open the database: {exc.orig}.", field="database") from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
