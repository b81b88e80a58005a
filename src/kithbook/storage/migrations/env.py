"""Alembic environment: runs on the connection Kithbook hands it."""

from __future__ import annotations

from alembic import context

from kithbook.storage.search_index import is_search_index
from kithbook.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `kithbook db upgrade`, which opens the database")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
    compare_type=True,
    # The trigram search index is per database and lives outside the metadata.
    include_object=lambda *args: not is_search_index(*args),
)
with context.begin_transaction():
    context.run_migrations()
