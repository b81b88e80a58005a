"""A member's whole book as one JSON document that import reads back without loss.

The document is versioned (`{"format": "kithbook", "version": 1, ...}`), its keys come in
a fixed order and its lists are sorted, so export → import → export gives the same bytes.
Field-by-field documentation: docs/import-export.md.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import IO, Any, NotRequired, TypedDict, TypeVar

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.important_dates import DateKind, ImportantDate, check_dates
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.knows import ContactLink
from kithbook.domain.members import Member, Role
from kithbook.domain.photos import ContactPhoto, checked_photo
from kithbook.domain.ties import AskRule, SharingPolicy, Tie, Visibility
from kithbook.io.records import Warnings

FORMAT = "kithbook"
VERSION = 1
MAX_DOCUMENT_BYTES = 512_000_000
MAX_LINK_NOTE = 200  # as `kithbook knows` allows
MAX_PROFILE = 200  # as `kithbook profile` allows

T = TypeVar("T")


class LabeledDoc(TypedDict):
    value: str
    label: str | None


class PolicyDoc(TypedDict):
    visibility: str
    ask_rule: str
    ask_min_trust: int | None
    no_introductions: bool
    welcomes: str | None


class TieDoc(TypedDict):
    stated_trust: int | None
    cadence_days: int | None
    started_on: str | None
    strength_override: float | None
    override_at: str | None
    policy: PolicyDoc | None


class DateDoc(TypedDict):
    kind: str
    month: int
    day: int
    year: int | None
    label: str | None


class PhotoDoc(TypedDict):
    media_type: str
    data: str  # base64


class ContactDoc(TypedDict):
    id: str
    name: str
    emails: list[LabeledDoc]
    phones: list[LabeledDoc]
    links: list[str]
    tags: list[str]
    organization: str | None
    role: str | None
    location: str | None
    how_we_met: str | None
    notes: str | None
    dates: NotRequired[list[DateDoc]]
    photo: NotRequired[PhotoDoc]
    created_at: str | None
    updated_at: str | None
    tie: TieDoc | None


class InteractionDoc(TypedDict):
    id: str
    kind: str
    direction: str
    occurred_on: str
    contact_ids: list[str]
    note: str | None
    created_at: str | None
    source: str | None


class MemberDoc(TypedDict):
    id: str
    name: str
    email: str | None
    role: str
    created_at: str | None
    default_policy: PolicyDoc
    organization: NotRequired[str | None]
    title: NotRequired[str | None]


class ContactLinkDoc(TypedDict):
    a: str
    b: str
    strength: float
    note: str | None
    created_at: str | None


class BookDoc(TypedDict):
    format: str
    version: int
    member: MemberDoc
    contacts: list[ContactDoc]
    interactions: list[InteractionDoc]
    contact_links: NotRequired[list[ContactLinkDoc]]
    note: NotRequired[str]


@dataclass
class Book:
    """Everything of one member, as domain objects."""

    member: Member
    contacts: list[Contact]
    ties: list[Tie]
    interactions: list[Interaction]
    links: list[ContactLink] = field(default_factory=list)  # who knows whom among contacts
    dates: dict[ContactId, list[ImportantDate]] = field(default_factory=dict)
    photos: dict[ContactId, ContactPhoto] = field(default_factory=dict)
    photos_left_out: int = 0  # pictures that could not be read, each with its warning


# ---- writing -------------------------------------------------------------------------

def book_document(book: Book) -> BookDoc:
    ties = {tie.contact: tie for tie in book.ties}
    contacts = sorted_contacts(book.contacts)
    interactions = sorted(book.interactions, key=lambda i: (i.occurred_on, i.id))
    return {
        "format": FORMAT,
        "version": VERSION,
        "member": _member_doc(book.member),
        "contacts": [_contact_doc(c, ties.get(c.id), book.dates.get(c.id, []),
                                  book.photos.get(c.id)) for c in contacts],
        "interactions": [_interaction_doc(i) for i in interactions],
        "contact_links": [_link_doc(link) for link in sorted_links(book.links)],
    }


def dumps_book(book: Book) -> str:
    buffer = io.StringIO()
    write_book(book, buffer)
    return buffer.getvalue()


def write_book(book: Book, out: IO[str]) -> None:
    """Write the document item by item, byte for byte what `json.dumps(indent=2)` gives.

    A book with a million interactions never exists as one JSON tree in memory.
    """
    ties = {tie.contact: tie for tie in book.ties}
    out.write(f'{{\n  "format": {_json(FORMAT, 2)},\n  "version": {_json(VERSION, 2)},\n'
              f'  "member": {_json(_member_doc(book.member), 2)},\n  "contacts": ')
    _write_list(out, (_contact_doc(c, ties.get(c.id), book.dates.get(c.id, []),
                                   book.photos.get(c.id))
                      for c in sorted_contacts(book.contacts)))
    out.write(',\n  "interactions": ')
    _write_list(out, (_interaction_doc(i) for i in
                      sorted(book.interactions, key=lambda i: (i.occurred_on, i.id))))
    out.write(',\n  "contact_links": ')
    _write_list(out, (_link_doc(link) for link in sorted_links(book.links)))
    out.write("\n}\n")


def _write_list(out: IO[str], items: Iterator[Any]) -> None:
    empty = True
    for item in items:
        out.write(("[\n    " if empty else ",\n    ") + _json(item, 4))
        empty = False
    out.write("[]" if empty else "\n  ]")


def _json(value: Any, depth: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


def _member_doc(member: Member) -> MemberDoc:
    return {"id": member.id, "name": member.name, "email": member.email,
            "role": member.role.value, "created_at": _moment(member.created_at),
            "default_policy": _policy_doc(member.default_policy),
            "organization": member.organization, "title": member.title}


def _contact_doc(contact: Contact, tie: Tie | None, dates: list[ImportantDate],
                 photo: ContactPhoto | None = None) -> ContactDoc:
    doc: ContactDoc = {
        "id": contact.id, "name": contact.name,
        "emails": [_labeled_doc(e) for e in contact.emails],
        "phones": [_labeled_doc(p) for p in contact.phones],
        "links": list(contact.links), "tags": list(contact.tags),
        "organization": contact.organization, "role": contact.role,
        "location": contact.location, "how_we_met": contact.how_we_met,
        "notes": contact.notes,
        "dates": [{"kind": d.kind.value, "month": d.month, "day": d.day, "year": d.year,
                   "label": d.label} for d in dates],
        "created_at": _moment(contact.created_at),
        "updated_at": _moment(contact.updated_at),
        "tie": _tie_doc(tie) if tie is not None else None,
    }
    if photo is not None:  # only then: documents stay as they were for the others
        doc["photo"] = {"media_type": photo.media_type,
                        "data": base64.b64encode(photo.data).decode("ascii")}
    return doc


def _tie_doc(tie: Tie) -> TieDoc:
    return {"stated_trust": tie.stated_trust, "cadence_days": tie.cadence_days,
            "started_on": tie.started_on.isoformat() if tie.started_on else None,
            "strength_override": tie.strength_override,
            "override_at": _moment(tie.override_at),
            "policy": _policy_doc(tie.policy) if tie.policy is not None else None}


def _policy_doc(policy: SharingPolicy) -> PolicyDoc:
    return {"visibility": policy.visibility.value, "ask_rule": policy.ask_rule.value,
            "ask_min_trust": policy.ask_min_trust,
            "no_introductions": policy.no_introductions, "welcomes": policy.welcomes}


def _interaction_doc(interaction: Interaction) -> InteractionDoc:
    return {"id": interaction.id, "kind": interaction.kind.value,
            "direction": interaction.direction.value,
            "occurred_on": interaction.occurred_on.isoformat(),
            "contact_ids": sorted(interaction.contact_ids), "note": interaction.note,
            "created_at": _moment(interaction.created_at), "source": interaction.source}


def _link_doc(link: ContactLink) -> ContactLinkDoc:
    a, b = sorted((link.a, link.b))
    return {"a": a, "b": b, "strength": link.strength, "note": link.note,
            "created_at": _moment(link.created_at)}


def sorted_links(links: Sequence[ContactLink]) -> list[ContactLink]:
    return sorted(links, key=lambda link: tuple(sorted((link.a, link.b))))


def _labeled_doc(value: Labeled) -> LabeledDoc:
    return {"value": value.value, "label": value.label}


def _moment(value: datetime | None) -> str | None:
    """UTC with a Z; a stored time without a zone is UTC already (SQLite drops zones)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# ---- reading -------------------------------------------------------------------------

def read_book(stream: IO[bytes], *, name: str = "book.json",
              warnings: Warnings | None = None) -> Book:
    """Check a document field by field and return its records; errors name the field.

    With `warnings`, a contact's picture that cannot be read is left out with a warning
    naming the contact, and the rest is read; without, it refuses the document.
    """
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"{name} is larger than {MAX_DOCUMENT_BYTES:,} bytes.", field="file")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{name}, line {line}: the file is not UTF-8 text; a Kithbook "
                           "export always is. Use the file as exported.", field="file") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name}, line {exc.lineno}, column {exc.colno}: not valid JSON "
                           f"({exc.msg}).", field="file") from None
    return book_from_document(document, name=name, warnings=warnings)


def book_from_document(document: Any, *, name: str = "book.json",
                       warnings: Warnings | None = None) -> Book:
    top = _Fields(document, name, {"format", "version", "member", "contacts",
                                   "interactions", "contact_links", "note"})
    if top.get("format", str) != FORMAT:
        raise InvalidInput(f"{name}: this is not a Kithbook export (format must be "
                           f"{FORMAT!r}).", field="file")
    version = top.get("version", int)
    if version != VERSION:
        hint = ("it was written by a newer Kithbook; upgrade and import again"
                if version > VERSION else "the version is unknown")
        raise InvalidInput(f"{name}: document version {version}: {hint}.", field="file")
    member = _member(_Fields(top.get("member", dict), f"{name}: member", _MEMBER_KEYS))
    contacts: list[Contact] = []
    ties: list[Tie] = []
    dates: dict[ContactId, list[ImportantDate]] = {}
    photos: dict[ContactId, ContactPhoto] = {}
    photos_left_out = 0
    seen: set[str] = set()
    for index, raw in enumerate(top.get("contacts", list)):
        fields = _Fields(raw, f"{name}: contacts[{index}]", _CONTACT_KEYS)
        contact, tie = _contact(fields, member.id)
        if contact.id in seen:
            fields.fail("id", f"the id {contact.id!r} appears twice")
        seen.add(contact.id)
        contacts.append(contact)
        found = _dates(fields)
        if found:
            dates[contact.id] = found
        try:
            photo = _photo(fields)
        except InvalidInput as exc:
            if warnings is None:
                raise
            # A picture is no reason to refuse a whole book: the contact comes without it.
            photo = None
            photos_left_out += 1
            # "photo.data: …"; the picture's own check names its field "photo" again.
            what = exc.message.removeprefix(f"{fields.path}.").rstrip(".").replace(
                "photo.photo: ", "photo: ", 1)
            warnings.add(fields.path, f"{what}; the photo is left out and the contact is "
                                      "imported without it.")
        if photo is not None:
            photos[contact.id] = photo
        if tie is not None:
            ties.append(tie)
    interactions = []
    for index, raw in enumerate(top.get("interactions", list)):
        fields = _Fields(raw, f"{name}: interactions[{index}]", _INTERACTION_KEYS)
        interaction = _interaction(fields, member.id)
        unknown = [c for c in interaction.contact_ids if c not in seen]
        if unknown:
            fields.fail("contact_ids", f"{unknown[0]!r} is not a contact in this document")
        interactions.append(interaction)
    links = []
    pairs: set[tuple[str, str]] = set()
    # Documents written before links were exported have no such list: nothing to read.
    for index, raw in enumerate(top.get("contact_links", list)
                                if "contact_links" in top.raw else []):
        fields = _Fields(raw, f"{name}: contact_links[{index}]", _LINK_KEYS)
        link = _link(fields, member.id)
        for key, end in (("a", link.a), ("b", link.b)):
            if end not in seen:
                fields.fail(key, f"{end!r} is not a contact in this document")
        pair = (min(link.a, link.b), max(link.a, link.b))
        if link.a == link.b:
            fields.fail("b", "a contact cannot be linked to themselves")
        if pair in pairs:
            fields.fail("b", f"the link between {pair[0]!r} and {pair[1]!r} appears twice")
        pairs.add(pair)
        links.append(link)
    return Book(member=member, contacts=contacts, ties=ties, interactions=interactions,
                links=links, dates=dates, photos=photos, photos_left_out=photos_left_out)


_MEMBER_KEYS = set(MemberDoc.__annotations__)
_CONTACT_KEYS = set(ContactDoc.__annotations__)
_DATE_KEYS = set(DateDoc.__annotations__)
_PHOTO_KEYS = set(PhotoDoc.__annotations__)
_TIE_KEYS = set(TieDoc.__annotations__)
_POLICY_KEYS = set(PolicyDoc.__annotations__)
_INTERACTION_KEYS = set(InteractionDoc.__annotations__)
_LINK_KEYS = set(ContactLinkDoc.__annotations__)
_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "an object"}


class _Fields:
    """One JSON object being checked; every complaint names its path."""

    def __init__(self, raw: Any, path: str, allowed: set[str]) -> None:
        if not isinstance(raw, dict):
            raise InvalidInput(f"{path}: expected an object, found {_kind(raw)}.",
                               field="file")
        extra = sorted(set(raw) - allowed)
        if extra:
            raise InvalidInput(f"{path}: unknown field {extra[0]!r}; see the schema in "
                               "docs/import-export.md.", field="file")
        self.raw = raw
        self.path = path

    def fail(self, key: str, message: str) -> Any:
        raise InvalidInput(f"{self.path}.{key}: {message}.", field="file")

    def get(self, key: str, kind: type[T]) -> T:
        if key not in self.raw:
            self.fail(key, "is missing")
        value = self.raw[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)  # type: ignore[return-value]
        if not ok:
            self.fail(key, f"expected {_TYPE_NAMES.get(kind, kind.__name__)}, "
                           f"found {_kind(value)}")
        return value  # type: ignore[no-any-return]

    def maybe(self, key: str, kind: type[T]) -> T | None:
        return None if self.raw.get(key) is None and key in self.raw else self.get(key, kind)

    def parse(self, key: str, read: Callable[[str], T], what: str) -> T | None:
        text = self.maybe(key, str)
        if text is None:
            return None
        try:
            return read(text)
        except ValueError:
            return self.fail(key, f"{text!r} is not {what}")  # type: ignore[no-any-return]

    def texts(self, key: str) -> list[str]:
        values = self.get(key, list)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{key}[{i}]", f"expected text, found {_kind(value)}")
        return list(values)

    def checked(self, build: Callable[[], T]) -> T:
        try:
            return build()
        except InvalidInput as exc:
            key = exc.field or "?"
            raise InvalidInput(f"{self.path}.{key}: {exc.message}", field="file") from None


def _member(fields: _Fields) -> Member:
    policy = _policy(_Fields(fields.get("default_policy", dict),
                             f"{fields.path}.default_policy", _POLICY_KEYS))
    role = fields.parse("role", Role, "a role (admin or member)")
    # Documents written before profiles existed have neither key: nothing shown.
    organization, title = (fields.maybe(key, str) if key in fields.raw else None
                           for key in ("organization", "title"))
    for key, value in (("organization", organization), ("title", title)):
        if value is not None and not 0 < len(value) <= MAX_PROFILE:
            fields.fail(key, f"expected text of 1 to {MAX_PROFILE} characters")
    return Member(id=MemberId(fields.get("id", str)), name=fields.get("name", str),
                  email=fields.maybe("email", str), role=role or Role.MEMBER,
                  created_at=fields.parse("created_at", _datetime, "a date and time"),
                  default_policy=policy, organization=organization, title=title)


def _contact(fields: _Fields, owner: MemberId) -> tuple[Contact, Tie | None]:
    contact_id = ContactId(fields.get("id", str))
    emails = _labeled(fields, "emails")
    phones = _labeled(fields, "phones")
    contact = fields.checked(lambda: Contact(
        id=contact_id, owner=owner, name=fields.get("name", str), emails=emails,
        phones=phones, links=fields.texts("links"), tags=fields.texts("tags"),
        organization=fields.maybe("organization", str), role=fields.maybe("role", str),
        location=fields.maybe("location", str), how_we_met=fields.maybe("how_we_met", str),
        notes=fields.maybe("notes", str),
        created_at=fields.parse("created_at", _datetime, "a date and time"),
        updated_at=fields.parse("updated_at", _datetime, "a date and time")))
    raw_tie = fields.maybe("tie", dict)
    if raw_tie is None:
        return contact, None
    tie_fields = _Fields(raw_tie, f"{fields.path}.tie", _TIE_KEYS)
    raw_policy = tie_fields.maybe("policy", dict)
    policy = (_policy(_Fields(raw_policy, f"{tie_fields.path}.policy", _POLICY_KEYS))
              if raw_policy is not None else None)
    tie = tie_fields.checked(lambda: Tie(
        owner=owner, contact=contact_id,
        stated_trust=tie_fields.maybe("stated_trust", int),
        cadence_days=tie_fields.maybe("cadence_days", int),
        started_on=tie_fields.parse("started_on", date.fromisoformat, "a date (YYYY-MM-DD)"),
        strength_override=tie_fields.maybe("strength_override", float),
        override_at=tie_fields.parse("override_at", _datetime, "a date and time"),
        policy=policy))
    return contact, tie


def _dates(fields: _Fields) -> list[ImportantDate]:
    """A contact's important dates; documents written before there were any have none."""
    if "dates" not in fields.raw:
        return []
    found = []
    for index, raw in enumerate(fields.get("dates", list)):
        entry = _Fields(raw, f"{fields.path}.dates[{index}]", _DATE_KEYS)
        kind = entry.get("kind", str)
        if kind not in {k.value for k in DateKind}:
            entry.fail("kind", f"{kind!r} is not one of birthday, anniversary, other")
        found.append(entry.checked(partial(_important_date, entry, DateKind(kind))))
    return fields.checked(lambda: check_dates(found))


def _photo(fields: _Fields) -> ContactPhoto | None:
    if fields.raw.get("photo") is None:
        return None
    entry = _Fields(fields.get("photo", dict), f"{fields.path}.photo", _PHOTO_KEYS)
    text = entry.get("data", str)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        entry.fail("data", "the picture is not valid base64")
    photo = entry.checked(lambda: checked_photo(data))
    if photo.media_type != entry.get("media_type", str):
        entry.fail("media_type", f"the picture is {photo.media_type}")
    return photo


def _important_date(entry: _Fields, kind: DateKind) -> ImportantDate:
    return ImportantDate(kind, entry.get("month", int), entry.get("day", int),
                         entry.maybe("year", int), entry.maybe("label", str))


def _policy(fields: _Fields) -> SharingPolicy:
    visibility = fields.parse("visibility", Visibility, "hidden, anonymous or named")
    ask_rule = fields.parse("ask_rule", AskRule, "nobody, trusted or anyone")
    if visibility is None or ask_rule is None:
        fields.fail("visibility" if visibility is None else "ask_rule", "is missing")
    assert visibility is not None and ask_rule is not None
    return fields.checked(lambda: SharingPolicy(
        visibility=visibility, ask_rule=ask_rule,
        ask_min_trust=fields.maybe("ask_min_trust", int),
        no_introductions=fields.get("no_introductions", bool),
        welcomes=fields.maybe("welcomes", str)))


def _interaction(fields: _Fields, owner: MemberId) -> Interaction:
    kind = fields.parse("kind", Kind, "an interaction kind")
    direction = fields.parse("direction", Direction, "gave, received or mutual")
    occurred = fields.parse("occurred_on", date.fromisoformat, "a date (YYYY-MM-DD)")
    if kind is None or direction is None or occurred is None:
        fields.fail("kind" if kind is None else "direction" if direction is None
                    else "occurred_on", "is missing")
    assert kind is not None and direction is not None and occurred is not None
    return fields.checked(lambda: Interaction(
        id=InteractionId(fields.get("id", str)), owner=owner, kind=kind,
        direction=direction, occurred_on=occurred,
        contact_ids=[ContactId(c) for c in fields.texts("contact_ids")],
        note=fields.maybe("note", str),
        created_at=fields.parse("created_at", _datetime, "a date and time"),
        source=fields.maybe("source", str)))


def _link(fields: _Fields, owner: MemberId) -> ContactLink:
    strength = fields.get("strength", float)
    if not 0.0 < strength <= 1.0:
        fields.fail("strength", f"expected a number above 0 and at most 1, found {strength}")
    note = fields.maybe("note", str)
    if note is not None and len(note) > MAX_LINK_NOTE:
        fields.fail("note", f"keep it under {MAX_LINK_NOTE} characters")
    return ContactLink(owner, ContactId(fields.get("a", str)), ContactId(fields.get("b", str)),
                       strength, note, fields.parse("created_at", _datetime, "a date and time"))


def _labeled(fields: _Fields, key: str) -> list[Labeled]:
    out = []
    for index, raw in enumerate(fields.get(key, list)):
        item = _Fields(raw, f"{fields.path}.{key}[{index}]", {"value", "label"})
        out.append(Labeled(item.get("value", str), item.maybe("label", str)))
    return out


def _datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment.astimezone(UTC)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def sorted_contacts(contacts: Sequence[Contact]) -> list[Contact]:
    """The order contacts take in every export."""
    return sorted(contacts, key=lambda c: (c.name.casefold(), c.id))
