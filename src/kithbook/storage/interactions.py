"""Interactions in SQL, each linked to one or more contacts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, delete, exists, select

from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.storage.rows import aware
from kithbook.storage.tables import interaction_contacts, interactions


def interaction_row(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.id, "owner_id": interaction.owner, "kind": interaction.kind.value,
        "direction": interaction.direction.value, "occurred_on": interaction.occurred_on,
        "note": interaction.note, "source": interaction.source,
        "created_at": interaction.created_at, "version": interaction.version,
    }


def link_rows(interaction: Interaction) -> list[dict[str, str]]:
    return [{"interaction_id": interaction.id, "contact_id": cid}
            for cid in interaction.contact_ids]


class SqlInteractions:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, interaction: Interaction) -> None:
        self._c.execute(interactions.insert(), interaction_row(interaction))
        self._c.execute(interaction_contacts.insert(), link_rows(interaction))

    def get(self, owner: MemberId, interaction_id: InteractionId) -> Interaction | None:
        found = self._load(select(interactions).where(interactions.c.owner_id == owner,
                                                      interactions.c.id == interaction_id))
        return found[0] if found else None

    def delete(self, owner: MemberId, interaction_id: InteractionId) -> None:
        self._c.execute(delete(interactions).where(interactions.c.owner_id == owner,
                                                   interactions.c.id == interaction_id))

    def for_contact(self, owner: MemberId, contact_id: ContactId,
                    limit: int | None = None) -> list[Interaction]:
        # Start from the contact's links: an owner filter in SQL tempts planners into
        # walking the owner's whole history in date order instead.
        involved = select(interaction_contacts.c.interaction_id).where(
            interaction_contacts.c.contact_id == contact_id)
        stmt = (select(interactions).where(interactions.c.id.in_(involved))
                .order_by(interactions.c.occurred_on.desc(), interactions.c.created_at.desc(),
                          interactions.c.id))
        if limit is not None:
            stmt = stmt.limit(limit)
        return [i for i in self._load(stmt) if i.owner == owner]

    def delete_orphans(self, owner: MemberId) -> int:
        linked = exists().where(interaction_contacts.c.interaction_id == interactions.c.id)
        result = self._c.execute(delete(interactions).where(interactions.c.owner_id == owner,
                                                            ~linked))
        return int(result.rowcount or 0)

    def _load(self, stmt: Any) -> list[Interaction]:
        rows = self._c.execute(stmt).all()
        if not rows:
            return []
        people: dict[str, list[ContactId]] = defaultdict(list)
        links = self._c.execute(
            select(interaction_contacts)
            .where(interaction_contacts.c.interaction_id.in_([r.id for r in rows]))
            .order_by(interaction_contacts.c.interaction_id, interaction_contacts.c.contact_id))
        for link in links:
            people[link.interaction_id].append(ContactId(link.contact_id))
        return [
            Interaction(
                id=InteractionId(r.id), owner=MemberId(r.owner_id), kind=Kind(r.kind),
                direction=Direction(r.direction), occurred_on=r.occurred_on,
                contact_ids=people[r.id], note=r.note, created_at=aware(r.created_at),
                version=r.version, source=r.source,
            )
            for r in rows
        ]
