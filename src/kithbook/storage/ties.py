"""Ties in SQL: one row per contact, holding the relationship and its sharing rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update

from kithbook.domain.errors import Conflict
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.ties import AskRule, SharingPolicy, Tie, Visibility
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    contact_tags,
    contacts,
    interaction_contacts,
    interactions,
    tag_cadences,
    ties,
)


def tie_row(tie: Tie) -> dict[str, Any]:
    policy = tie.policy
    return {
        "contact_id": tie.contact, "owner_id": tie.owner, "stated_trust": tie.stated_trust,
        "cadence_days": tie.cadence_days, "started_on": tie.started_on,
        "strength_override": tie.strength_override, "override_at": tie.override_at,
        "visibility": policy.visibility.value if policy else None,
        "ask_rule": policy.ask_rule.value if policy else None,
        "ask_min_trust": policy.ask_min_trust if policy else None,
        "no_introductions": policy.no_introductions if policy else False,
        "welcomes": policy.welcomes if policy else None,
        "version": tie.version,
    }


# Built once (see `storage/contacts.py`): a contact's page reads it on every request.
_TIE = select(ties).where(ties.c.owner_id == bindparam("owner"),
                          ties.c.contact_id == bindparam("contact"))


class SqlTies:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, tie: Tie) -> None:
        self._c.execute(ties.insert(), tie_row(tie))

    def get(self, owner: MemberId, contact_id: ContactId) -> Tie | None:
        row = self._c.execute(_TIE, {"owner": owner, "contact": contact_id}).first()
        return tie_from_row(row) if row else None

    def all(self, owner: MemberId) -> list[Tie]:
        rows = self._c.execute(select(ties).where(ties.c.owner_id == owner)
                               .order_by(ties.c.contact_id))
        return [tie_from_row(row) for row in rows]

    def update(self, tie: Tie, *, expected_version: int) -> None:
        values = tie_row(tie)
        values["version"] = expected_version + 1
        values["strength_on"] = None  # trust, start or correction changed: recompute
        for key in ("contact_id", "owner_id"):
            values.pop(key)
        result = self._c.execute(
            update(ties).where(ties.c.contact_id == tie.contact, ties.c.owner_id == tie.owner,
                               ties.c.version == expected_version).values(values))
        if result.rowcount != 1:
            raise Conflict("this relationship was changed by someone else meanwhile; "
                           "reload and try again.")
        tie.version = expected_version + 1

    def refresh_activity(self, contact_ids: Iterable[ContactId]) -> None:
        """Recompute last contact and count for these ties from their interactions."""
        ids = list(contact_ids)
        if len(ids) > 500:
            for start in range(0, len(ids), 500):
                self.refresh_activity(ids[start:start + 500])
            return
        if not ids:
            return
        # Lock the ties first, in one order. On PostgreSQL each statement reads its own
        # snapshot: without the lock, two writers logging with the same contact would
        # each count from a snapshot taken before the other committed, and the later
        # UPDATE would write a count one short. Once the lock is ours, the UPDATE below
        # sees every interaction committed before it. (SQLite writers are one at a time.)
        self._c.execute(select(ties.c.contact_id).where(ties.c.contact_id.in_(ids))
                        .order_by(ties.c.contact_id).with_for_update())
        link = and_(interaction_contacts.c.interaction_id == interactions.c.id,
                    interaction_contacts.c.contact_id == ties.c.contact_id)
        last = (select(func.max(interactions.c.occurred_on))
                .select_from(interaction_contacts.join(interactions, link))
                .scalar_subquery())
        count = (select(func.count()).select_from(interaction_contacts)
                 .where(interaction_contacts.c.contact_id == ties.c.contact_id)
                 .scalar_subquery())
        self._c.execute(update(ties).where(ties.c.contact_id.in_(ids))
                        .values(last_interaction_on=last, interaction_count=count,
                                strength_on=None))  # the stored strength is stale

    def cadence_gaps(self, owner: MemberId, limit: int
                     ) -> tuple[int, list[tuple[ContactId, str, float]]]:
        """How many ties have a keep-in-touch cadence (their own or a tag's), and the
        strongest ties without one (by their stored strength)."""
        by_tag = select(contact_tags.c.contact_id).join(tag_cadences, and_(
            tag_cadences.c.tag == contact_tags.c.tag, tag_cadences.c.owner_id == owner))
        covered = or_(ties.c.cadence_days.is_not(None), ties.c.contact_id.in_(by_tag))
        counted = self._c.scalar(select(func.count()).select_from(ties).where(
            ties.c.owner_id == owner, covered)) or 0
        rows = self._c.execute(
            select(ties.c.contact_id, contacts.c.name, ties.c.strength)
            .join(contacts, contacts.c.id == ties.c.contact_id)
            .where(ties.c.owner_id == owner, ~covered, ties.c.strength.is_not(None))
            .order_by(ties.c.strength.desc(), ties.c.contact_id).limit(limit)).all()
        return int(counted), [(ContactId(r[0]), r[1], float(r[2])) for r in rows]


def tie_from_row(row: Any) -> Tie:
    policy = None
    if row.visibility is not None or row.ask_rule is not None or row.no_introductions \
            or row.welcomes is not None:
        policy = SharingPolicy(
            visibility=Visibility(row.visibility or Visibility.HIDDEN),
            ask_rule=AskRule(row.ask_rule or AskRule.NOBODY),
            ask_min_trust=row.ask_min_trust, no_introductions=bool(row.no_introductions),
            welcomes=row.welcomes,
        )
    return Tie(
        owner=MemberId(row.owner_id), contact=ContactId(row.contact_id),
        stated_trust=row.stated_trust, cadence_days=row.cadence_days,
        started_on=row.started_on, strength_override=row.strength_override,
        override_at=aware(row.override_at), policy=policy, version=row.version,
        last_interaction_on=row.last_interaction_on, interaction_count=row.interaction_count,
    )
