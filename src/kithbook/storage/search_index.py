"""The trigram index behind free-text search of the book, one per database.

A search matches each word as a substring of `contacts.search_text` (folded: lower case,
no accents). Without an index that is a scan of every contact. Both databases can
index substrings by their trigrams:

- SQLite: an FTS5 table with the `trigram` tokenizer (SQLite 3.34 or later) over
  `contacts.search_text` as external content (it stores no copy of the text), kept in
  step by triggers on `contacts`, so every writer — the repository, bulk loads, cascades,
  erasure — keeps it right. Case-sensitive on purpose: the text and the words are already
  folded, so a phrase query is exactly the substring test `LIKE` made.
- PostgreSQL: a GIN index with `pg_trgm`'s `gin_trgm_ops`, which `LIKE '%word%'`
  uses as it is. When the extension cannot be created (no rights), searches keep their
  plain `LIKE` scan and say nothing: the answers are the same, only slower.

Words shorter than three characters have no trigram; they are matched with `LIKE`
among the rows the longer words found (or over the whole book when all are short).

The FTS table points at contacts by `rowid`. A migration that rebuilds `contacts` (Alembic
batch mode on SQLite) drops these triggers and may renumber rows: it must end with
`install(connection)`, which recreates them and rebuilds the index.

None of these objects is in `tables.metadata`: `is_search_index` tells schema
comparisons to leave them out.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, text

FTS_TABLE = "contacts_fts"
TRIGRAM_INDEX = "ix_contacts_search_trgm"
# SQLite: contacts in name order with their search text, so that a search for a common
# word walks one index and tests each text without reading the contact's row (0.3 ms
# for a page of 6,349 matches of 100,000, where reading the rows took 1.7 ms).
# PostgreSQL limits the size of a B-tree entry, and a search text holds the notes.
WALK_INDEX = "ix_contacts_owner_name_text"
WALK_INDEX_SQL = (f"CREATE INDEX IF NOT EXISTS {WALK_INDEX} "
                  "ON contacts (owner_id, name_key, id, search_text)")
# Trigrams need three characters; shorter words are matched with LIKE.
MIN_INDEXED = 3

_SQLITE_TRIGGERS = {
    "contacts_fts_insert": f"""
        CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
          INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.rowid, new.search_text);
        END""",
    "contacts_fts_delete": f"""
        CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
          INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.rowid, old.search_text);
        END""",
    "contacts_fts_update": f"""
        CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text ON contacts BEGIN
          INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.rowid, old.search_text);
          INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.rowid, new.search_text);
        END""",
}


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def install(connection: Connection) -> None:
    """Create (or re-create) the index for this database and fill it from the contacts."""
    if connection.dialect.name == "sqlite":
        _install_sqlite(connection)
    elif connection.dialect.name == "postgresql":
        _install_postgresql(connection)


def uninstall(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
        connection.execute(text(f"DROP INDEX IF EXISTS {WALK_INDEX}"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}"))


def _install_sqlite(connection: Connection) -> None:
    uninstall(connection)
    connection.execute(text(WALK_INDEX_SQL))
    if not sqlite_has_trigram():
        return  # searches fall back to LIKE (see `sqlite_fts_ready`)
    connection.execute(text(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='contacts', "
        "content_rowid='rowid', tokenize='trigram case_sensitive 1')"))
    for sql in _SQLITE_TRIGGERS.values():
        connection.execute(text(sql))
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


def _install_postgresql(connection: Connection) -> None:
    schema = _trigram_schema(connection)
    if schema is None:
        return
    connection.execute(text(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON contacts "
        f'USING gin (search_text "{schema}".gin_trgm_ops)'))


def _trigram_schema(connection: Connection) -> str | None:
    """The schema holding pg_trgm, creating the extension when we may; None if we can't.

    The extension goes into `public` when it can, so that databases holding several
    schemas (one per test run, say) share one copy that none of them drops."""
    found = connection.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()
    if found is not None:
        return str(found)
    for clause in (" SCHEMA public", ""):
        savepoint = connection.begin_nested()
        try:
            connection.execute(text(f"CREATE EXTENSION IF NOT EXISTS pg_trgm{clause}"))
        except Exception:  # no rights, or contrib not installed: keep the LIKE scan
            savepoint.rollback()
            continue
        savepoint.commit()
        return _trigram_schema(connection)
    return None


def sqlite_fts_ready(connection: Connection) -> bool:
    """Whether this SQLite database has the FTS table (a migrated one on a recent SQLite)."""
    return connection.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": FTS_TABLE}).first() is not None


def fts_phrase(word: str) -> str:
    """One folded word as an FTS5 phrase: matched as a substring, quotes doubled."""
    return '"' + word.replace('"', '""') + '"'


def is_search_index(obj: Any, name: str | None, type_: str, reflected: bool,
                    compare_to: Any) -> bool:
    """Alembic `include_object` test: True for the objects this module manages."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return True
    return type_ == "index" and name in (TRIGRAM_INDEX, WALK_INDEX)
