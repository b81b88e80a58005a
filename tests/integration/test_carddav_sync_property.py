"""A property of two-way sync, against a real Radicale: after random edits on both sides
(the book, and the phone editing the same cards) and two syncs, both sides hold the same
value of every mapped field not in conflict, every field changed on both sides to
different values is listed as a conflict (and none other), and properties Kithbook does
not know are still on every card."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member
from kithbook.domain.sync import snapshot
from kithbook.io.carddav_cards import read_card
from kithbook.services.facade import Kithbook
from kithbook.services.secrets import new_key
from radicale_server import PASSWORD, USER, Radicale, running_radicale

FIELDS = {"organization": "ORG", "role": "TITLE", "notes": "NOTE", "tags": "CATEGORIES"}
PEOPLE = 3
START: dict[str, Any] = {"organization": "Start", "tags": ["start"], "role": None,
                         "notes": None}
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü🎉 ", min_size=1, max_size=12).map(
    lambda s: " ".join(s.split()) or "x")
tags = st.lists(st.sampled_from(["friends", "work", "family", "climbing", "ünï"]),
                min_size=1, max_size=3, unique=True).map(sorted)
# "" empties a field: emptied on one side, it must be emptied on the other.
edit = st.tuples(st.sampled_from(["book", "phone"]), st.integers(0, PEOPLE - 1),
                 st.sampled_from(sorted(FIELDS)), words | st.just(""), tags)


@pytest.fixture(scope="module")
def server() -> Iterator[Radicale]:
    with running_radicale() as running:
        yield running


def _member(kb: Kithbook) -> Member:
    member = Member(id=MemberId(new_id()), name="Sam", email=None,
                    created_at=datetime(2026, 6, 1, tzinfo=UTC))
    with kb.uow() as uow:
        uow.members.add(member)
        uow.commit()
    return member


def _set(text: str, prop: str, value: str) -> str:
    """A card with `prop` replaced, as a phone writes it."""
    kept = [line for line in re.sub(r"\r\n[ \t]", "", text).split("\r\n")
            if line and not re.match(rf"^(?:[\w-]+\.)?{prop}[;:]", line, re.I)]
    escaped = value.replace("\\", "\\\\").replace(";", "\\;")
    if prop != "CATEGORIES":
        escaped = escaped.replace(",", "\\,")
    kept.insert(len(kept) - 1, f"{prop}:{escaped}")
    return "\r\n".join(kept) + "\r\n"


def _value(field: str, text: str, tag_list: list[str]) -> Any:
    return tag_list if field == "tags" else _clean(field, text)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(edit, max_size=8))
def test_random_edits_on_both_sides_end_in_step_with_every_conflict_listed(
        kb: Kithbook, server: Radicale, edits: list[tuple[str, int, str, str, list[str]]]
        ) -> None:
    kb.settings = replace(kb.settings, capture_key=new_key())
    me = _member(kb)
    name = f"book-{me.id}"
    book = server.make_addressbook(name)
    ids = [kb.book.add_contact(me.id, ContactFields(name=f"Person {i}", organization="Start",
                                                    tags=["start"])).id for i in range(PEOPLE)]
    sync = kb.sync()
    source = sync.add_carddav(me.id, url=book, username=USER, password=PASSWORD)
    assert sync.run(me.id, source.id)[0][2] is None
    hrefs = {}
    for href in server.items(book):  # each card gets a property Kithbook does not know
        text, etag = server.read(href)
        uid = re.search(r"urn:kithbook:(\w+)", text)
        assert uid
        hrefs[uid.group(1)] = href
        server.write(href, _set(text, "X-PHONE-ONLY", f"keep {uid.group(1)}"), if_match=etag)
    assert sync.run(me.id, source.id)[0][2] is None

    changed: dict[tuple[str, str, str], Any] = {}  # (side, contact, field) -> last value
    for side, who, field, text, tag_list in edits:
        contact, value = ids[who], _value(field, text, tag_list)
        changed[(side, contact, field)] = value
        if side == "book":
            given = "" if value is None else value
            kb.book.edit_contact(me.id, contact, ContactFields(**{field: given}), exact=True)
        else:
            card, etag = server.read(hrefs[contact])
            shown = ",".join(value) if field == "tags" else value or ""
            server.write(hrefs[contact], _set(card, FIELDS[field], shown), if_match=etag)

    for _ in range(2):
        (outcome,) = sync.run(me.id, source.id)
        assert outcome[2] is None, outcome[2]

    # A side whose last value is the one both started from has not changed that field.
    changed = {key: v for key, v in changed.items() if v != START[key[2]]}
    expected_conflicts = {(c, f) for (s, c, f), v in changed.items() if s == "book"
                          and ("phone", c, f) in changed and changed[("phone", c, f)] != v}
    listed = {(c.contact, c.field) for c in sync.conflicts(me.id)}
    assert listed == expected_conflicts
    for contact in ids:
        card = server.read(hrefs[contact])[0]
        assert f"X-PHONE-ONLY:keep {contact}" in card
        phone = _snapshot_of_card(card)
        with kb.uow().reading() as uow:
            stored = uow.contacts.get(me.id, contact)
            assert stored is not None
            ours = snapshot(stored.name, stored.emails, stored.phones, stored.organization,
                            stored.role, stored.notes, stored.tags, [])
        for field in FIELDS:
            if (contact, field) in expected_conflicts:
                assert ours[field] == _clean(field, changed[("book", contact, field)])
                assert phone[field] == _clean(field, changed[("phone", contact, field)])
                continue
            assert ours[field] == phone[field], (field, ours[field], phone[field])
            last = changed.get(("book", contact, field), changed.get(("phone", contact, field)))
            if last is not None:
                assert ours[field] == _clean(field, last)


def _clean(field: str, value: Any) -> Any:
    return sorted(value) if field == "tags" else (value or None)


def _snapshot_of_card(text: str) -> dict[str, Any]:
    record = read_card(text, where="card", region="US")
    f = record.fields
    return snapshot(f.name, f.emails or [], f.phones or [], f.organization, f.role, f.notes,
                    f.tags or [], [])
