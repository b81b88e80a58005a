"""Capture sources, what they captured, strangers seen and the member's rules, in SQL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from kithbook.domain.capture import Exchange, RuleKind
from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction
from kithbook.domain.sources import Source, SourceKind
from kithbook.storage.interactions import interaction_row, link_rows
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    capture_decisions,
    capture_rules,
    capture_sightings,
    capture_sources,
    captured_interactions,
    contact_emails,
    contacts,
    interaction_contacts,
    interactions,
)

_CHUNK = 500


class SqlCapture:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # ---- sources ---------------------------------------------------------------------

    def add_source(self, source: Source) -> None:
        self._c.execute(insert(capture_sources).values(
            id=source.id, owner_id=source.owner, kind=source.kind.value, label=source.label,
            settings=json.dumps(source.settings, sort_keys=True), secret=source.secret,
            keep_subjects=source.keep_subjects, created_at=source.created_at,
            state=json.dumps(source.state, sort_keys=True), next_run_at=source.next_run_at))

    def source(self, owner: MemberId, source_id: str) -> Source | None:
        row = self._c.execute(select(capture_sources).where(
            capture_sources.c.owner_id == owner, capture_sources.c.id == source_id)).first()
        return None if row is None else _source(row)

    def sources(self, owner: MemberId) -> list[Source]:
        rows = self._c.execute(select(capture_sources)
                               .where(capture_sources.c.owner_id == owner)
                               .order_by(capture_sources.c.created_at, capture_sources.c.id))
        return [_source(r) for r in rows]

    def save_run(self, source: Source) -> None:
        """Store what a run changed about the source: its state and how it went."""
        self._c.execute(update(capture_sources).where(
            capture_sources.c.id == source.id, capture_sources.c.owner_id == source.owner)
            .values(state=json.dumps(source.state, sort_keys=True),
                    last_run_at=source.last_run_at, last_error=source.last_error,
                    last_added=source.last_added, attempts=source.attempts,
                    next_run_at=source.next_run_at, claimed_until=None))

    def delete_source(self, owner: MemberId, source_id: str) -> tuple[int, list[ContactId]]:
        """Remove the source and every interaction it captured; returns how many went and
        the contacts they involved."""
        captured = select(captured_interactions.c.interaction_id).where(
            captured_interactions.c.owner_id == owner,
            captured_interactions.c.source_id == source_id)
        touched = [ContactId(c) for c in self._c.scalars(
            select(interaction_contacts.c.contact_id).distinct()
            .where(interaction_contacts.c.interaction_id.in_(captured)))]
        result = self._c.execute(delete(interactions).where(
            interactions.c.owner_id == owner, interactions.c.id.in_(captured)))
        self._c.execute(delete(capture_sources).where(capture_sources.c.owner_id == owner,
                                                      capture_sources.c.id == source_id))
        return int(result.rowcount or 0), touched

    # ---- matching --------------------------------------------------------------------

    def email_index(self, owner: MemberId) -> dict[str, list[ContactId]]:
        """Every address of the member's contacts (lower case), with whose it is."""
        rows = self._c.execute(
            select(contact_emails.c.address_key, contact_emails.c.contact_id)
            .join(contacts, contacts.c.id == contact_emails.c.contact_id)
            .where(contacts.c.owner_id == owner)
            .order_by(contact_emails.c.address_key, contact_emails.c.contact_id))
        index: dict[str, list[ContactId]] = {}
        for key, contact_id in rows:
            index.setdefault(key, []).append(ContactId(contact_id))
        return index

    # ---- captured interactions -------------------------------------------------------

    def captured(self, owner: MemberId,
                 keys: Sequence[str]) -> dict[str, tuple[InteractionId, Direction]]:
        """Which of these exchange keys are already interactions, with their direction."""
        return {key: (InteractionId(iid), Direction(direction)) for key, iid, direction
                in self._captured(owner, keys, interactions.c.direction)}

    def add_captured(self, source_id: str,
                     items: Sequence[tuple[Interaction, str]]) -> None:
        if not items:
            return
        self._c.execute(insert(interactions), [interaction_row(i) for i, _ in items])
        self._c.execute(insert(interaction_contacts),
                        [row for i, _ in items for row in link_rows(i)])
        self._c.execute(insert(captured_interactions), [
            {"interaction_id": i.id, "owner_id": i.owner, "source_id": source_id,
             "capture_key": key} for i, key in items])

    def captured_days(self, owner: MemberId,
                      keys: Sequence[str]) -> dict[str, tuple[InteractionId, date]]:
        """Which of these keys are already interactions, with their day."""
        return {key: (InteractionId(iid), day) for key, iid, day
                in self._captured(owner, keys, interactions.c.occurred_on)}

    def _captured(self, owner: MemberId, keys: Sequence[str],
                  column: Any) -> Iterator[Any]:
        """(key, interaction id, `column`) for each key already captured, read a chunk
        of keys at a time so no statement outgrows a database's limit on parameters."""
        for start in range(0, len(keys), _CHUNK):
            yield from self._c.execute(
                select(captured_interactions.c.capture_key, interactions.c.id, column)
                .join(interactions, interactions.c.id == captured_interactions.c.interaction_id)
                .where(captured_interactions.c.owner_id == owner,
                       captured_interactions.c.capture_key.in_(keys[start:start + _CHUNK])))

    def set_day(self, owner: MemberId, interaction_id: InteractionId, day: date) -> None:
        self._c.execute(update(interactions).where(
            interactions.c.owner_id == owner, interactions.c.id == interaction_id)
            .values(occurred_on=day, version=interactions.c.version + 1))

    def set_direction(self, owner: MemberId, interaction_id: InteractionId,
                      direction: Direction) -> None:
        self._c.execute(update(interactions).where(
            interactions.c.owner_id == owner, interactions.c.id == interaction_id)
            .values(direction=direction.value, version=interactions.c.version + 1))

    def captured_count(self, owner: MemberId, source_id: str | None = None) -> int:
        stmt = select(func.count()).select_from(captured_interactions).where(
            captured_interactions.c.owner_id == owner)
        if source_id is not None:
            stmt = stmt.where(captured_interactions.c.source_id == source_id)
        return int(self._c.scalar(stmt) or 0)

    def met_from_calendar(self, owner: MemberId, contact: ContactId, as_of: date) -> int:
        """Meetings with this contact up to `as_of` that a calendar source captured."""
        stmt = (select(func.count()).select_from(
            captured_interactions
            .join(interactions, interactions.c.id == captured_interactions.c.interaction_id)
            .join(interaction_contacts,
                  interaction_contacts.c.interaction_id == interactions.c.id)
            .join(capture_sources, capture_sources.c.id == captured_interactions.c.source_id))
            .where(captured_interactions.c.owner_id == owner,
                   interaction_contacts.c.contact_id == contact,
                   interactions.c.kind == "met", interactions.c.occurred_on <= as_of,
                   capture_sources.c.kind.in_(("ics", "caldav"))))
        return int(self._c.scalar(stmt) or 0)

    def captured_ids(self, owner: MemberId, interaction_ids: Sequence[str]) -> dict[str, str]:
        """Interaction id → the label of the source that captured it, for a timeline."""
        if not interaction_ids:
            return {}
        rows = self._c.execute(
            select(captured_interactions.c.interaction_id, capture_sources.c.label)
            .join(capture_sources, capture_sources.c.id == captured_interactions.c.source_id)
            .where(captured_interactions.c.owner_id == owner,
                   captured_interactions.c.interaction_id.in_(list(interaction_ids))))
        return {str(row[0]): str(row[1]) for row in rows}

    # ---- strangers -------------------------------------------------------------------

    def add_sightings(self, owner: MemberId, source_id: str,
                      exchanges: Sequence[Exchange]) -> None:
        """Record exchanges with people not in the book; one seen before keeps its row,
        with both directions once both were seen."""
        if not exchanges:
            return
        keys = [e.key for e in exchanges]
        known: dict[str, str] = {}
        for start in range(0, len(keys), _CHUNK):
            rows = self._c.execute(select(capture_sightings.c.capture_key,
                                          capture_sightings.c.direction).where(
                capture_sightings.c.owner_id == owner,
                capture_sightings.c.capture_key.in_(keys[start:start + _CHUNK])))
            known.update((str(row[0]), str(row[1])) for row in rows)
        fresh = []
        for e in exchanges:
            was = known.get(e.key)
            if was is None:
                fresh.append({"owner_id": owner, "capture_key": e.key, "address": e.email,
                              "name": (e.name or "")[:200] or None, "occurred_on": e.day,
                              "direction": e.direction.value, "source_id": source_id})
            elif was != e.direction.value and was != Direction.MUTUAL.value:
                self._c.execute(update(capture_sightings).where(
                    capture_sightings.c.owner_id == owner,
                    capture_sightings.c.capture_key == e.key)
                    .values(direction=Direction.MUTUAL.value))
        if fresh:
            self._c.execute(insert(capture_sightings), fresh)

    def sightings(self, owner: MemberId, addresses: Sequence[str] | None = None
                  ) -> list[tuple[str, str | None, date, Direction, str, str]]:
        """(address, name, day, direction, key, source) of exchanges with strangers."""
        stmt = select(capture_sightings.c.address, capture_sightings.c.name,
                      capture_sightings.c.occurred_on, capture_sightings.c.direction,
                      capture_sightings.c.capture_key, capture_sightings.c.source_id).where(
            capture_sightings.c.owner_id == owner)
        if addresses is not None:
            stmt = stmt.where(capture_sightings.c.address.in_(list(addresses)))
        rows = self._c.execute(stmt.order_by(capture_sightings.c.address,
                                             capture_sightings.c.occurred_on,
                                             capture_sightings.c.capture_key))
        return [(a, n, d, Direction(di), k, s) for a, n, d, di, k, s in rows]

    def forget_sightings(self, owner: MemberId, addresses: Iterable[str]) -> None:
        wanted = sorted(set(addresses))
        for start in range(0, len(wanted), _CHUNK):
            self._c.execute(delete(capture_sightings).where(
                capture_sightings.c.owner_id == owner,
                capture_sightings.c.address.in_(wanted[start:start + _CHUNK])))

    # ---- rules and decisions ---------------------------------------------------------

    def rules(self, owner: MemberId) -> list[tuple[str, RuleKind]]:
        rows = self._c.execute(select(capture_rules.c.pattern, capture_rules.c.rule)
                               .where(capture_rules.c.owner_id == owner)
                               .order_by(capture_rules.c.rule, capture_rules.c.pattern))
        return [(p, RuleKind(r)) for p, r in rows]

    def put_rule(self, owner: MemberId, pattern: str, rule: RuleKind) -> None:
        self._c.execute(delete(capture_rules).where(capture_rules.c.owner_id == owner,
                                                    capture_rules.c.pattern == pattern))
        self._c.execute(insert(capture_rules).values(owner_id=owner, pattern=pattern,
                                                     rule=rule.value))

    def remove_rule(self, owner: MemberId, pattern: str) -> bool:
        result = self._c.execute(delete(capture_rules).where(
            capture_rules.c.owner_id == owner, capture_rules.c.pattern == pattern))
        return bool(result.rowcount)

    def decisions(self, owner: MemberId) -> dict[str, tuple[str, int]]:
        rows = self._c.execute(select(capture_decisions.c.address, capture_decisions.c.choice,
                                      capture_decisions.c.seen)
                               .where(capture_decisions.c.owner_id == owner))
        return {a: (c, s) for a, c, s in rows}

    def decide(self, owner: MemberId, address: str, choice: str, seen: int) -> None:
        self._c.execute(delete(capture_decisions).where(
            capture_decisions.c.owner_id == owner, capture_decisions.c.address == address))
        self._c.execute(insert(capture_decisions).values(owner_id=owner, address=address,
                                                         choice=choice, seen=seen))

    def forget_address(self, owner: MemberId, address: str) -> None:
        """Erasure: nothing about this address stays in the capture tables."""
        self.forget_sightings(owner, [address])
        self._c.execute(delete(capture_decisions).where(
            capture_decisions.c.owner_id == owner, capture_decisions.c.address == address))

    # ---- background runs -------------------------------------------------------------

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Source]:
        """Sources due to run, each claimed by this worker until `lease_until`.

        On PostgreSQL the rows are locked with SKIP LOCKED, so two workers never claim the
        same source; SQLite's writer lock does the same for a local book.
        """
        due = (select(capture_sources.c.id)
               .where(capture_sources.c.next_run_at.is_not(None),
                      capture_sources.c.next_run_at <= now,
                      or_(capture_sources.c.claimed_until.is_(None),
                          capture_sources.c.claimed_until <= now))
               .order_by(capture_sources.c.next_run_at, capture_sources.c.id)
               .limit(limit))
        if self._c.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self._c.scalars(due))
        if not ids:
            return []
        self._c.execute(update(capture_sources).where(capture_sources.c.id.in_(ids))
                        .values(claimed_until=lease_until))
        rows = self._c.execute(select(capture_sources).where(and_(
            capture_sources.c.id.in_(ids))).order_by(capture_sources.c.id))
        return [_source(r) for r in rows]


def _source(row: Any) -> Source:
    return Source(
        id=row.id, owner=MemberId(row.owner_id), kind=SourceKind(row.kind), label=row.label,
        created_at=aware(row.created_at) or row.created_at,
        settings=json.loads(row.settings or "{}"), secret=row.secret,
        keep_subjects=bool(row.keep_subjects), state=json.loads(row.state or "{}"),
        last_run_at=aware(row.last_run_at), last_error=row.last_error,
        last_added=row.last_added, attempts=int(row.attempts or 0),
        next_run_at=aware(row.next_run_at))
