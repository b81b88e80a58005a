"""network versions: a counter per member bumped by every write to their part of the
network, and the organization and job title members show on their profile

Revision ID: 0009
Revises: 0008

Path search keeps the network in memory, in every process that serves searches. Each
process needs to notice the writes of the others, and to know whose part of the network
changed, without reading it all again. Triggers bump `network_versions` in the same
transaction as any write to members, contacts, ties, tags and contact links, so no code
path that writes can forget to, and a process compares the counters it last read with
the table's (see storage/network.py). A member's row is made with the member, with a
random salt, and goes with them (an erased account leaves nothing behind), so
(count, sum of counters, sum of salts) changes whenever anything does: one cheap query.

SQLite has only row triggers; PostgreSQL uses statement triggers over the changed rows,
so a bulk import bumps each owner once per statement rather than once per row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
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


def _name(table: str, event: str) -> str:
    return f"network_bump_{table}_{event.lower()}"


def _salt(dialect: str) -> str:
    # A random number below 10^12 per member row: sums of a million stay within 64 bits.
    if dialect == "postgresql":
        return "floor(random() * 1e12)::bigint"
    return "abs(random()) % 1000000000000"


def upgrade() -> None:
    op.create_table(
        "network_versions",
        sa.Column("owner_id", sa.String(length=12), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("salt", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_network_versions")),
    )
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("organization", sa.String(length=200)))
        batch.add_column(sa.Column("title", sa.String(length=200)))
    dialect = op.get_bind().dialect.name
    op.execute(f"INSERT INTO network_versions (owner_id, version, salt) "
               f"SELECT id, 1, {_salt(dialect)} FROM members")
    if dialect == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    # Every member has a row from the start (backfilled above, made when a member is
    # added, removed with the member), so a row trigger is a plain UPDATE by key: a bulk
    # import pays a few µs a row for it, where an upsert would cost four times as much.
    for table, event, column in _SOURCES:
        row = "OLD" if event == "DELETE" else "NEW"
        if table == "members" and event == "INSERT":
            body = ("INSERT INTO network_versions (owner_id, version, salt) "
                    f"VALUES (NEW.id, 1, {_salt('sqlite')});")
        elif table == "members" and event == "DELETE":
            body = "DELETE FROM network_versions WHERE owner_id = OLD.id;"
        elif column == "contact_id":
            body = ("UPDATE network_versions SET version = version + 1 WHERE owner_id = "
                    f"(SELECT owner_id FROM contacts WHERE id = {row}.contact_id);")
        else:
            body = (f"UPDATE network_versions SET version = version + 1 "
                    f"WHERE owner_id = {row}.{column};")
        op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                   f"FOR EACH ROW BEGIN {body} END")


def _postgres_triggers() -> None:
    for table, event, column in _SOURCES:
        rows = "gone" if event == "DELETE" else "changed"
        if table == "members" and event == "INSERT":
            body = ("INSERT INTO network_versions (owner_id, version, salt) "
                    f"SELECT id, 1, {_salt('postgresql')} FROM changed;")
        elif table == "members" and event == "DELETE":
            body = "DELETE FROM network_versions v USING gone r WHERE v.owner_id = r.id;"
        else:
            owners = (f"SELECT DISTINCT c.owner_id AS owner_id FROM {rows} r "
                      "JOIN contacts c ON c.id = r.contact_id" if column == "contact_id"
                      else f"SELECT DISTINCT r.{column} AS owner_id FROM {rows} r")
            body = ("UPDATE network_versions v SET version = v.version + 1 "
                    f"FROM ({owners}) o WHERE v.owner_id = o.owner_id;")
        op.execute(
            f"CREATE FUNCTION {_name(table, event)}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$")
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
