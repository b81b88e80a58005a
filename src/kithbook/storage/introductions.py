"""Introductions in SQL: the request, its moves, private reasons and outcomes.

The history is append-only: saving writes the moves, reasons and outcomes the stored
copy does not have yet, after the row's version check has claimed the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from kithbook.domain.errors import Conflict
from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.introductions import (
    OPEN_STATES,
    Introduction,
    IntroState,
    Move,
    MoveKind,
    Outcome,
    Party,
    PrivateReason,
    Rating,
    Role,
)
from kithbook.services.ports import OutcomeCount
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    intro_moves,
    intro_outcomes,
    intro_private_reasons,
    intro_reason_readers,
    introductions,
    members,
)

_ROLES = ("requester", "introducer", "target")


def _party_row(role: str, party: Party) -> dict[str, Any]:
    return {f"{role}_name": party.name, f"{role}_member_id": party.member,
            f"{role}_contact_id": party.contact, f"{role}_email": party.email}


def _party(row: Any, role: str) -> Party:
    m = row._mapping
    member, contact = m[f"{role}_member_id"], m[f"{role}_contact_id"]
    return Party(name=m[f"{role}_name"], member=MemberId(member) if member else None,
                 contact=ContactId(contact) if contact else None, email=m[f"{role}_email"])


class SqlIntroductions:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def rename_member(self, member: MemberId, name: str) -> None:
        # A target keeps the name the introducer's book gives them; only the member's own
        # roles follow their profile.
        for role in ("requester", "introducer"):
            self._c.execute(update(introductions).where(
                introductions.c[f"{role}_member_id"] == member).values(
                {f"{role}_name": name}))

    def add(self, intro: Introduction) -> None:
        row: dict[str, Any] = {
            "id": intro.id, "purpose": intro.purpose, "target_label": intro.target_label,
            "created_at": intro.created_at, "expires_after_days": intro.expires_after.days,
            "state": intro.state.value, "version": intro.version,
        }
        for role in _ROLES:
            row.update(_party_row(role, getattr(intro, role)))
        self._c.execute(introductions.insert(), row)
        self._append(intro, moves=0, reasons=0, outcomes=set())

    def save(self, intro: Introduction, *, loaded_version: int) -> None:
        """Write the moves made since `loaded_version`; refuse if someone moved first."""
        result = self._c.execute(
            update(introductions)
            .where(introductions.c.id == intro.id, introductions.c.version == loaded_version)
            .values(state=intro.state.value, version=intro.version))
        if result.rowcount != 1:
            raise Conflict("someone else answered this request at the same moment; show it "
                           "again (`kithbook intro show`) to see where it stands.")
        moves = self._c.scalar(select(func.count()).select_from(intro_moves)
                               .where(intro_moves.c.intro_id == intro.id)) or 0
        reasons = self._c.scalar(select(func.count()).select_from(intro_private_reasons)
                                 .where(intro_private_reasons.c.intro_id == intro.id)) or 0
        outcomes = set(self._c.scalars(select(intro_outcomes.c.party)
                                       .where(intro_outcomes.c.intro_id == intro.id)))
        self._append(intro, moves=int(moves), reasons=int(reasons), outcomes=outcomes)

    def get(self, intro_id: IntroId) -> Introduction | None:
        found = self._load(introductions.c.id == intro_id)
        return found[0] if found else None

    def involving(self, member: MemberId) -> list[Introduction]:
        """Every introduction in which `member` is a party, newest first."""
        return self._load(or_(introductions.c.requester_member_id == member,
                              introductions.c.introducer_member_id == member,
                              introductions.c.target_member_id == member))

    def requested_by(self, member: MemberId) -> list[Introduction]:
        return self._load(introductions.c.requester_member_id == member)

    def hold_requests_of(self, member: MemberId) -> None:
        # PostgreSQL: a row lock on the member, FOR NO KEY UPDATE so that rows pointing at
        # the member (this request among them) are not held up. SQLite renders no lock
        # clause: a writing transaction there already holds the database's write lock
        # from BEGIN IMMEDIATE.
        self._c.execute(select(members.c.id).where(members.c.id == member)
                        .with_for_update(key_share=True))

    def introduced_by(self, member: MemberId) -> list[Introduction]:
        return self._load(introductions.c.introducer_member_id == member)

    def from_outsider(self, email: str) -> list[Introduction]:
        """Requests sent by someone off the platform, known by their email."""
        return self._load(introductions.c.requester_member_id.is_(None),
                          func.lower(introductions.c.requester_email) == email.strip().lower())

    def open(self, created_before: datetime | None = None) -> list[Introduction]:
        where: list[ColumnElement[bool]] = [
            introductions.c.state.in_([s.value for s in OPEN_STATES])]
        if created_before is not None:
            where.append(introductions.c.created_at <= created_before)
        return self._load(*where)

    def made_between(self, start: datetime, end: datetime) -> list[Introduction]:
        """Introductions made (the target's yes) from `start` to `end`, and still made."""
        said_yes = select(intro_moves.c.intro_id).where(
            intro_moves.c.kind == MoveKind.ACCEPT.value, intro_moves.c.at >= start,
            intro_moves.c.at <= end)
        return self._load(introductions.c.state == IntroState.MADE.value,
                          introductions.c.id.in_(said_yes))

    def outcome_tally(self) -> list[OutcomeCount]:
        i, o = introductions.c, intro_outcomes.c
        rows = self._c.execute(
            select(i.introducer_member_id, i.requester_member_id, i.requester_contact_id,
                   o.rating, func.count())
            .select_from(introductions.join(intro_outcomes, o.intro_id == i.id))
            .where(o.party == Role.TARGET.value, i.introducer_member_id.is_not(None))
            .group_by(i.introducer_member_id, i.requester_member_id, i.requester_contact_id,
                      o.rating)).all()
        return [OutcomeCount(MemberId(r[0]), MemberId(r[1]) if r[1] else None,
                             ContactId(r[2]) if r[2] else None, str(r[3]), int(r[4]))
                for r in rows]

    def outcomes_mark(self) -> tuple[int, str]:
        count, latest = self._c.execute(
            select(func.count(), func.max(intro_outcomes.c.at))).one()
        return int(count), str(latest)

    # ---- inside ----------------------------------------------------------------------

    def _append(self, intro: Introduction, *, moves: int, reasons: int,
                outcomes: set[str]) -> None:
        new_moves = [{"intro_id": intro.id, "position": i, "kind": m.kind.value,
                      "actor_id": m.actor, "at": m.at, "state_after": m.state_after.value,
                      "note": m.note,
                      "on_behalf_of": m.on_behalf_of.value if m.on_behalf_of else None,
                      "via": "email" if m.by_email else None}
                     for i, m in enumerate(intro.history) if i >= moves]
        if new_moves:
            self._c.execute(intro_moves.insert(), new_moves)
        new_reasons = intro.private_reasons[reasons:]
        if new_reasons:
            self._c.execute(intro_private_reasons.insert(), [
                {"intro_id": intro.id, "move_index": r.move_index, "author_id": r.author,
                 "text": r.text} for r in new_reasons])
            self._c.execute(intro_reason_readers.insert(), [
                {"intro_id": intro.id, "move_index": r.move_index, "member_id": reader}
                for r in new_reasons for reader in sorted(r.readers)])
        new_outcomes = [o for role, o in intro.outcomes.items() if role.value not in outcomes]
        if new_outcomes:
            self._c.execute(intro_outcomes.insert(), [
                {"intro_id": intro.id, "party": o.party.value, "rating": o.rating.value,
                 "at": o.at, "recorded_by": o.recorded_by, "comment": o.comment}
                for o in new_outcomes])

    def _load(self, *where: ColumnElement[bool]) -> list[Introduction]:
        rows = self._c.execute(select(introductions).where(*where)
                               .order_by(introductions.c.created_at.desc(),
                                         introductions.c.id)).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        moves = _grouped(self._c.execute(
            select(intro_moves).where(intro_moves.c.intro_id.in_(ids))
            .order_by(intro_moves.c.intro_id, intro_moves.c.position)).all())
        reasons = _grouped(self._c.execute(
            select(intro_private_reasons).where(intro_private_reasons.c.intro_id.in_(ids))
            .order_by(intro_private_reasons.c.intro_id,
                      intro_private_reasons.c.move_index)).all())
        readers: dict[tuple[str, int], set[MemberId]] = defaultdict(set)
        for r in self._c.execute(select(intro_reason_readers)
                                 .where(intro_reason_readers.c.intro_id.in_(ids))).all():
            readers[(r.intro_id, r.move_index)].add(MemberId(r.member_id))
        outcomes = _grouped(self._c.execute(
            select(intro_outcomes).where(intro_outcomes.c.intro_id.in_(ids))).all())
        return [_introduction(row, moves[row.id], reasons[row.id], readers, outcomes[row.id])
                for row in rows]


def _grouped(rows: Sequence[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        out[row.intro_id].append(row)
    return out


def _introduction(row: Any, moves: list[Any], reasons: list[Any],
                  readers: dict[tuple[str, int], set[MemberId]],
                  outcomes: list[Any]) -> Introduction:
    intro = Introduction(
        id=IntroId(row.id), requester=_party(row, "requester"),
        introducer=_party(row, "introducer"), target=_party(row, "target"),
        purpose=row.purpose, created_at=_aware(row.created_at), target_label=row.target_label,
        expires_after=timedelta(days=row.expires_after_days), state=IntroState(row.state),
        version=row.version)
    intro.history = [
        Move(kind=MoveKind(m.kind), actor=MemberId(m.actor_id) if m.actor_id else None,
             at=_aware(m.at), state_after=IntroState(m.state_after), note=m.note,
             on_behalf_of=Role(m.on_behalf_of) if m.on_behalf_of else None,
             by_email=m.via == "email")
        for m in moves]
    intro.private_reasons = [
        PrivateReason(move_index=r.move_index, author=MemberId(r.author_id), text=r.text,
                      readers=frozenset(readers[(r.intro_id, r.move_index)]))
        for r in reasons]
    intro.outcomes = {
        Role(o.party): Outcome(party=Role(o.party), rating=Rating(o.rating), at=_aware(o.at),
                               recorded_by=MemberId(o.recorded_by), comment=o.comment)
        for o in outcomes}
    return intro


def _aware(value: datetime) -> datetime:
    at = aware(value)
    assert at is not None  # the columns are NOT NULL
    return at
