import json
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.knows import ContactLink
from kithbook.domain.members import Member, Role
from kithbook.domain.ties import AskRule, SharingPolicy, Tie, Visibility
from kithbook.io.export_json import Book, book_document, dumps_book, read_book

ME = MemberId("m0000000001a")
ADA, GRACE = ContactId("c000000000ad"), ContactId("c00000000g4c")


def _book() -> Book:
    at = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    member = Member(id=ME, name="Jo Member", email="jo@example.org", role=Role.ADMIN,
                    created_at=at, default_policy=SharingPolicy(
                        visibility=Visibility.ANONYMOUS, ask_rule=AskRule.TRUSTED,
                        ask_min_trust=3, welcomes="founders"),
                    organization="Kith Labs", title="Founder")
    ada = Contact(id=ADA, owner=ME, name="Ada Lovelace",
                  emails=[Labeled("ada@analytical.example", "work")],
                  phones=[Labeled("+442079460958", "mobile")], links=["https://ada.example"],
                  tags=["mentors"], organization="Analytical Engines", role="CTO",
                  location="London", how_we_met="Royal Society", notes="Line 1\nLine 2 — ü",
                  created_at=at, updated_at=at)
    grace = Contact(id=GRACE, owner=ME, name="Grace Hopper")
    tie = Tie(owner=ME, contact=ADA, stated_trust=5, cadence_days=30,
              started_on=date(2020, 1, 15), strength_override=0.8, override_at=at,
              policy=SharingPolicy(visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE,
                                   no_introductions=True))
    met = Interaction(id=InteractionId("i00000000001"), owner=ME, kind=Kind.MET,
                      direction=Direction.MUTUAL, occurred_on=date(2024, 2, 1),
                      contact_ids=[GRACE, ADA], note="Lunch", created_at=at,
                      source="ics:lunch@example.org")
    knows = ContactLink(ME, GRACE, ADA, 0.75, "worked together at the Admiralty", at)
    return Book(member=member, contacts=[grace, ada], ties=[tie], interactions=[met],
                links=[knows])


def test_document_starts_with_format_and_version() -> None:
    text = dumps_book(_book())
    assert text.startswith('{\n  "format": "kithbook",\n  "version": 1,\n  "member"')
    assert "Line 2 — ü" in text  # UTF-8 as is, not \\u escapes


def test_streamed_document_is_exactly_the_json_of_the_whole_tree() -> None:
    book = _book()
    whole = json.dumps(book_document(book), ensure_ascii=False, indent=2) + "\n"
    assert dumps_book(book) == whole
    empty = Book(book.member, [], [], [])
    assert dumps_book(empty) == json.dumps(book_document(empty), ensure_ascii=False,
                                           indent=2) + "\n"


def test_read_back_gives_the_same_records() -> None:
    book = _book()
    again = read_book(BytesIO(dumps_book(book).encode()))
    assert again.member == book.member
    assert sorted(again.contacts, key=lambda c: c.id) == sorted(book.contacts,
                                                                key=lambda c: c.id)
    assert again.ties == book.ties
    assert again.interactions[0].contact_ids == sorted([ADA, GRACE])


def test_export_import_export_is_byte_identical() -> None:
    first = dumps_book(_book())
    assert dumps_book(read_book(BytesIO(first.encode()))) == first


def test_contacts_and_interactions_are_sorted_whatever_the_input_order() -> None:
    book = _book()
    reversed_book = Book(book.member, book.contacts[::-1], book.ties, book.interactions,
                         [replace(book.links[0], a=ADA, b=GRACE)])  # either way round
    assert dumps_book(book) == dumps_book(reversed_book)
    names = [c["name"] for c in book_document(book)["contacts"]]
    assert names == ["Ada Lovelace", "Grace Hopper"]


def test_times_without_a_zone_are_written_as_utc() -> None:
    book = _book()
    book.contacts[0].created_at = datetime(2024, 1, 1, 12, 0)  # Grace
    doc = book_document(book)
    grace = next(c for c in doc["contacts"] if c["id"] == GRACE)
    assert grace["created_at"] == "2024-01-01T12:00:00Z"


def _mutated(change: str, value: object) -> bytes:
    doc = json.loads(dumps_book(_book()))
    target = doc
    *path, last = change.split(".")
    for part in path:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("change", "value", "message"), [
    ("format", "other", "not a Kithbook export"),
    ("version", 2, "written by a newer Kithbook"),
    ("contacts.0.name", 42, r"contacts\[0\]\.name: expected text, found a whole number"),
    ("contacts.0.name", "  ", r"contacts\[0\]\.name: a contact needs a name"),
    ("contacts.0.tie.stated_trust", 9, r"contacts\[0\]\.tie\.trust: trust must be"),
    ("contacts.0.tie.started_on", "15/01/2020", r"tie\.started_on: '15/01/2020' is not a date"),
    ("contacts.0.emails", [{"value": "x"}], r"emails\[0\]\.label: is missing"),
    ("contacts.0.nickname", "Ada", r"contacts\[0\]: unknown field 'nickname'"),
    ("interactions.0.kind", "dance", r"interactions\[0\]\.kind: 'dance' is not"),
    ("interactions.0.contact_ids", ["nobody"], "'nobody' is not a contact in this document"),
    ("member.created_at", "2024-03-01T09:30:00", r"member\.created_at: .* is not a date"),
])
def test_bad_documents_name_the_field(change: str, value: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_book(BytesIO(_mutated(change, value)), name="book.json")


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(InvalidInput, match=r"book.json, line 2, column 1: not valid JSON"):
        read_book(BytesIO(b'{"format":\n}'), name="book.json")


def test_duplicate_contact_ids_are_refused() -> None:
    doc = json.loads(dumps_book(_book()))
    doc["contacts"][1]["id"] = doc["contacts"][0]["id"]
    with pytest.raises(InvalidInput, match="appears twice"):
        read_book(BytesIO(json.dumps(doc).encode()))


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20) \
    .filter(lambda s: s.strip() == s and s != "")
_moment = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                       timezones=st.just(UTC))


@st.composite
def _books(draw: st.DrawFn) -> Book:
    count = draw(st.integers(0, 6))
    ids = [ContactId(f"c{i:011d}") for i in range(count)]
    contacts = [Contact(id=cid, owner=ME, name=draw(_text),
                        emails=[Labeled(f"p{i}@example.org", draw(st.none() | _text))],
                        tags=draw(st.lists(_text.map(str.lower), max_size=3, unique=True)),
                        notes=draw(st.none() | _text), created_at=draw(st.none() | _moment))
                for i, cid in enumerate(ids)]
    ties = [Tie(owner=ME, contact=cid, stated_trust=draw(st.none() | st.integers(1, 5)),
                strength_override=draw(st.none() | st.floats(0, 1)),
                started_on=draw(st.none() | st.dates()))
            for cid in ids if draw(st.booleans())]
    interactions = [Interaction(id=InteractionId(f"i{n:011d}"), owner=ME,
                                kind=draw(st.sampled_from(Kind)),
                                direction=draw(st.sampled_from(Direction)),
                                occurred_on=draw(st.dates()),
                                contact_ids=draw(st.lists(st.sampled_from(ids), min_size=1,
                                                          max_size=3)),
                                note=draw(st.none() | _text))
                    for n in range(draw(st.integers(0, 4)) if ids else 0)]
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4)
                 ) if ids else []
    links = {tuple(sorted(p)): ContactLink(ME, p[0], p[1], draw(st.floats(0.01, 1)),
                                           draw(st.none() | _text), draw(st.none() | _moment))
             for p in pairs if p[0] != p[1]}
    member = Member(id=ME, name="Me", created_at=draw(st.none() | _moment))
    return Book(member=member, contacts=contacts, ties=ties, interactions=interactions,
                links=list(links.values()))


@settings(max_examples=60, deadline=None)
@given(_books())
def test_any_book_survives_export_import_export(book: Book) -> None:
    first = dumps_book(book)
    assert first == json.dumps(book_document(book), ensure_ascii=False, indent=2) + "\n"
    assert dumps_book(read_book(BytesIO(first.encode()))) == first


def test_links_between_contacts_are_read_back() -> None:
    book = read_book(BytesIO(dumps_book(_book()).encode()))
    assert [(link.a, link.b, link.strength, link.note) for link in book.links] == [
        (ADA, GRACE, 0.75, "worked together at the Admiralty")]


def test_a_document_from_before_links_were_exported_still_reads() -> None:
    doc = json.loads(dumps_book(_book()))
    del doc["contact_links"]
    assert read_book(BytesIO(json.dumps(doc).encode())).links == []


@pytest.mark.parametrize(("change", "message"), [
    ({"a": "c0000000zzzz"}, r"contact_links\[0\]\.a: 'c0000000zzzz' is not a contact"),
    ({"strength": 1.5}, r"contact_links\[0\]\.strength: expected a number above 0"),
    ({"b": str(ADA)}, r"contact_links\[0\]\.b: a contact cannot be linked to themselves"),
])
def test_bad_links_name_the_field(change: dict[str, object], message: str) -> None:
    doc = json.loads(dumps_book(_book()))
    doc["contact_links"][0].update(change)
    with pytest.raises(InvalidInput, match=message):
        read_book(BytesIO(json.dumps(doc).encode()))


def test_a_document_from_before_profiles_reads_with_none_shown() -> None:
    doc = json.loads(dumps_book(_book()))
    assert (doc["member"]["organization"], doc["member"]["title"]) == ("Kith Labs", "Founder")
    del doc["member"]["organization"], doc["member"]["title"]
    member = read_book(BytesIO(json.dumps(doc).encode())).member
    assert (member.organization, member.title) == (None, None)
