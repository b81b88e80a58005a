"""Interactions in SQL, each linked to one or more contacts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.domain.errors import Conflict
from kithbook.domain.health import note_flags
from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.storage.rows import aware, existing_ids, owned_by
from kithbook.storage.tables import interaction_contacts, interactions, log_keys


def interaction_row(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.id, "owner_id": interaction.owner, "kind": interaction.kind.value,
        "direction": interaction.direction.value, "occurred_on": interaction.occurred_on,
        "note": interaction.note, "flags": note_flags(interaction.note),
        "source": interaction.source, "created_at": interaction.created_at,
        "version": interaction.version,
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

    def claim_key(self, owner: MemberId, key: str, interaction_id: InteractionId,
                  at: datetime) -> InteractionId | None:
        """Record that `key` logs `interaction_id`; when the key was used before, the
        interaction it logged then. The primary key decides between two sends at once:
        the second insert waits for the first to commit, then does nothing."""
        values = {"owner_id": owner, "key": key, "interaction_id": interaction_id,
                  "created_at": at}
        claim = (postgresql_insert if self._c.dialect.name == "postgresql"
                 else sqlite_insert)(log_keys).values(**values)
        # RETURNING, not rowcount: psycopg counts a skipped row of ON CONFLICT too.
        if self._c.execute(claim.on_conflict_do_nothing(
                index_elements=["owner_id", "key"]).returning(log_keys.c.key)).first():
            return None
        earlier = self._c.scalar(select(log_keys.c.interaction_id).where(
            log_keys.c.owner_id == owner, log_keys.c.key == key))
        return InteractionId(earlier) if earlier is not None else None

    def forget_keys(self, before: datetime) -> int:
        done = self._c.execute(delete(log_keys).where(log_keys.c.created_at < before))
        return int(done.rowcount or 0)

    def get(self, owner: MemberId, interaction_id: InteractionId) -> Interaction | None:
        found = self._load(select(interactions).where(interactions.c.owner_id == owner,
                                                      interactions.c.id == interaction_id))
        return found[0] if found else None

    def update(self, interaction: Interaction, *, expected_version: int) -> None:
        """Store an edit made to the version loaded; `Conflict` if it changed since."""
        row = interaction_row(interaction)
        del row["id"], row["owner_id"], row["created_at"]
        done = self._c.execute(update(interactions).where(
            interactions.c.id == interaction.id, interactions.c.owner_id == interaction.owner,
            interactions.c.version == expected_version).values(row))
        if done.rowcount != 1:
            raise Conflict("this interaction was changed since you opened it; "
                           "reload it and make your change again.")
        self._c.execute(delete(interaction_contacts).where(
            interaction_contacts.c.interaction_id == interaction.id))
        self._c.execute(interaction_contacts.insert(), link_rows(interaction))

    def delete(self, owner: MemberId, interaction_id: InteractionId) -> None:
        self._c.execute(delete(interactions).where(interactions.c.owner_id == owner,
                                                   interactions.c.id == interaction_id))

    def for_contact(self, owner: MemberId, contact_id: ContactId,
                    limit: int | None = None) -> list[Interaction]:
        found = (self._load(_TIMELINE, {"contact": contact_id}) if limit is None
                 else self._load(_TIMELINE_PART, {"contact": contact_id, "limit": limit}))
        return [i for i in found if i.owner == owner]

    def all(self, owner: MemberId) -> list[Interaction]:
        rows = self._c.execute(select(interactions).where(interactions.c.owner_id == owner)
                               .order_by(interactions.c.id)).all()
        people: dict[str, list[ContactId]] = defaultdict(list)
        links = self._c.execute(
            select(interaction_contacts)
            .join(interactions, interactions.c.id == interaction_contacts.c.interaction_id)
            .where(interactions.c.owner_id == owner)
            .order_by(interaction_contacts.c.interaction_id, interaction_contacts.c.contact_id))
        for link in links:
            people[link.interaction_id].append(ContactId(link.contact_id))
        return [_interaction(r, people[r.id]) for r in rows]

    def sources(self, owner: MemberId) -> set[str]:
        return set(self._c.scalars(select(interactions.c.source).where(
            interactions.c.owner_id == owner, interactions.c.source.is_not(None))))

    def taken_ids(self, ids: Sequence[str]) -> set[str]:
        return existing_ids(self._c, interactions.c.id, ids)

    def count_for(self, owner: MemberId, contact_ids: Sequence[ContactId]) -> int:
        """How many interactions involve any of these contacts."""
        if not contact_ids:
            return 0
        stmt = (select(func.count(func.distinct(interaction_contacts.c.interaction_id)))
                .select_from(interaction_contacts.join(
                    interactions, interactions.c.id == interaction_contacts.c.interaction_id))
                .where(owned_by(self._c.dialect.name, interactions.c.owner_id, owner),
                       interaction_contacts.c.contact_id.in_(list(contact_ids))))
        return int(self._c.scalar(stmt) or 0)

    def move_links(self, owner: MemberId, sources: Sequence[ContactId],
                   target: ContactId) -> int:
        """Point every interaction of `sources` at `target` instead; returns how many moved.

        An interaction that already involves `target` (or several of `sources`) keeps one
        link to it, never two.
        """
        involved = (select(interaction_contacts.c.interaction_id, interaction_contacts.c.contact_id)
                    .join(interactions,
                          interactions.c.id == interaction_contacts.c.interaction_id)
                    .where(owned_by(self._c.dialect.name, interactions.c.owner_id, owner),
                           interaction_contacts.c.contact_id.in_([*sources, target])))
        by_interaction: dict[str, set[str]] = defaultdict(set)
        for row in self._c.execute(involved):
            by_interaction[row.interaction_id].add(row.contact_id)
        moving = [iid for iid, people in by_interaction.items() if people - {target}]
        if not moving:
            return 0
        self._c.execute(delete(interaction_contacts).where(
            interaction_contacts.c.contact_id.in_(list(sources)),
            interaction_contacts.c.interaction_id.in_(moving)))
        new_links = [{"interaction_id": iid, "contact_id": target} for iid in moving
                     if target not in by_interaction[iid]]
        if new_links:
            self._c.execute(insert(interaction_contacts), new_links)
        return len(moving)

    def link_by_source(self, owner: MemberId,
                       links: Sequence[tuple[str, ContactId]]) -> None:
        """Add each contact to the interaction imported under that source key (a calendar
        event imported before, whose attendee has just become a contact)."""
        if not links:
            return
        sources = sorted({source for source, _ in links})
        ids: dict[str, str] = {}
        for start in range(0, len(sources), 500):  # in chunks a driver accepts
            ids.update((row.source, row.id) for row in self._c.execute(
                select(interactions.c.source, interactions.c.id).where(
                    interactions.c.owner_id == owner,
                    interactions.c.source.in_(sources[start:start + 500]))))
        rows = [{"interaction_id": ids[source], "contact_id": contact}
                for source, contact in dict.fromkeys(links) if source in ids]
        if rows:
            self._c.execute(insert(interaction_contacts), rows)

    def delete_orphans(self, owner: MemberId) -> int:
        linked = exists().where(interaction_contacts.c.interaction_id == interactions.c.id)
        result = self._c.execute(delete(interactions).where(interactions.c.owner_id == owner,
                                                            ~linked))
        return int(result.rowcount or 0)

    def _load(self, stmt: Any, values: dict[str, Any] | None = None) -> list[Interaction]:
        rows = self._c.execute(stmt, values).all()
        if not rows:
            return []
        people: dict[str, list[ContactId]] = defaultdict(list)
        links = self._c.execute(_LINKS, {"ids": [r.id for r in rows]})
        for link in links:
            people[link.interaction_id].append(ContactId(link.contact_id))
        return [_interaction(r, people[r.id]) for r in rows]


def _interaction(r: Any, people: list[ContactId]) -> Interaction:
    return Interaction(
        id=InteractionId(r.id), owner=MemberId(r.owner_id), kind=Kind(r.kind),
        direction=Direction(r.direction), occurred_on=r.occurred_on,
        contact_ids=people, note=r.note, created_at=aware(r.created_at),
        version=r.version, source=r.source,
    )


# Built once (see `storage/contacts.py`): a contact's page reads them on every request.
# A timeline starts from the contact's links: an owner filter in SQL tempts planners into
# walking the owner's whole history in date order instead.
_TIMELINE = (select(interactions)
             .where(interactions.c.id.in_(select(interaction_contacts.c.interaction_id).where(
                 interaction_contacts.c.contact_id == bindparam("contact"))))
             .order_by(interactions.c.occurred_on.desc(), interactions.c.created_at.desc(),
                       interactions.c.id))
_TIMELINE_PART = _TIMELINE.limit(bindparam("limit", type_=Integer))
_LINKS = (select(interaction_contacts)
          .where(interaction_contacts.c.interaction_id.in_(bindparam("ids", expanding=True)))
          .order_by(interaction_contacts.c.interaction_id, interaction_contacts.c.contact_id))
