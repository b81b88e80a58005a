"""Rows kept so that a removal or a merge can be undone.

A capture reads every row that refers to the contacts (or the interaction) about to
change, from every table whose foreign key points at them, found in the schema itself so
a table added later is kept too. Restoring deletes what now stands for those contacts,
inserts the kept rows parents first, and points the rows that only lost their reference
(`ON DELETE SET NULL`, such as introductions) back at them. Values go to JSON by their
column's type.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Table,
    delete,
    or_,
    select,
    update,
)

from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.services.undo_ports import UndoEntry
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    captured_interactions,
    contacts,
    interaction_contacts,
    interactions,
    metadata,
    undo_entries,
)


def _referring(target: Column[Any]) -> list[tuple[Table, list[Column[Any]], bool]]:
    """Each table with a foreign key to `target`: its columns that point there, and
    whether deleting the target deletes the row (else it only clears the column)."""
    found = []
    for table in metadata.sorted_tables:
        columns = [fk.parent for fk in table.foreign_keys if fk.column is target]
        if columns and table is not undo_entries:
            cascade = all(fk.ondelete == "CASCADE" for fk in table.foreign_keys
                          if fk.column is target)
            found.append((table, columns, cascade))
    return found


def _encode(table: Table, row: Any) -> dict[str, Any]:
    out = {}
    for column in table.columns:
        value = row._mapping[column.name]
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bytes | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        out[column.name] = value
    return out


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in row.items():
        kind = table.c[name].type
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(kind, LargeBinary):
            value = base64.b64decode(value)
        out[name] = value
    return out


class SqlUndo:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # ---- what is kept ------------------------------------------------------------------
    def capture_contacts(self, owner: MemberId, ids: Sequence[ContactId]) -> str:
        rows: dict[str, list[dict[str, Any]]] = {}
        cleared: dict[str, list[dict[str, Any]]] = {}
        found = self._c.execute(select(contacts).where(contacts.c.owner_id == owner,
                                                       contacts.c.id.in_(ids))).all()
        rows["contacts"] = [_encode(contacts, r) for r in found]
        for table, columns, cascade in _referring(contacts.c.id):
            hits = self._c.execute(select(table).where(
                or_(*(c.in_(ids) for c in columns)))).all()
            if cascade:
                rows[table.name] = [_encode(table, r) for r in hits]
            else:  # keep the key and the references only
                keys = [c.name for c in table.primary_key.columns]
                cleared[table.name] = [
                    {k: r._mapping[k] for k in keys}
                    | {c.name: r._mapping[c.name] for c in columns if r._mapping[c.name] in ids}
                    for r in hits]
        return json.dumps({"drop": list(ids), "rows": rows, "cleared": cleared})

    def capture_removal(self, owner: MemberId, contact_id: ContactId) -> str:
        """A contact about to be removed, with the interactions that involved only them
        (removed with the contact) and every row that refers to those."""
        kept = json.loads(self.capture_contacts(owner, [contact_id]))
        linked = select(interaction_contacts.c.interaction_id).where(
            interaction_contacts.c.contact_id == contact_id)
        others = select(interaction_contacts.c.interaction_id).where(
            interaction_contacts.c.contact_id != contact_id)
        only_theirs = list(self._c.scalars(select(interactions.c.id).where(
            interactions.c.owner_id == owner, interactions.c.id.in_(linked),
            interactions.c.id.not_in(others))))
        if only_theirs:
            rows = kept["rows"]
            found = self._c.execute(select(interactions).where(
                interactions.c.id.in_(only_theirs))).all()
            rows["interactions"] = [_encode(interactions, r) for r in found]
            for table, columns, _ in _referring(interactions.c.id):
                hits = self._c.execute(select(table).where(
                    or_(*(c.in_(only_theirs) for c in columns)))).all()
                have = rows.setdefault(table.name, [])
                have.extend(row for row in (_encode(table, r) for r in hits) if row not in have)
        return json.dumps(kept)

    def capture_interaction(self, owner: MemberId, interaction_id: InteractionId) -> str:
        rows = {}
        for table, column in ((interactions, interactions.c.id),
                              (interaction_contacts, interaction_contacts.c.interaction_id),
                              (captured_interactions,
                               captured_interactions.c.interaction_id)):
            query = select(table).where(column == interaction_id)
            if table is interactions:
                query = query.where(interactions.c.owner_id == owner)
            rows[table.name] = [_encode(table, r) for r in self._c.execute(query)]
        return json.dumps({"drop": [], "rows": rows, "cleared": {}})

    def restore(self, owner: MemberId, kept: str) -> list[ContactId]:
        """Put the kept rows back; returns the contacts they concern."""
        data = json.loads(kept)
        if data["drop"]:
            self._c.execute(delete(contacts).where(contacts.c.owner_id == owner,
                                                   contacts.c.id.in_(data["drop"])))
        for table in metadata.sorted_tables:  # parents first
            kept_rows = self._still_pointing(table, data["rows"].get(table.name) or [])
            if kept_rows:
                self._c.execute(table.insert(), [_decode(table, r) for r in kept_rows])
        for name, refs in data["cleared"].items():
            table = metadata.tables[name]
            for ref in refs:
                keys = list(table.primary_key.columns)
                values = {k: v for k, v in ref.items() if k not in {c.name for c in keys}}
                self._c.execute(update(table).where(
                    *(c == ref[c.name] for c in keys)).values(values))
        links = data["rows"].get("interaction_contacts", [])
        return sorted({ContactId(r["contact_id"]) for r in links}
                      | {ContactId(c) for c in data["drop"]})

    def _still_pointing(self, table: Table, rows: list[dict[str, Any]]
                        ) -> list[dict[str, Any]]:
        """The kept rows whose references still stand (parents are put back first): a row
        that pointed at something removed since (an interaction shared with others and
        removed later, a contact they knew) is left out, or, where the reference may be
        empty, kept without it."""
        for fk in table.foreign_keys if rows else ():
            name = fk.parent.name
            wanted = {r[name] for r in rows if r[name] is not None}
            if not wanted:
                continue
            there = set(self._c.scalars(select(fk.column).where(fk.column.in_(wanted))))
            if there == wanted:
                continue
            if fk.parent.nullable:
                rows = [r if r[name] is None or r[name] in there else {**r, name: None}
                        for r in rows]
            else:
                rows = [r for r in rows if r[name] in there]
        return rows

    def contacts_missing(self, owner: MemberId, ids: Sequence[ContactId]) -> list[ContactId]:
        there = set(self._c.scalars(select(contacts.c.id).where(
            contacts.c.owner_id == owner, contacts.c.id.in_(ids))))
        return [c for c in ids if c not in there]

    # ---- the entries -------------------------------------------------------------------
    def add(self, entry: UndoEntry) -> None:
        self._c.execute(undo_entries.insert().values(
            id=entry.id, owner_id=entry.owner, kind=entry.kind, label=entry.label,
            guard=json.dumps(entry.guard), rows=entry.rows, created_at=entry.created_at))

    def get(self, owner: MemberId, entry_id: str) -> UndoEntry | None:
        row = self._c.execute(select(undo_entries).where(
            undo_entries.c.owner_id == owner, undo_entries.c.id == entry_id)).first()
        return None if row is None else _entry(row)

    def recent(self, owner: MemberId, limit: int) -> list[UndoEntry]:
        found = self._c.execute(select(undo_entries).where(undo_entries.c.owner_id == owner)
                                .order_by(undo_entries.c.created_at.desc(),
                                          undo_entries.c.id).limit(limit))
        return [_entry(r) for r in found]

    def remove(self, entry_id: str) -> None:
        self._c.execute(delete(undo_entries).where(undo_entries.c.id == entry_id))

    def purge(self, before: datetime) -> int:
        done = self._c.execute(delete(undo_entries).where(undo_entries.c.created_at < before))
        return int(done.rowcount or 0)


def _entry(row: Any) -> UndoEntry:
    created = aware(row.created_at)
    assert created is not None, "the column is NOT NULL"
    return UndoEntry(id=row.id, owner=MemberId(row.owner_id), kind=row.kind, label=row.label,
                     guard=json.loads(row.guard), rows=row.rows, created_at=created)
