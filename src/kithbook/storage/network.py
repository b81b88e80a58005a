"""The network in bulk: members, contacts and ties read in a few queries for path search.

`columns(owners)` reads the community, or the part of it belonging to some members, as
plain columns (services/path_network.py numbers and indexes them); `versions()` and
`fingerprint()` read the counters that triggers bump with every write to a member's part
(migration 0009), which is how every process learns what changed. `book(owner)` is the
local view: the member (person 0), their contacts, and the links they recorded between
them. Contact links (`contact_knows`) are the member's own knowledge and live here too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.knows import ContactLink
from kithbook.domain.policies import effective_policy
from kithbook.domain.ties import KNOWN_STAGES, AskRule, StageKey, Visibility
from kithbook.graph.policy import ASK_RULE_CODE, VISIBILITY_CODE
from kithbook.services.ports import (
    NetworkColumns,
    NetworkPerson,
    NetworkRows,
    NetworkTie,
)
from kithbook.storage.members import member_from_row
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    contact_knows,
    contact_tags,
    contacts,
    members,
    network_versions,
    server_keys,
    ties,
)
from kithbook.storage.ties import tie_from_row

_HANDLE_KEY = "path handles"
# Built once: every kept report and map asks it first.
_VERSION_OF = select(network_versions.c.version, network_versions.c.salt).where(
    network_versions.c.owner_id == bindparam("owner"))
# Owners per query when reading part of the network: well under every database's limit
# on bound parameters.
_OWNERS_PER_QUERY = 500


class SqlNetwork:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def versions(self) -> dict[MemberId, int]:
        rows = self._c.execute(select(network_versions.c.owner_id, network_versions.c.version))
        return dict(rows.all())

    def fingerprint(self) -> tuple[int, int, int]:
        count, total, salts = self._c.execute(select(
            func.count(), func.coalesce(func.sum(network_versions.c.version), 0),
            func.coalesce(func.sum(network_versions.c.salt), 0))).one()
        return int(count), int(total), int(salts)

    def version_of(self, owner: MemberId) -> tuple[int, int]:
        row = self._c.execute(_VERSION_OF, {"owner": owner}).first()
        return (-1, -1) if row is None else (int(row[0]), int(row[1]))

    def handle_key(self) -> bytes | None:
        row = self._c.execute(select(server_keys.c.secret).where(
            server_keys.c.name == _HANDLE_KEY)).first()
        return None if row is None else bytes.fromhex(row[0])

    def add_handle_key(self, secret: bytes, at: datetime) -> None:
        # The primary key decides between two processes making it at once: the second
        # insert does nothing, and both then read the first one's key.
        upsert = (postgresql_insert if self._c.dialect.name == "postgresql"
                  else sqlite_insert)(server_keys).values(
            name=_HANDLE_KEY, secret=secret.hex(), created_at=at)
        self._c.execute(upsert.on_conflict_do_nothing(index_elements=["name"]))

    def columns(self, owners: Sequence[MemberId] | None = None) -> NetworkColumns:
        """One plain query per table (per batch of owners), no joins and no sorting: rows
        go straight into lists and numpy columns. Each tie's own policy is coded in SQL;
        where it has none, the owner's defaults are filled in here, over whole columns."""
        batches: list[Sequence[MemberId] | None] = (
            [None] if owners is None else
            [owners[i:i + _OWNERS_PER_QUERY] for i in range(0, len(owners), _OWNERS_PER_QUERY)])
        member_rows: list[Any] = []
        contact_rows: list[Any] = []
        tag_rows: list[Any] = []
        tie_rows: list[Any] = []
        for batch in batches:
            member_rows += self._tuples(_where(_MEMBERS, members.c.id, batch))
            contact_rows += self._tuples(_where(_CONTACTS, contacts.c.owner_id, batch))
            tags = select(contact_tags.c.contact_id, contact_tags.c.tag)
            if batch is not None:
                tags = tags.join(contacts, contacts.c.id == contact_tags.c.contact_id)
            tag_rows += self._tuples(_where(tags, contacts.c.owner_id, batch))
            tie_rows += self._tuples(_where(_TIES, ties.c.owner_id, batch))
        m = _transpose(member_rows, 7)
        c = _transpose(contact_rows, 7)
        t = _transpose(tag_rows, 2)
        r = _transpose(tie_rows, 12)
        linked = dict(zip(c[0], c[6], strict=True))
        # The owner's defaults where a tie has no policy of its own ("no introductions" off).
        row_of = {member: i for i, member in enumerate(m[0])}
        owner = np.array([row_of[o] for o in r[0]], dtype=np.int64)
        own = np.array(r[9], dtype=np.bool_)

        def policy(column: list[Any], default: list[Any]) -> npt.NDArray[np.int8]:
            out: npt.NDArray[np.int8] = np.where(
                own, np.array(column, dtype=np.int8),
                np.array(default, dtype=np.int8)[owner] if len(owner) else 0).astype(np.int8)
            return out

        return NetworkColumns(
            member_id=m[0], member_name=m[1], member_organization=m[2], member_title=m[3],
            contact_id=c[0], contact_owner=c[1], contact_name=c[2], contact_organization=c[3],
            contact_role=c[4], contact_location=c[5], contact_linked=c[6],
            tag_contact=t[0], tag=t[1],
            tie_owner=r[0], tie_contact=r[1], tie_linked=[linked[x] for x in r[1]],
            stated_trust=np.array(r[2], dtype=np.int8),
            interaction_count=np.array(r[3], dtype=np.int64),
            strength_override=np.array([np.nan if v is None else v for v in r[4]],
                                       dtype=np.float64),
            visibility=policy(r[5], m[4]), ask_rule=policy(r[6], m[5]),
            min_trust=policy(r[7], m[6]), no_intro=own & np.array(r[8], dtype=np.bool_),
            stored_strength=np.array([np.nan if v is None else v for v in r[10]],
                                     dtype=np.float64),
            known=np.array(r[11], dtype=np.bool_))

    def _tuples(self, query: Any) -> list[Any]:
        # The driver's own tuples: every column here is text, a number or a boolean, which
        # need no conversion, and skipping SQLAlchemy's rows halves the time of a read.
        return list(self._c.execute(query).cursor.fetchall())

    def book(self, owner: MemberId) -> NetworkRows:
        row = self._c.execute(select(members).where(members.c.id == owner)).first()
        if row is None:
            return NetworkRows([], [])
        member = member_from_row(row)
        people = [NetworkPerson(name=member.name, member=member.id, headline=member.name)]
        tags = self._tags(owner)
        number: dict[str, int] = {}
        for c in self._c.execute(
                select(contacts.c.id, contacts.c.owner_id, contacts.c.name,
                       contacts.c.organization, contacts.c.role, contacts.c.location)
                .where(contacts.c.owner_id == owner).order_by(contacts.c.id)).all():
            number[c.id] = len(people)
            people.append(_contact_person(c, tags.get(c.id, ())))
        out = []
        default = effective_policy(None, member.default_policy).policy
        for t in self._c.execute(select(ties).where(ties.c.owner_id == owner)).all():
            tie = tie_from_row(t)
            out.append(NetworkTie(0, number[t.contact_id], tie, tie.policy or default,
                                  t.strength, t.stage in _KNOWN_STAGES))
        links = [(number[link.a], number[link.b], link.strength)
                 for link in ContactLinks(self._c).of_owner(owner)]
        return NetworkRows(people, out, links)

    def _tags(self, owner: MemberId | None) -> dict[str, tuple[str, ...]]:
        query = select(contact_tags.c.contact_id, contact_tags.c.tag).order_by(
            contact_tags.c.contact_id, contact_tags.c.tag)
        if owner is not None:
            query = query.join(contacts, contacts.c.id == contact_tags.c.contact_id).where(
                contacts.c.owner_id == owner)
        found: dict[str, list[str]] = defaultdict(list)
        for row in self._c.execute(query):
            found[row.contact_id].append(row.tag)
        return {k: tuple(v) for k, v in found.items()}


class ContactLinks:
    """Who knows whom among one member's contacts; each pair is stored once, a < b."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, link: ContactLink) -> bool:
        a, b = sorted((link.a, link.b))
        where = and_(contact_knows.c.contact_a == a, contact_knows.c.contact_b == b)
        exists = self._c.execute(select(contact_knows.c.owner_id).where(where)).first()
        values = {"strength": link.strength, "note": link.note}
        if exists:
            self._c.execute(contact_knows.update().where(where).values(values))
            return False
        self._c.execute(contact_knows.insert(), {
            "contact_a": a, "contact_b": b, "owner_id": link.owner,
            "created_at": link.created_at, **values})
        return True

    def remove(self, owner: MemberId, a: ContactId, b: ContactId) -> bool:
        a, b = sorted((a, b))
        result = self._c.execute(delete(contact_knows).where(
            contact_knows.c.owner_id == owner, contact_knows.c.contact_a == a,
            contact_knows.c.contact_b == b))
        return bool(result.rowcount)

    def of_contact(self, owner: MemberId, contact: ContactId) -> list[ContactLink]:
        rows = self._c.execute(select(contact_knows).where(
            contact_knows.c.owner_id == owner,
            or_(contact_knows.c.contact_a == contact, contact_knows.c.contact_b == contact)))
        return [ContactLink(MemberId(r.owner_id), contact,
                            ContactId(r.contact_b if r.contact_a == contact else r.contact_a),
                            float(r.strength), r.note, aware(r.created_at)) for r in rows]

    def of_owner(self, owner: MemberId) -> list[ContactLink]:
        rows = self._c.execute(select(contact_knows).where(contact_knows.c.owner_id == owner)
                               .order_by(contact_knows.c.contact_a, contact_knows.c.contact_b))
        return [ContactLink(MemberId(r.owner_id), ContactId(r.contact_a), ContactId(r.contact_b),
                            float(r.strength), r.note, aware(r.created_at)) for r in rows]


def _code(column: Any, codes: dict[Any, int]) -> ColumnElement[int]:
    return case({value.value: code for value, code in codes.items()}, value=column, else_=-1)


# A tie has its own policy when any policy column is set (as `storage.ties.tie_from_row`
# reads it: unset fields then mean hidden / nobody).
# Stages past "new acquaintance": the owner knows that person, no introduction needed.
_KNOWN_STAGES = sorted(StageKey.of(s).value for s in KNOWN_STAGES)
_OWN = or_(ties.c.visibility.is_not(None), ties.c.ask_rule.is_not(None),
           ties.c.no_introductions, ties.c.welcomes.is_not(None))
_TIES = select(
    ties.c.owner_id, ties.c.contact_id, func.coalesce(ties.c.stated_trust, 0),
    ties.c.interaction_count, ties.c.strength_override,
    _code(func.coalesce(ties.c.visibility, Visibility.HIDDEN.value), VISIBILITY_CODE),
    _code(func.coalesce(ties.c.ask_rule, AskRule.NOBODY.value), ASK_RULE_CODE),
    func.coalesce(ties.c.ask_min_trust, 0), func.coalesce(ties.c.no_introductions, false()),
    case((_OWN, true()), else_=false()), ties.c.strength,
    case((ties.c.stage.in_(_KNOWN_STAGES), true()), else_=false()))
_MEMBERS = select(
    members.c.id, members.c.name, members.c.organization, members.c.title,
    _code(members.c.default_visibility, VISIBILITY_CODE),
    _code(members.c.default_ask_rule, ASK_RULE_CODE),
    func.coalesce(members.c.default_ask_min_trust, 0)).order_by(members.c.id)
_CONTACTS = select(contacts.c.id, contacts.c.owner_id, contacts.c.name, contacts.c.organization,
                   contacts.c.role, contacts.c.location, contacts.c.linked_member_id)


def _where(query: Any, column: Any, owners: Sequence[MemberId] | None) -> Any:
    return query if owners is None else query.where(column.in_(list(owners)))


def _transpose(rows: list[Any], width: int) -> list[list[Any]]:
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def _contact_person(row: Any, tags: tuple[str, ...]) -> NetworkPerson:
    detail = ", ".join(part for part in (row.role, row.organization) if part)
    return NetworkPerson(
        name=row.name, contact=ContactId(row.id), owner=MemberId(row.owner_id),
        headline=f"{row.name} ({detail})" if detail else row.name,
        organization=row.organization, role=row.role, location=row.location, tags=tags)
