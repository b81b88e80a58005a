"""Migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from kithbook.storage.database import create_database_engine, current_revision, upgrade
from kithbook.storage.search_index import is_search_index
from kithbook.storage.tables import metadata


def test_migrated_schema_matches_the_tables(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_object": lambda *args: not is_search_index(*args)})
            diff = compare_metadata(context, metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_records_the_head(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert current_revision(engine) == "0036"
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    engine = create_database_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_the_search_text_has_a_trigram_index(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                found = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'contacts_fts'").scalar()
                assert found is not None and "trigram" in found
            else:
                found = connection.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = "
                    "'ix_contacts_search_trgm' AND schemaname = current_schema()").scalar()
                assert found is not None and "gin_trgm_ops" in found
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_servers_starting_at_once_on_a_new_database_migrate_it_once(
        postgres_schema_url: str) -> None:
    # A schema of its own, empty: as a new community's database is when its servers start.
    schema = f"kb_fresh_{uuid.uuid4().hex[:8]}"
    admin = create_database_engine(postgres_schema_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = re.sub(r"search_path%3D[a-z0-9_]+", f"search_path%3D{schema}", postgres_schema_url)
    # Without the migration lock the servers' DDL wait on each other: fail, do not hang.
    url += "%20-clock_timeout%3D60000"
    engines = [create_database_engine(url) for _ in range(4)]
    try:
        start = threading.Barrier(len(engines))

        def migrate(engine: Engine) -> str | None:
            start.wait()
            upgrade(engine)
            return current_revision(engine)

        with ThreadPoolExecutor(max_workers=len(engines)) as pool:
            assert set(pool.map(migrate, engines)) == {"0036"}
    finally:
        for engine in engines:
            engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
