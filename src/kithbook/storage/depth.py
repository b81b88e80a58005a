"""Relationship depth in SQL: a member's whole book as arrays, and cadences per tag.

The interaction rows come back from one query with every column already a number
(tie by contact id, kind and direction as codes, the day as its ordinal: 0001-01-01 is 1),
so the strength engine gets its arrays without a Python object per interaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    Connection,
    String,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from kithbook.domain.health import (
    DORMANT_SHOWN,
    MONTHS_SHOWN,
    STRENGTH_BINS,
    Diversity,
    LoggedSummary,
    TieTallies,
    diversity_of,
    flagged_notes,
    last_months,
    strongest_first,
)
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.tie_summary import Screen, TieFacts
from kithbook.domain.ties import Stage, StageKey
from kithbook.services.ports import DepthSnapshot, LoggedInteraction, RankedTie, StoredTie
from kithbook.storage import depth_rules as rules
from kithbook.storage.depth_rules import stage_from_key, stage_key
from kithbook.storage.rows import aware, remembered
from kithbook.storage.tables import (
    contact_knows,
    contact_tags,
    contacts,
    interactions,
    tag_cadences,
    ties,
)

# Below this many matches the strongest are found sooner by reading all and sorting.
_WALK_ABOVE = 500


# Built once (see `storage/contacts.py`): a contact's page reads one person's on every
# request.
_PEOPLE = (select(contacts.c.id, contacts.c.name, contacts.c.organization, contacts.c.role,
                  ties.c.stated_trust, ties.c.started_on, ties.c.strength_override,
                  ties.c.override_at, ties.c.cadence_days)
           .select_from(contacts.outerjoin(ties, ties.c.contact_id == contacts.c.id))
           .where(contacts.c.owner_id == bindparam("owner")).order_by(contacts.c.id))
_PERSON = _PEOPLE.where(contacts.c.id == bindparam("contact"))
_TAGS = (select(contact_tags.c.contact_id, contact_tags.c.tag)
         .where(contact_tags.c.contact_id == bindparam("contact")).order_by(contact_tags.c.tag))
_BOOK_TAGS = (select(contact_tags.c.contact_id, contact_tags.c.tag)
              .join(contacts, contacts.c.id == contact_tags.c.contact_id)
              .where(contacts.c.owner_id == bindparam("owner")).order_by(contact_tags.c.tag))
_CADENCES = (select(tag_cadences.c.tag, tag_cadences.c.cadence_days)
             .where(tag_cadences.c.owner_id == bindparam("owner")).order_by(tag_cadences.c.tag))


_BY_STAGE = (select(ties.c.stage, func.count()).where(ties.c.owner_id == bindparam("owner"))
             .group_by(ties.c.stage))
_STARTED = (select(ties.c.known_since, func.count())
            .where(ties.c.owner_id == bindparam("owner"),
                   ties.c.known_since >= bindparam("first"))
            .group_by(ties.c.known_since))
_CADENCE_TAGS = (select(contact_tags.c.contact_id, contact_tags.c.tag)
                 .join(contacts, contacts.c.id == contact_tags.c.contact_id)
                 .where(contacts.c.owner_id == bindparam("owner"),
                        contact_tags.c.tag.in_(bindparam("tags", expanding=True)))
                 .order_by(contact_tags.c.tag))
_BY_KIND = (select(interactions.c.kind, interactions.c.direction, func.count())
            .where(interactions.c.owner_id == bindparam("owner"),
                   interactions.c.occurred_on <= bindparam("today"))
            .group_by(interactions.c.kind, interactions.c.direction))
_IN_DAYS = (select(func.count()).select_from(interactions)
            .where(interactions.c.owner_id == bindparam("owner"),
                   interactions.c.occurred_on.between(bindparam("first"), bindparam("last"))))
# Newest first, as `summarize_logged` orders them; through the partial index of flagged
# notes (and those an older writer left unflagged).
_FLAGGED = (select(interactions.c.note, interactions.c.flags)
            .where(interactions.c.owner_id == bindparam("owner"),
                   interactions.c.occurred_on <= bindparam("today"),
                   or_(interactions.c.flags.is_(None), interactions.c.flags != 0))
            .order_by(interactions.c.occurred_on.desc(), interactions.c.id))
_FACT_VALUES: dict[str, Any] = {
    "strength": bindparam("s"), "stage": bindparam("st"), "strength_on": bindparam("day"),
    "gave_count": bindparam("gave"), "received_count": bindparam("received"),
    "known_since": bindparam("known"), "last_contact": bindparam("last"),
    "facts_on": bindparam("day")}
_STORE = (update(ties).where(ties.c.contact_id == bindparam("cid"),
                             ties.c.owner_id == bindparam("owner"))
          .values(_FACT_VALUES))
# A day's refresh leaves alone the ties a change cleared meanwhile, and those done today.
_STORE_DATED = _STORE.where(ties.c.strength_on.is_not(None),
                            ties.c.strength_on != bindparam("day"))
_STORE_MANY = text(
    "UPDATE ties SET strength = v.strength, stage = v.stage, strength_on = :day, "
    "gave_count = v.gave, received_count = v.received, known_since = v.known, "
    "last_contact = v.last, facts_on = :day "
    "FROM unnest(CAST(:ids AS text[]), CAST(:strengths AS float8[]), CAST(:stages AS text[]), "
    "CAST(:gave AS int[]), CAST(:received AS int[]), CAST(:known AS date[]), "
    "CAST(:last AS date[])) AS v(contact_id, strength, stage, gave, received, known, last) "
    "WHERE ties.contact_id = v.contact_id AND ties.owner_id = :owner")


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _ints(values: list[Any]) -> npt.NDArray[np.int64]:
    return np.asarray(values, dtype=np.int64) if values else np.zeros(0, dtype=np.int64)


class SqlDepth:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def snapshot(self, owner: MemberId, contact: ContactId | None = None) -> DepthSnapshot:
        dialect = self._c.dialect.name
        tagged: Sequence[Any]
        found: Sequence[Any]
        if contact is None:
            rows = self._c.execute(_PEOPLE, {"owner": owner}).all()
            tagged = self._c.execute(_BOOK_TAGS, {"owner": owner}).all()
            found = self._c.execute(rules.logged_by(dialect, "owner"), {"owner": owner}).all()
        else:
            rows = self._c.execute(_PERSON, {"owner": owner, "contact": contact}).all()
            # The contact is the owner's (it was found just now), so its tags and
            # interactions are read by contact id alone, through the contact's index;
            # another member's contact reads nothing more.
            tagged = found = []
            if rows:
                tagged = self._c.execute(_TAGS, {"contact": contact}).all()
                found = self._c.execute(rules.logged_by(dialect, "contact"),
                                        {"contact": contact}).all()
        ids = [ContactId(r.id) for r in rows]
        tags: dict[str, list[str]] = defaultdict(list)
        for contact_id, tag in tagged:
            tags[contact_id].append(tag)

        who, kind, direction, day = (list(column) for column in zip(*found, strict=True)) \
            if found else ([], [], [], [])
        # Contacts come back ordered by the database's collation, which need not be
        # numpy's; sort here so that the search below finds each row's tie.
        keys = np.asarray(ids, dtype=str)
        order = np.argsort(keys, kind="stable")
        tie = order[np.searchsorted(keys[order], np.asarray(who, dtype=str))] if who \
            else np.zeros(0, dtype=np.int64)

        return DepthSnapshot(
            contacts=ids,
            names=[r.name for r in rows],
            organizations=[r.organization for r in rows],
            roles=[r.role for r in rows],
            tags=[tuple(tags.get(r.id, ())) for r in rows],
            stated_trust=_ints([r.stated_trust or 0 for r in rows]),
            start_day=_ints([r.started_on.toordinal() if r.started_on else -1
                             for r in rows]),
            correction=np.asarray([np.nan if r.strength_override is None
                                   else r.strength_override for r in rows], dtype=np.float64),
            correction_day=_ints([_override_day(r.override_at) for r in rows]),
            cadence_days=_ints([r.cadence_days or 0 for r in rows]),
            tie=np.asarray(tie, dtype=np.int64),
            kind=_ints(kind),
            direction=_ints(direction),
            day=_ints(day),
        )

    def logged(self, owner: MemberId) -> list[LoggedInteraction]:
        kinds = {k.value: k for k in Kind}
        directions = {d.value: d for d in Direction}
        rows = self._c.execute(
            select(interactions.c.kind, interactions.c.direction, interactions.c.occurred_on,
                   interactions.c.note).where(interactions.c.owner_id == owner)
            .order_by(interactions.c.id)).all()
        return [LoggedInteraction(kinds[kind], directions[direction], day, note)
                for kind, direction, day, note in rows]

    def tag_cadences(self, owner: MemberId) -> dict[str, int]:
        rows = self._c.execute(_CADENCES, {"owner": owner})
        return {row.tag: row.cadence_days for row in rows}

    def set_tag_cadence(self, owner: MemberId, tag: str, days: int | None) -> None:
        self._c.execute(delete(tag_cadences).where(tag_cadences.c.owner_id == owner,
                                                   tag_cadences.c.tag == tag))
        if days is not None:
            self._c.execute(tag_cadences.insert(),
                            {"owner_id": owner, "tag": tag, "cadence_days": days})

    def strengths_due(self, owner: MemberId, today: date,
                      limit: int) -> tuple[list[ContactId] | None, bool]:
        mine = ties.c.owner_id == owner
        # Three lookups on the (owner, strength_on) index: no scan of the book. Usually
        # nothing is missing, and this one statement is all a list asks.
        cleared = ties.c.strength_on.is_(None)
        oldest, newest, some_missing = remembered(
            self._c, ("strength days", owner), lambda: tuple(self._c.execute(select(
                select(func.min(ties.c.strength_on)).where(mine).scalar_subquery(),
                select(func.max(ties.c.strength_on)).where(mine).scalar_subquery(),
                select(ties.c.contact_id).where(mine, cleared).limit(1).scalar_subquery(),
            )).one()))
        other_day = oldest is not None and (oldest != today or newest != today)
        if some_missing is None:
            return [], other_day
        missing = self._c.execute(select(ties.c.contact_id).where(mine, cleared)
                                  .limit(limit + 1)).scalars().all()
        if len(missing) > limit:
            return None, other_day
        return [ContactId(c) for c in missing], other_day

    def store_strengths(self, owner: MemberId, today: date, rows: Sequence[StoredTie], *,
                        only_dated: bool = False) -> None:
        if not rows:
            return
        if self._c.dialect.name == "postgresql" and len(rows) > 100 and not only_dated:
            # One statement over arrays: row-by-row updates cost a round trip each.
            self._c.execute(_STORE_MANY, {
                "day": today, "owner": owner, "ids": [r.contact for r in rows],
                "strengths": [r.strength for r in rows],
                "stages": [stage_key(r.stage) for r in rows],
                "gave": [r.given for r in rows], "received": [r.received for r in rows],
                "known": [r.known_since for r in rows], "last": [r.last_contact for r in rows]})
            return
        self._c.execute(_STORE_DATED if only_dated else _STORE, [
            {"cid": r.contact, "owner": owner, "day": today, "s": r.strength,
             "st": stage_key(r.stage), "gave": r.given, "received": r.received,
             "known": r.known_since, "last": r.last_contact} for r in rows])

    def facts(self, owner: MemberId, cadence_tags: Collection[str],
              screen: Screen | None = None) -> tuple[list[TieFacts], list[ContactId]]:
        tagged: dict[str, list[str]] = defaultdict(list)
        if cadence_tags:
            for contact_id, tag in self._c.execute(
                    _CADENCE_TAGS, {"owner": owner, "tags": sorted(cadence_tags)}):
                tagged[contact_id].append(tag)
        statement = (rules.facts(self._c.dialect.name) if screen is None
                     else rules.screened(self._c.dialect.name, screen, bool(cadence_tags)))
        return self._read_facts(
            self._c.execute(statement, {"owner": owner, "tags": sorted(cadence_tags)}),
            tagged)

    @staticmethod
    def _read_facts(rows: Any, tagged: dict[str, list[str]]
                    ) -> tuple[list[TieFacts], list[ContactId]]:
        stages = {key.value: key.stage for key in StageKey}
        days: dict[int | None, date | None] = {None: None}  # a book spans a few thousand
        as_of: dict[int, date] = {}
        facts: list[TieFacts] = []
        missing: list[ContactId] = []
        # Plain tuples, unpacked: 100,000 rows, where each attribute looked up by name
        # adds up to a second.
        for (contact_id, name, organization, role, strength, stage, strength_on, facts_on,
             gave, received, known, last, cadence) in rows.all():
            if facts_on is None or facts_on != strength_on or stage is None:
                missing.append(ContactId(contact_id))
                continue
            for day in (known, last):
                if day not in days:
                    days[day] = date.fromordinal(day)
            if facts_on not in as_of:
                as_of[facts_on] = date.fromordinal(facts_on)
            facts.append(TieFacts(
                contact_id, name, as_of[facts_on], strength, stages[stage], gave, received,
                days[known], days[last], organization, role,
                tuple(tagged.get(contact_id, ())), cadence))
        return facts, missing

    def tie_tallies(self, owner: MemberId, today: date) -> TieTallies | None:
        dialect = self._c.dialect.name
        values = {"owner": owner}
        ties_, missing, dormant, long_term = self._c.execute(rules.counts(dialect), values).one()
        if missing:
            return None
        stages = dict.fromkeys(Stage, 0)
        for key, n in self._c.execute(_BY_STAGE, values):
            stages[StageKey(key).stage] += n
        bins = [0] * STRENGTH_BINS
        for number, n in self._c.execute(rules.bins(dialect), values):
            bins[min(int(number), STRENGTH_BINS - 1)] += n
        months = last_months(today, MONTHS_SHOWN)
        started = dict.fromkeys(months, 0)
        first = date(int(months[0][:4]), int(months[0][5:]), 1)
        for day, n in self._c.execute(_STARTED, {**values, "first": first}):
            started[f"{day.year:04d}-{day.month:02d}"] += n
        # The strongest dormant ties: those at least as strong as the last to be shown,
        # sorted here, where names sort as the domain sorts them.
        weakest = self._c.scalar(rules.dormant(dialect).with_only_columns(ties.c.strength)
                                 .order_by(None).order_by(ties.c.strength.desc())
                                 .offset(DORMANT_SHOWN - 1).limit(1), values)
        shown = rules.dormant(dialect) if weakest is None else rules.dormant(dialect).where(
            ties.c.strength >= weakest)
        dormant_facts, _ = self._read_facts(self._c.execute(shown, values), {})
        return TieTallies(
            ties=ties_, stages=stages, strength_bins=tuple(bins), started=started,
            long_term=int(long_term or 0),
            dormant=tuple(strongest_first(dormant_facts, DORMANT_SHOWN)),
            dormant_count=int(dormant or 0),
            organizations=self._diversity(contacts.c.organization, owner),
            roles=self._diversity(contacts.c.role, owner))

    def _diversity(self, column: Any, owner: MemberId) -> Diversity:
        """`diversity` of a contact column, from its spellings counted in SQL and put in
        the order they first appear among the contacts by id (the ties' order)."""
        rows = self._c.execute(
            select(column, func.count(), func.min(contacts.c.id))
            .where(contacts.c.owner_id == owner).group_by(column)).all()
        unknown = sum(n for value, n, _ in rows if not (value and value.strip()))
        counted = sorted(((first, value.strip(), n) for value, n, first in rows
                          if value and value.strip()))
        return diversity_of(((value, n) for _, value, n in counted), unknown)

    def logged_summary(self, owner: MemberId, today: date) -> LoggedSummary:
        kinds = {k.value: k for k in Kind}
        directions = {d.value: d for d in Direction}
        counts = {(kinds[k], directions[d]): n for k, d, n in self._c.execute(
            _BY_KIND, {"owner": owner, "today": today})}
        by_month = {}
        for month in last_months(today, MONTHS_SHOWN):
            first = date(int(month[:4]), int(month[5:]), 1)
            last = min(today, _month_end(first))
            by_month[month] = int(self._c.scalar(
                _IN_DAYS, {"owner": owner, "first": first, "last": last}) or 0)
        notes = [note for note, flags in self._c.execute(
            _FLAGGED, {"owner": owner, "today": today}) if flags is None or flags]
        return LoggedSummary(counts, by_month, flagged_notes(notes))

    def strongest(self, owner: MemberId, limit: int, *, tag: str | None = None,
                  organizations: Sequence[str] | None = None,
                  stage: Stage | None = None) -> tuple[list[RankedTie], int]:
        filters: list[ColumnElement[bool]] = []
        if stage is not None:
            filters.append(ties.c.stage == stage_key(stage))
        if tag is not None:
            filters.append(ties.c.contact_id.in_(
                select(contact_tags.c.contact_id).where(contact_tags.c.tag == tag)))
        if organizations is not None:
            filters.append(contacts.c.organization.in_(list(organizations)))
        joined = ties.join(contacts, contacts.c.id == ties.c.contact_id)
        # Every contact has its tie, owned by the contact's owner: an organization alone is
        # counted from the contact's (owner, organization) index, the rest from the tie's.
        if organizations is not None and tag is None and stage is None:
            counted = select(func.count()).select_from(contacts).where(
                contacts.c.owner_id == owner, *filters)
        elif organizations is not None:
            counted = select(func.count()).select_from(joined).where(
                contacts.c.owner_id == owner, *filters)
        else:
            counted = select(func.count()).select_from(ties).where(
                ties.c.owner_id == owner, *filters)
        matching = int(self._c.scalar(counted) or 0)
        # Many matches: walk the tie's (owner, strength) or (owner, stage, strength) index
        # from the strongest down and stop after `limit`. Few matches for a tag or an
        # organization: read them all and sort. SQLite, without statistics, would walk the
        # index anyway, so its tie owner test is kept off any index (`+`).
        few = (tag is not None or organizations is not None) and matching < _WALK_ABOVE
        if few and self._c.dialect.name == "sqlite":
            mine = [literal_column("+ties.owner_id", String) == owner,
                    contacts.c.owner_id == owner]
        else:
            mine = [ties.c.owner_id == owner]
        rows = self._c.execute(
            select(ties.c.contact_id, contacts.c.name, contacts.c.organization,
                   ties.c.strength, ties.c.stage)
            .select_from(joined).where(*mine, *filters)
            .order_by(ties.c.strength.desc().nulls_last(), ties.c.contact_id.desc())
            .limit(limit)).all()
        return [RankedTie(ContactId(r.contact_id), r.name, r.organization, r.strength,
                          stage_from_key(r.stage)) for r in rows], matching

    def organizations(self, owner: MemberId) -> list[str]:
        # Read from the (owner, organization) index alone.
        return list(self._c.execute(
            select(contacts.c.organization).distinct()
            .where(contacts.c.owner_id == owner, contacts.c.organization.is_not(None)))
            .scalars())

    def links_among(self, owner: MemberId,
                    among: Sequence[ContactId]) -> list[tuple[ContactId, ContactId, float]]:
        if not among:
            return []
        ids = list(among)
        rows = self._c.execute(
            select(contact_knows.c.contact_a, contact_knows.c.contact_b, contact_knows.c.strength)
            .where(contact_knows.c.owner_id == owner, contact_knows.c.contact_a.in_(ids),
                   contact_knows.c.contact_b.in_(ids))
            .order_by(contact_knows.c.contact_a, contact_knows.c.contact_b)).all()
        return [(ContactId(a), ContactId(b), float(w)) for a, b, w in rows]


def _override_day(at: Any) -> int:
    moment = aware(at)
    return -1 if moment is None else moment.date().toordinal()
