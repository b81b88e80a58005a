"""Fixtures: a real database per test, on SQLite and (when reachable) on PostgreSQL.

Storage and service tests take `kb`, which is parametrized over both databases; the
PostgreSQL variant skips with the reason when KITHBOOK_TEST_POSTGRES_URL is not set or
the server does not answer. Unset, the usual local server (127.0.0.1:5432, database
`test`, user `postgres`) is tried; set the variable to an empty string to skip on purpose.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from examples import PROFILE
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.services.facade import Kithbook
from kithbook.storage.database import create_database_engine, upgrade
from kithbook.storage.tables import metadata

POSTGRES_ENV = "KITHBOOK_TEST_POSTGRES_URL"
LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

hypothesis_settings.register_profile("long", max_examples=1000)
hypothesis_settings.load_profile(PROFILE)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = create_database_engine(database_url_from(str(path)))
    upgrade(engine)
    engine.dispose()  # the last connection to close folds the WAL into the file
    return path


@pytest.fixture
def book_file(tmp_path: Path, sqlite_template: Path) -> Path:
    """A book file that exists, as `kithbook init` leaves it, but has no owner yet."""
    path = tmp_path / "book.sqlite"
    shutil.copy(sqlite_template, path)
    return path


def postgres_base_url() -> str | None:
    """The variable when set; else the usual local server when something listens there."""
    if POSTGRES_ENV in os.environ:
        return os.environ[POSTGRES_ENV] or None
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return LOCAL_POSTGRES_URL


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A throw-away schema in the test PostgreSQL, migrated once for the session."""
    base = postgres_base_url()
    if not base:
        if POSTGRES_ENV in os.environ:
            pytest.skip(f"PostgreSQL tests are off: {POSTGRES_ENV} is set empty")
        pytest.skip(f"PostgreSQL tests need a server: nothing answers on 127.0.0.1:5432; "
                    f"start one or set {POSTGRES_ENV} (e.g. {LOCAL_POSTGRES_URL})")
    url = database_url_from(base)
    schema = f"kb_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # the server is down or refuses us: say why, do not fail
        admin.dispose()
        pytest.skip(f"PostgreSQL at {base} is not reachable: {exc.__class__.__name__}")
    separator = "&" if "?" in url else "?"
    # Commits need not wait for the server's disk: only a crash of the server itself could
    # lose them, and no test crashes it (killed clients still roll back as they would).
    schema_url = (f"{url}{separator}options=-csearch_path%3D{schema}"
                  "%20-csynchronous_commit%3Doff")
    engine = create_database_engine(schema_url)
    upgrade(engine)
    engine.dispose()
    try:
        yield schema_url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def empty_postgres(postgres_schema_url: str) -> Iterator[Callable[[], None]]:
    """Empties every table of the session's schema, in one round trip."""
    engine = create_database_engine(postgres_schema_url)
    quote = engine.dialect.identifier_preparer.format_table
    # DELETE, children first, rather than TRUNCATE: a test leaves a few rows, and TRUNCATE
    # syncs each table's new file to disk, a wait that grows with the machine's other I/O.
    statement = "; ".join(f"DELETE FROM {quote(t)}" for t in reversed(metadata.sorted_tables))

    def empty() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)

    yield empty
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "book.sqlite"
        shutil.copyfile(template, path)
        yield database_url_from(str(path))
    else:
        request.getfixturevalue("empty_postgres")()
        url: str = request.getfixturevalue("postgres_schema_url")
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def kb(settings: Settings, clock: FixedClock) -> Iterator[Kithbook]:
    services = bootstrap(settings, clock=clock, migrate=False)
    yield services
    services.close()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only, for tests about the local book that need no second database."""
    path = tmp_path / "book.sqlite"
    shutil.copyfile(sqlite_template, path)
    return database_url_from(str(path))


@pytest.fixture
def sqlite_kb(sqlite_url: str, clock: FixedClock) -> Iterator[Kithbook]:
    services = bootstrap(Settings(database_url=sqlite_url), clock=clock, migrate=False)
    yield services
    services.close()
