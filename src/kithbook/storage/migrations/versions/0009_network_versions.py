"""network versions: a counter per member bumped by every write to their part of the
network, and the organization and job title members show on their profile

Revision ID: 0009
Revises: 0008

Path search keeps the network in memory, in every process that serves searches. Each
process needs to notice the writes of the others, and to know whose part of the network
changed, without reading it all again. Triggers bump `network_versions` in the same
transaction as any write to members, contacts, ties, tags and contact links, so no code
path that writes can forget to, and a process compares the counters it last read with
the table's (see storage/network.py). Rows are never deleted, so the sum of the
counters only grows: comparing (count, sum) is enough to know whether anything changed.

SQLite has only row triggers; PostgreSQL uses statement triggers over the changed rows,
so a bulk import bumps each owner once per statement rather than once per row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"  # DEV-ONLY
branch_labels = None
depends_on = None

# (table, event, the column naming the owning member; "contact_id" goes through contacts)
_SOURCES = [
    ("members", "INSERT", "id"),
    ("members", "UPDATE", "id"),
    ("members", "DELETE", "id"),
    ("contacts", "UPDATE", "owner_id"),
    ("contacts", "DELETE", "owner_id"),
    ("ties", "INSERT", "owner_id"),
    ("ties", "UPDATE", "owner_id"),
    ("ties", "DELETE", "owner_id"),
    ("contact_tags", "INSERT", "contact_id"),
    ("contact_tags", "DELETE", "contact_id"),
    ("contact_knows", "INSERT", "owner_id"),
    ("contact_knows", "UPDATE", "owner_id"),
    ("contact_knows", "DELETE", "owner_id"),
]
_UPSERT = ("ON CONFLICT (owner_id) DO UPDATE "
           "SET version = network_versions.version + excluded.version")


def _name(table: str, event: str) -> str:
    return f"network_bump_{table}_{event.lower()}"


def upgrade() -> None:
    op.create_table(
        "network_versions",
        sa.Column("owner_id", sa.String(length=12), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_network_versions")),
    )
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("organization", sa.String(length=200)))
        batch.add_column(sa.Column("title", sa.String(length=200)))
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table, event, column in _SOURCES:
        row = "OLD" if event == "DELETE" else "NEW"
        # SELECT … WHERE, never VALUES: the form of upsert SQLite accepts inside a trigger.
        if column == "contact_id":
            owners = f"SELECT c.owner_id, 1 FROM contacts c WHERE c.id = {row}.contact_id"
        else:
            owners = f"SELECT {row}.{column}, 1 WHERE {row}.{column} IS NOT NULL"
        op.execute(
            f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW "
            f"BEGIN INSERT INTO network_versions (owner_id, version) {owners} {_UPSERT}; END")


def _postgres_triggers() -> None:
    for table, event, column in _SOURCES:
        rows = "gone" if event == "DELETE" else "changed"
        if column == "contact_id":
            owners = (f"SELECT c.owner_id, 1 FROM {rows} r JOIN contacts c ON c.id = r.contact_id "
                      "GROUP BY c.owner_id")
        else:
            owners = f"SELECT r.{column}, 1 FROM {rows} r WHERE r.{column} IS NOT NULL " \
                     f"GROUP BY r.{column}"
        op.execute(
            f"CREATE FUNCTION {_name(table, event)}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO network_versions (owner_id, version) {owners} {_UPSERT}; "
            "RETURN NULL; END $$")
        op.execute(
            f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
            f"REFERENCING {'OLD' if event == 'DELETE' else 'NEW'} TABLE AS {rows} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_name(table, event)}()")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, event, _ in _SOURCES:
        op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}"
                   + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {_name(table, event)}()")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("title")
        batch.drop_column("organization")
    op.drop_table("network_versions")
