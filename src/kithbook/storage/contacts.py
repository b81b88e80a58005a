"""Contacts in SQL: the entry and its emails, phones, links and tags."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    CompoundSelect,
    Connection,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import table as table_named
from sqlalchemy.sql import Executable, Select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from kithbook.domain.contacts import Contact, Labeled, fold
from kithbook.domain.errors import Conflict
from kithbook.domain.ids import ContactId, MemberId
from kithbook.services.ports import ContactQuery, ContactSummary, Page, Sort
from kithbook.storage.depth_rules import stage_from_key, stage_key
from kithbook.storage.rows import aware, existing_ids, owned_by, remembered
from kithbook.storage.search_index import (
    FTS_TABLE,
    MIN_INDEXED,
    fts_phrase,
    sqlite_fts_ready,
)
from kithbook.storage.tables import (
    contact_emails,
    contact_links,
    contact_phones,
    contact_tags,
    contacts,
    ties,
)


def name_key(name: str) -> str:
    """The stored sort and search key of a name: folded, then cut to the column's length.
    Folding can lengthen a name ("ﷺ" alone decomposes to 18 characters), so a name of the
    longest length allowed could outgrow the column; what is past it never decides an
    order that matters to a person."""
    return fold(name)[:_NAME_KEY_LENGTH]


_NAME_KEY_LENGTH: int = contacts.c.name_key.type.length  # type: ignore[attr-defined]


def contact_row(contact: Contact, version: int | None = None) -> dict[str, Any]:
    """The contacts row of `contact`, as of `version` (its own unless given)."""
    version = contact.version if version is None else version
    return {
        "id": contact.id, "owner_id": contact.owner, "name": contact.name,
        "name_key": name_key(contact.name), "organization": contact.organization,
        "role": contact.role, "location": contact.location, "how_we_met": contact.how_we_met,
        "notes": contact.notes, "search_text": contact.search_text,
        "card": contact_card(contact, version), "created_at": contact.created_at,
        "updated_at": contact.updated_at, "version": version,
    }


def contact_card(contact: Contact, version: int) -> str:
    """The contact's emails, phones, links and tags as one JSON text, kept on its row with
    every write (`contacts.card`): a page of the book reads them with its rows instead of
    from four tables by id (0.5 of a page's 2 ms). It names the row's version it was
    written with: a writer that knows no cards (an older version of Kithbook, still
    serving during an upgrade) changes the version but not the card, and the tables are
    read instead."""
    card: dict[str, Any] = {"v": version}
    if contact.emails:
        card["e"] = [[e.value, e.label] for e in contact.emails]
    if contact.phones:
        card["p"] = [[p.value, p.label] for p in contact.phones]
    if contact.links:
        card["l"] = list(contact.links)
    if contact.tags:
        card["t"] = list(contact.tags)
    return _CARD_JSON(card)


# `json.dumps` with options builds a new encoder per call; a bulk import writes thousands.
_CARD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _from_card(card: str, version: int) -> _Children | None:
    """What `contact_card` wrote, read back; None if it was written for another version
    of the row."""
    found = json.loads(card)
    if found.get("v") != version:
        return None
    mine = _Children()
    mine.emails = [Labeled(value, label) for value, label in found.get("e", ())]
    mine.phones = [Labeled(value, label) for value, label in found.get("p", ())]
    mine.links = found.get("l", [])
    mine.tags = found.get("t", [])
    return mine


def child_rows(contact: Contact) -> dict[str, list[dict[str, Any]]]:
    cid = contact.id
    return {
        "emails": [{"contact_id": cid, "position": i, "address": e.value,
                    "address_key": e.value.lower(), "label": e.label}
                   for i, e in enumerate(contact.emails)],
        "phones": [{"contact_id": cid, "position": i, "number": p.value, "label": p.label}
                   for i, p in enumerate(contact.phones)],
        "links": [{"contact_id": cid, "position": i, "url": u}
                  for i, u in enumerate(contact.links)],
        "tags": [{"contact_id": cid, "tag": t} for t in contact.tags],
    }


CHILD_TABLES = {"emails": contact_emails, "phones": contact_phones, "links": contact_links,
                "tags": contact_tags}


# Past this many trigram matches, walking the name index and testing each contact against
# the matches finds a page sooner than reading and sorting every match.
_WALK_ABOVE = 500


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(text: str) -> str:
    return f"%{_escape_like(text)}%"


def _filtered(query: ContactQuery) -> bool:
    """Whether anything but words narrows the query."""
    return any((query.tag, query.organization, query.role, query.location, query.stage))


class SqlContacts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, contact: Contact) -> None:
        self._c.execute(contacts.insert(), contact_row(contact))
        self._write_children(contact)

    def update(self, contact: Contact, *, expected_version: int) -> None:
        row = contact_row(contact, expected_version + 1)
        result = self._c.execute(
            update(contacts)
            .where(contacts.c.id == contact.id, contacts.c.owner_id == contact.owner,
                   contacts.c.version == expected_version)
            .values({k: v for k, v in row.items() if k not in ("id", "owner_id", "created_at")})
        )
        if result.rowcount != 1:
            raise Conflict(f"{contact.name} was changed by someone else meanwhile; "
                           "reload and make your edit again.")
        contact.version = expected_version + 1
        for table in CHILD_TABLES.values():
            self._c.execute(delete(table).where(table.c.contact_id == contact.id))
        self._write_children(contact)

    def _write_children(self, contact: Contact) -> None:
        for key, rows in child_rows(contact).items():
            if rows:
                self._c.execute(CHILD_TABLES[key].insert(), rows)

    def delete(self, owner: MemberId, contact_id: ContactId) -> None:
        self._c.execute(delete(contacts).where(contacts.c.id == contact_id,
                                               contacts.c.owner_id == owner))

    def forget_removed_text(self) -> None:
        # FTS5 marks a removed row's trigrams deleted but keeps them in its segments (from
        # which the text could be pieced together) until segments merge: merge them all.
        if self._has_fts():
            self._c.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))

    def get(self, owner: MemberId, contact_id: ContactId) -> Contact | None:
        found = self._loaded(self._c.execute(_BY_ID, {"owner": owner, "id": contact_id}))
        return found[0] if found else None

    def with_id_prefix(self, owner: MemberId, prefix: str, limit: int) -> list[Contact]:
        return self._load(and_(contacts.c.owner_id == owner,
                               contacts.c.id.like(_escape_like(prefix) + "%", escape="\\")),
                          limit)

    def with_name_part(self, owner: MemberId, part: str, limit: int) -> list[Contact]:
        return self._load(and_(contacts.c.owner_id == owner,
                               contacts.c.name_key.like(_contains(fold(part)), escape="\\")),
                          limit, order=contacts.c.name_key)

    def names(self, owner: MemberId) -> list[tuple[ContactId, str]]:
        rows = self._c.execute(select(contacts.c.id, contacts.c.name)
                               .where(contacts.c.owner_id == owner))
        return [(ContactId(r.id), r.name) for r in rows]

    def names_of(self, owner: MemberId, ids: Sequence[ContactId]) -> dict[ContactId, str]:
        if not ids:
            return {}
        rows = self._c.execute(_names_of(self._c.dialect.name),
                               {"owner": owner, "ids": list(ids)})
        return {ContactId(r.id): r.name for r in rows}

    def count(self, owner: MemberId) -> int:
        return int(self._c.scalar(select(func.count()).select_from(contacts)
                                  .where(contacts.c.owner_id == owner)) or 0)

    def with_email(self, owner: MemberId, address: str) -> list[Contact]:
        matching = exists().where(contact_emails.c.contact_id == contacts.c.id,
                                  contact_emails.c.address_key == address.lower())
        return self._load(and_(contacts.c.owner_id == owner, matching), 100)

    def with_phone(self, owner: MemberId, number: str) -> list[Contact]:
        matching = exists().where(contact_phones.c.contact_id == contacts.c.id,
                                  contact_phones.c.number == number)
        return self._load(and_(contacts.c.owner_id == owner, matching), 100)

    def all(self, owner: MemberId) -> list[Contact]:
        """Every contact of `owner`, children read per table rather than per id list."""
        rows = self._c.execute(select(*_CONTACT_COLUMNS).where(contacts.c.owner_id == owner)
                               .order_by(contacts.c.id)).all()
        mine = select(contacts.c.id).where(contacts.c.owner_id == owner)
        found = _gathered(self._c.execute(_children_where(
            lambda column: column.in_(mine))))
        return [self._contact(r, found) for r in rows]

    def stamps(self, owner: MemberId) -> dict[ContactId, tuple[int, str]]:
        """Each contact's version and time of last change (as the database writes it, not
        parsed: this is read for a whole book at once): what tells a kept reading of the
        book which contacts changed since, in one narrow query."""
        rows = self._c.execute(select(contacts.c.id, contacts.c.version,
                                      cast(contacts.c.updated_at, String))
                               .where(contacts.c.owner_id == owner)).all()
        return {ContactId(r[0]): (r[1], r[2]) for r in rows}

    def many(self, owner: MemberId, ids: Sequence[ContactId]) -> list[Contact]:
        """These contacts of `owner` (those that exist), in batches under every database's
        limit on bound parameters."""
        found: list[Contact] = []
        for start in range(0, len(ids), _IDS_PER_QUERY):
            found += self._load(and_(contacts.c.owner_id == owner,
                                     contacts.c.id.in_(list(ids[start:start + _IDS_PER_QUERY]))),
                                None)
        return found

    def taken_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids some contact (of any member) already has."""
        return existing_ids(self._c, contacts.c.id, ids)

    def linked_to(self, owner: MemberId, member: MemberId) -> Contact | None:
        found = self._load(and_(contacts.c.owner_id == owner,
                                contacts.c.linked_member_id == member), 1)
        return found[0] if found else None

    def linked_member(self, owner: MemberId, contact_id: ContactId) -> MemberId | None:
        found = self._c.scalar(select(contacts.c.linked_member_id).where(
            contacts.c.owner_id == owner, contacts.c.id == contact_id))
        return MemberId(found) if found else None

    def link_member(self, owner: MemberId, contact_id: ContactId,
                    member: MemberId | None) -> None:
        self._c.execute(update(contacts).where(contacts.c.owner_id == owner,
                                               contacts.c.id == contact_id)
                        .values(linked_member_id=member))

    def query(self, owner: MemberId, query: ContactQuery) -> Page:
        indexed, like_words = self._split_words(query.text or "")
        match = " ".join(fts_phrase(w) for w in indexed) if indexed else None
        # Which index drives the query decides its cost. Tie sorts walk the tie's
        # (owner, last contact) or (owner, strength) index, a stage in name order its
        # (owner, stage, name) index; the rest walk the contact's (owner, name) index and
        # look each tie up by its key, stopping after a page. A small found set (few
        # trigram matches, a tag) is better read whole and sorted: SQLite, without
        # statistics, would rather walk the owner's index and test every contact, so its
        # owner test is kept off any index (`+`). Words-only searches in name order have
        # their own plan (`_words_by_name`).
        matches = self._fts_count(match) if match is not None else None
        small = (matches is not None and matches < _WALK_ABOVE) or (
            query.tag is not None and self._tagged_count(query.tag) < _WALK_ABOVE)
        shape = _PageShape(
            dialect=self._c.dialect.name, words=len(like_words), indexed=match is not None,
            organization=bool(query.organization), role=bool(query.role),
            location=bool(query.location), tag=bool(query.tag), stage=query.stage is not None,
            sort=query.sort, small=small,
            stage_by_name=query.stage is not None and query.sort is Sort.NAME and not small)
        values = _values(owner, query, like_words, match)
        # A words-only search whose count the index gives (all found are this member's).
        counted = (matches is not None and not like_words and not _filtered(query)
                   and self._sole_owner(owner))
        if counted and matches is not None and query.sort is Sort.NAME:
            rows = self._words_by_name(owner, query, indexed, match or "", matches)
        else:
            rows = self._c.execute(_page_of(shape), values).all()
        if counted and matches is not None:
            total = matches
        elif query.text:
            total = int(self._c.scalar(_count_of(shape), values) or 0)
        else:
            # What the conditions are made of (compiling the statement to name it costs
            # more than the count it saves on a small book).
            total = self._remembered(("count", owner, query.tag, query.organization,
                                      query.role, query.location, query.stage),
                                     _count_of(shape), values)
        children = self._children_of(rows)
        items = [ContactSummary(self._contact(r, children), last, count or 0, strength,
                                stage_from_key(stage))
                 for r in rows for last, count, strength, stage in (r[_CONTACT_WIDTH:],)]
        return Page(items=items, total=total, limit=query.limit, offset=query.offset)

    def _split_words(self, text: str) -> tuple[list[str], list[str]]:
        """Every word must be a substring of the folded search text: the words the
        trigram index can find (SQLite), and the rest, for LIKE."""
        words = [fold(word) for word in text.split()]
        indexed = [w for w in words if len(w) >= MIN_INDEXED] if self._has_fts() else []
        return indexed, [w for w in words if w not in indexed]

    def _words_by_name(self, owner: MemberId, query: ContactQuery, words: list[str],
                       match: str, matches: int) -> Sequence[Any]:
        """A page of a words-only search (every word indexed) in name order.

        When matches are common, walking contacts in name order and testing each text
        with LIKE finds a page after about (offset + limit) × book ÷ matches contacts,
        at ~0.4 µs each on SQLite's index of names with their text (`WALK_INDEX`). Words
        that go with names ("nadia") bunch up in name order, so the walk stops at a
        bound read off the index and, short of a page, gives way to reading the name of
        every match (~1.6 µs each), sorting those and reading the page's rows. Measured
        with `bench/web_requests.py` on 100,000 contacts: "mentor" (6,349 matches)
        0.3 ms walking where testing each contact against the set of all matches took
        2.7 ms; "nadia" (1,298) 2.7 ms reading the matches where the walk took 15 ms."""
        book = self._remembered(("count", owner, None, None, None, None, None),
                                _BOOK_COUNT, {"owner": owner})
        expected = (query.offset + query.limit) * book / max(1, matches)
        page = {"owner": owner, "limit": query.limit, "offset": query.offset}
        if expected < 2 * matches:
            budget = int(2 * min(expected, matches)) + query.limit
            bound = self._c.scalar(_BOUND, {"owner": owner, "budget": budget})
            walk = {**page, "bound": bound,
                    **{f"word{i}": _contains(word) for i, word in enumerate(words)}}
            rows = self._c.execute(_walk(len(words), bounded=bound is not None), walk).all()
            if len(rows) == query.limit or bound is None:
                return rows
        return self._c.execute(_MATCHES_BY_NAME, {**page, "match": match}).all()

    def _fts_count(self, match: str) -> int:
        """Trigram matches in the whole database, remembered like other counts: paging
        through a search, or repeating it, asks again (3 ms for 15,000 matches)."""
        return self._remembered(("words", match), _FTS_COUNT, {"match": match})

    def _tagged_count(self, tag: str) -> int:
        """Contacts with this tag in the whole database: only to choose a plan."""
        return int(self._c.scalar(_TAGGED, {"tag": tag.strip().lower()}) or 0)

    def _sole_owner(self, owner: MemberId) -> bool:
        """Whether every contact in the database is `owner`'s (a local book): two seeks
        on the owner index, not a scan."""
        return remembered(self._c, ("sole owner", owner),
                          lambda: self._c.execute(_OTHER_OWNER, {"owner": owner}).first()
                          is None)

    def _remembered(self, key: tuple[Any, ...], stmt: Executable,
                    values: dict[str, Any]) -> int:
        """A count, on SQLite remembered until the database changes (a count reads every
        matching index entry: 100,000 of them for a whole book)."""
        return remembered(self._c, key, lambda: int(self._c.scalar(stmt, values) or 0))

    def _has_fts(self) -> bool:
        if self._c.dialect.name != "sqlite":
            return False  # PostgreSQL's trigram index serves LIKE itself
        info = self._c.connection.info  # per pooled connection: asked once
        if "kithbook_fts" not in info:
            info["kithbook_fts"] = sqlite_fts_ready(self._c)
        return bool(info["kithbook_fts"])

    def _load(self, where: ColumnElement[bool], limit: int | None,
              order: Any = None) -> list[Contact]:
        stmt = select(*_CONTACT_COLUMNS).where(where)
        if order is not None:
            stmt = stmt.order_by(order)
        if limit is not None:
            stmt = stmt.limit(limit)
        return self._loaded(self._c.execute(stmt))

    def _loaded(self, result: Iterable[Any]) -> list[Contact]:
        rows = list(result)
        if not rows:
            return []
        children = self._children_of(rows)
        return [self._contact(r, children) for r in rows]

    def _children_of(self, rows: Sequence[Any]) -> dict[str, _Children]:
        """The emails, phones, links and tags of these rows' contacts, off their cards;
        a row whose card is missing or was written for another version of the row (see
        `contact_card`) has them read from their tables."""
        found: dict[str, _Children] = {}
        unread = []
        for row in rows:
            card = row[_CARD]
            mine = _from_card(card, row[_CARD - 1]) if card else None
            if mine is None:
                unread.append(row[0])
            else:
                found[row[0]] = mine
        if unread:
            found.update(self._children(unread))
        return found

    def _children(self, ids: Sequence[str]) -> dict[str, _Children]:
        """The emails, phones, links and tags of these contacts, in one statement."""
        return _gathered(self._c.execute(_CHILDREN, {"ids": list(ids)}))

    @staticmethod
    def _contact(row: Any, children: dict[str, _Children]) -> Contact:
        # By position, in the order of _CONTACT_COLUMNS: a row's names cost a lookup each.
        (id_, owner, name, organization, role, location, how_we_met, notes, created_at,
         updated_at, version, _card) = row[:_CONTACT_WIDTH]
        mine = children.get(id_, _NO_CHILDREN)
        return Contact.stored(
            id=ContactId(id_), owner=MemberId(owner), name=name,
            emails=list(mine.emails), phones=list(mine.phones), links=list(mine.links),
            tags=sorted(mine.tags), organization=organization, role=role,
            location=location, how_we_met=how_we_met, notes=notes,
            created_at=aware(created_at), updated_at=aware(updated_at), version=version,
        )


class _Children:
    __slots__ = ("emails", "phones", "links", "tags")

    def __init__(self) -> None:
        self.emails: list[Labeled] = []
        self.phones: list[Labeled] = []
        self.links: list[str] = []
        self.tags: list[str] = []


_NO_CHILDREN = _Children()
_EMAIL, _PHONE, _LINK, _TAG = range(4)


def _constant(value: int) -> ColumnElement[int]:
    """A number written into the SQL (not a parameter)."""
    return literal_column(str(value), Integer)


def _children_where(
        condition: Callable[[Column[str]], ColumnElement[bool]]) -> CompoundSelect[Any]:
    """The emails, phones, links and tags of the contacts whose id meets `condition`, as
    (contact, kind, position, value, label) rows in their order within each kind (tags
    are sorted by the reader)."""
    return union_all(
        select(contact_emails.c.contact_id, _constant(_EMAIL).label("kind"),
               contact_emails.c.position, contact_emails.c.address.label("value"),
               contact_emails.c.label).where(condition(contact_emails.c.contact_id)),
        select(contact_phones.c.contact_id, _constant(_PHONE), contact_phones.c.position,
               contact_phones.c.number, contact_phones.c.label)
        .where(condition(contact_phones.c.contact_id)),
        select(contact_links.c.contact_id, _constant(_LINK), contact_links.c.position,
               contact_links.c.url, null()).where(condition(contact_links.c.contact_id)),
        select(contact_tags.c.contact_id, _constant(_TAG), _constant(0), contact_tags.c.tag,
               null()).where(condition(contact_tags.c.contact_id)),
    ).order_by(literal_column("contact_id"), literal_column("kind"),
               literal_column("position"))


def _gathered(rows: Iterable[Any]) -> dict[str, _Children]:
    found: dict[str, _Children] = {}
    for contact_id, kind, _position, value, label in rows:
        mine = found.get(contact_id)
        if mine is None:
            mine = found[contact_id] = _Children()
        if kind == _EMAIL:
            mine.emails.append(Labeled(value, label))
        elif kind == _PHONE:
            mine.phones.append(Labeled(value, label))
        elif kind == _LINK:
            mine.links.append(value)
        else:
            mine.tags.append(value)
    return found


# Statements a request runs are built once, with their values as parameters: building
# one and deriving its cache key costs about 0.1 ms of CPU each time, more than SQLite
# takes to run most of them (see `_PageShape`).
_CHILDREN = _children_where(lambda column: column.in_(bindparam("ids", expanding=True)))
# What a `Contact` is made of (not the search text, which can be long).
_CONTACT_COLUMNS = (contacts.c.id, contacts.c.owner_id, contacts.c.name,
                    contacts.c.organization, contacts.c.role, contacts.c.location,
                    contacts.c.how_we_met, contacts.c.notes, contacts.c.created_at,
                    contacts.c.updated_at, contacts.c.version, contacts.c.card)
_CONTACT_WIDTH = len(_CONTACT_COLUMNS)
_IDS_PER_QUERY = 500
_CARD = _CONTACT_WIDTH - 1  # the version just before it
_BY_ID = select(*_CONTACT_COLUMNS).where(contacts.c.owner_id == bindparam("owner"),
                                         contacts.c.id == bindparam("id"))


@functools.cache
def _names_of(dialect: str) -> Select[tuple[str, str]]:
    return select(contacts.c.id, contacts.c.name).where(
        owned_by(dialect, contacts.c.owner_id, bindparam("owner")),
        contacts.c.id.in_(bindparam("ids", expanding=True)))


# A row of a page of the book: the contact, then what its tie says of it.
_PAGE_COLUMNS = (*_CONTACT_COLUMNS, ties.c.last_interaction_on, ties.c.interaction_count,
                 ties.c.strength, ties.c.stage)
_JOINED = ties.join(contacts, ties.c.contact_id == contacts.c.id)


@dataclass(frozen=True)
class _PageShape:
    """What a page of the book is asked with, less the values: its statements are built
    once per shape, with the values (`_values`) as parameters."""

    dialect: str
    words: int  # words tested with LIKE (not in the trigram index)
    indexed: bool  # the trigram index narrows the set
    organization: bool
    role: bool
    location: bool
    tag: bool
    stage: bool
    sort: Sort
    small: bool  # few contacts found: read them all and sort (see `SqlContacts.query`)
    stage_by_name: bool  # walk the ties' (owner, stage, name) index


def _values(owner: MemberId, query: ContactQuery, like_words: list[str],
             match: str | None) -> dict[str, Any]:
    """The parameters of a page's statements (`_PageShape`)."""
    values: dict[str, Any] = {"owner": owner, "limit": query.limit, "offset": query.offset,
                              "match": match, "tag": (query.tag or "").strip().lower(),
                              "stage": stage_key(query.stage) if query.stage else None}
    values.update((f"word{i}", _contains(word)) for i, word in enumerate(like_words))
    for name, value in (("organization", query.organization), ("role", query.role),
                        ("location", query.location)):
        values[name] = _contains(value.strip()) if value else None
    return values


def _word(i: int) -> ColumnElement[bool]:
    """The folded word `word{i}` (as a LIKE pattern) is in the contact's search text."""
    return contacts.c.search_text.like(bindparam(f"word{i}"), escape="\\")


@functools.lru_cache(maxsize=256)
def _where(shape: _PageShape) -> tuple[tuple[ColumnElement[bool], ...],
                                       tuple[ColumnElement[bool], ...]]:
    """The conditions on the contact and on its tie."""
    owner: BindParameter[Any] = bindparam("owner")
    on_contact = [literal_column("+contacts.owner_id", String) == owner
                  if shape.small and shape.dialect == "sqlite"
                  else contacts.c.owner_id == owner]
    on_contact += [_word(i) for i in range(shape.words)]
    for column, wanted in ((contacts.c.organization, shape.organization),
                           (contacts.c.role, shape.role),
                           (contacts.c.location, shape.location)):
        if wanted:
            on_contact.append(column.ilike(bindparam(column.name), escape="\\"))
    if shape.tag:
        on_contact.append(contacts.c.id.in_(
            select(contact_tags.c.contact_id).where(contact_tags.c.tag == bindparam("tag"))))
    if shape.indexed:
        on_contact.append(literal_column("contacts.rowid").in_(_FTS_ROWIDS))
    on_tie = []
    if shape.sort in (Sort.RECENT, Sort.STRENGTH) or shape.stage_by_name:
        on_tie.append(ties.c.owner_id == owner)
    if shape.stage:
        on_tie.append(ties.c.stage == bindparam("stage"))
    return tuple(on_contact), tuple(on_tie)


@functools.lru_cache(maxsize=256)
def _page_of(shape: _PageShape) -> Select[Any]:
    on_contact, on_tie = _where(shape)
    order: tuple[Any, ...]
    if shape.sort is Sort.RECENT:
        # Contacts never in touch come last on every database.
        order = (ties.c.last_interaction_on.desc().nulls_last(), ties.c.contact_id.desc())
    elif shape.sort is Sort.STRENGTH:
        order = (ties.c.strength.desc().nulls_last(), ties.c.contact_id.desc())
    elif shape.sort is Sort.ADDED:
        order = (contacts.c.created_at.desc(), contacts.c.id)
    elif shape.stage_by_name:
        order = (ties.c.name_key, ties.c.contact_id)
    else:
        order = _BY_NAME
    return (select(*_PAGE_COLUMNS).select_from(_JOINED).where(*on_contact, *on_tie)
            .order_by(*order).limit(_LIMIT).offset(_OFFSET))


@functools.lru_cache(maxsize=256)
def _count_of(shape: _PageShape) -> Select[Any]:
    """How many contacts match, from one table when the conditions allow."""
    on_contact, on_tie = _where(shape)
    if not shape.stage:  # every contact has its tie: count contacts alone
        return select(func.count()).select_from(contacts).where(*on_contact)
    if len(on_contact) == 1:  # the stage alone: count ties alone
        return select(func.count()).select_from(ties).where(
            ties.c.owner_id == bindparam("owner"), ties.c.stage == bindparam("stage"))
    return (select(func.count()).select_from(ties.join(contacts, ties.c.contact_id
                                                       == contacts.c.id))
            .where(*on_contact, *on_tie))


@functools.lru_cache(maxsize=64)
def _walk(words: int, *, bounded: bool) -> Select[Any]:
    """A page of contacts in name order whose text holds every word (`_words_by_name`),
    stopping at the name `bound` when `bounded`."""
    walk = [contacts.c.owner_id == bindparam("owner"), *(_word(i) for i in range(words))]
    if bounded:
        walk.append(contacts.c.name_key <= bindparam("bound"))
    return (select(*_PAGE_COLUMNS).select_from(_JOINED).where(*walk).order_by(*_BY_NAME)
            .limit(_LIMIT).offset(_OFFSET))


_LIMIT = bindparam("limit", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)
_BY_NAME = (contacts.c.name_key, contacts.c.id)
_BOOK_COUNT = select(func.count()).select_from(contacts).where(
    contacts.c.owner_id == bindparam("owner"))
_TAGGED = select(func.count()).select_from(contact_tags).where(
    contact_tags.c.tag == bindparam("tag"))
_OTHER_OWNER = select(contacts.c.id).where(or_(contacts.c.owner_id < bindparam("owner"),
                                               contacts.c.owner_id > bindparam("owner"))
                                           ).limit(1)
# SQLite's trigram index (only there): its matches, and how many.
_FTS_ROWIDS: Select[Any] = (select(literal_column("rowid")).select_from(table_named(FTS_TABLE))
               .where(literal_column(FTS_TABLE).op("MATCH")(bindparam("match"))))
_FTS_COUNT = text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
# The name of the contact at `budget` in name order: where a walk gives way.
_BOUND = (select(contacts.c.name_key).where(contacts.c.owner_id == bindparam("owner"))
          .order_by(contacts.c.name_key).limit(1).offset(bindparam("budget", type_=Integer)))
_NAMED = contacts.alias("named")
# A page of every match of the words, the names of all read and sorted.
_MATCHES_BY_NAME = (
    select(*_PAGE_COLUMNS).select_from(_JOINED)
    .where(literal_column("contacts.rowid").in_(
        select(literal_column("named.rowid")).select_from(_NAMED)
        .where(literal_column("named.rowid").in_(_FTS_ROWIDS),
               literal_column("+named.owner_id", String) == bindparam("owner"))
        .order_by(_NAMED.c.name_key, _NAMED.c.id).limit(_LIMIT).offset(_OFFSET)))
    .order_by(*_BY_NAME))
