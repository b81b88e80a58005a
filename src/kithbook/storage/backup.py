"""Backups: SQLite's online backup API, and pg_dump / pg_restore for PostgreSQL.

A backup is one file. Restoring replaces the whole database with the file's contents,
then brings the schema up to date, so a backup taken before an upgrade still restores.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import Engine

from kithbook.domain.errors import InvalidInput
from kithbook.storage.database import is_sqlite, upgrade

PG_TIMEOUT = 3600


def backup(engine: Engine, target: Path) -> Path:
    target = target.expanduser().resolve()
    if target.exists() and target.is_dir():
        raise InvalidInput(f"{target} is a folder; name the backup file to write.",
                           field="file")
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist.", field="file")
    if is_sqlite(engine):
        _sqlite_copy(_sqlite_path(engine), target)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", *_schema_args(engine),
              "--file", str(target), "--dbname", _libpq_url(engine)], "pg_dump")
    return target


def restore(engine: Engine, source: Path) -> None:
    source = source.expanduser().resolve()
    if not source.is_file():
        raise InvalidInput(f"there is no backup file at {source}.", field="file")
    if is_sqlite(engine):
        _check_sqlite_backup(source)
        engine.dispose()  # no pooled connection may hold the old pages
        _sqlite_copy(source, _sqlite_path(engine))
    else:
        if source.read_bytes()[:5] != b"PGDMP":
            raise InvalidInput(f"{source} is not a PostgreSQL backup made by "
                               "`kithbook backup` (pg_dump custom format).", field="file")
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *_schema_args(engine), "--dbname", _libpq_url(engine), str(source)],
             "pg_restore")
    upgrade(engine)


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput("an in-memory database cannot be backed up.", field="database")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot while others keep reading and writing.
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        ok, tables = "not a database", set()
    if ok != "ok" or not {"alembic_version", "members", "contacts"} <= tables:
        raise InvalidInput(f"{source} is not a Kithbook backup (a SQLite file made by "
                           "`kithbook backup`); nothing was restored.", field="file")


def _libpq_url(engine: Engine) -> str:
    url = engine.url.set(drivername="postgresql").set(query={})
    return url.render_as_string(hide_password=False)


def _schema_args(engine: Engine) -> list[str]:
    """`-c search_path=x` in the URL's options limits the dump to that schema."""
    options = engine.url.query.get("options")
    text = options if isinstance(options, str) else " ".join(options or ())
    for part in unquote(text).split():
        if part.startswith("-csearch_path="):
            return [f"--schema={part.split('=', 1)[1]}"]
    return []


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise InvalidInput(f"{tool} is not installed; install the PostgreSQL client tools "
                           "(e.g. apt-get install postgresql-client).", field="database")
    done = subprocess.run(command, capture_output=True, text=True, timeout=PG_TIMEOUT,
                          check=False)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no detail"
        raise InvalidInput(f"{tool} failed: {detail}", field="database")

