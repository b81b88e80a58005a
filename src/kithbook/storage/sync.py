"""CardDAV sync in SQL: each card's link to its contact, and the conflicts waiting."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select

from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.sync import StoredConflict, SyncCard
from kithbook.storage.tables import capture_sources, contacts, sync_cards, sync_conflicts

_BATCH = 500


class SqlSync:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def cards(self, source_id: str) -> list[SyncCard]:
        rows = self._c.execute(select(sync_cards).where(sync_cards.c.source_id == source_id))
        return [SyncCard(r.href, r.contact_id, r.uid, r.etag, json.loads(r.base), r.card)
                for r in rows]

    def put_cards(self, source_id: str, cards: Sequence[SyncCard]) -> None:
        for start in range(0, len(cards), _BATCH):
            batch = cards[start:start + _BATCH]
            self.remove_cards(source_id, [c.href for c in batch])
            self._c.execute(insert(sync_cards), [
                {"source_id": source_id, "href": c.href, "contact_id": c.contact,
                 "uid": c.uid[:500], "etag": c.etag, "base": json.dumps(c.base),
                 "card": c.card} for c in batch])

    def remove_cards(self, source_id: str, hrefs: Sequence[str]) -> None:
        for start in range(0, len(hrefs), _BATCH):
            self._c.execute(delete(sync_cards).where(
                sync_cards.c.source_id == source_id,
                sync_cards.c.href.in_(list(hrefs[start:start + _BATCH]))))

    def conflicts(self, owner: MemberId) -> list[StoredConflict]:
        rows = self._c.execute(
            select(sync_conflicts, contacts.c.name)
            .join(contacts, contacts.c.id == sync_conflicts.c.contact_id)
            .join(capture_sources, capture_sources.c.id == sync_conflicts.c.source_id)
            .where(capture_sources.c.owner_id == owner, contacts.c.owner_id == owner)
            .order_by(contacts.c.name_key, sync_conflicts.c.field))
        return [StoredConflict(r.id, r.source_id, r.contact_id, r.name, r.field,
                               json.loads(r.ours), json.loads(r.theirs)) for r in rows]

    def put_conflict(self, source_id: str, contact: str, field: str, ours: Any, theirs: Any,
                     at: datetime) -> None:
        self._c.execute(delete(sync_conflicts).where(and_(
            sync_conflicts.c.source_id == source_id, sync_conflicts.c.contact_id == contact,
            sync_conflicts.c.field == field)))
        self._c.execute(insert(sync_conflicts), {
            "id": new_id(), "source_id": source_id, "contact_id": contact, "field": field,
            "ours": json.dumps(ours), "theirs": json.dumps(theirs), "found_at": at})

    def remove_conflict(self, conflict_id: str) -> None:
        self._c.execute(delete(sync_conflicts).where(sync_conflicts.c.id == conflict_id))

