"""Undo: a removed interaction and a merge come back exactly as they were (the book's
export equals its earlier dump), only for their owner, and never over a later change."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest

from fakes import FixedClock
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import Conflict, NotFound
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.domain.photos import ContactPhoto
from kithbook.services.book import InteractionChange, TieFields
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.services.undo import KEEP_FOR

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00" \
      b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def dump(kb: Kithbook, me: MemberId) -> dict[str, Any]:
    out = io.StringIO()
    kb.transfer.export_book(me, ExportFormat.JSON, out)
    book: dict[str, Any] = json.loads(out.getvalue())
    book.pop("exported_at", None)
    return book


def _book(kb: Kithbook) -> tuple[MemberId, list[str]]:
    me, _ = kb.book.init_local_member("Sam Rivera")
    today = kb.clock.today()
    nadia = kb.book.add_contact(me.id, ContactFields(
        name="Nadia Petrova", organization="Acme", emails=[Labeled("nadia@example.org")],
        tags=["climate"], notes="met at the lab"), TieFields(stated_trust=4, cadence_days=30))
    twin = kb.book.add_contact(me.id, ContactFields(
        name="Nadia Petrova", organization="Acme Inc", role="CTO",
        emails=[Labeled("n.petrova@example.org")], tags=["mentor"]),
        TieFields(stated_trust=2))
    bob = kb.book.add_contact(me.id, ContactFields(name="Bob Stone"))
    kb.book.set_date(me.id, twin.id, ImportantDate(DateKind.BIRTHDAY, 6, 1, 1980), exact=True)
    kb.book.log_interaction(me.id, [nadia.id], Kind.MET, Direction.MUTUAL,
                            today - timedelta(days=40), "coffee")
    kb.book.log_interaction(me.id, [twin.id, bob.id], Kind.ADVICE, Direction.GAVE,
                            today - timedelta(days=3), "hiring advice")
    kb.book.log_interaction(me.id, [twin.id], Kind.TALKED, Direction.MUTUAL, today)
    kb.paths.record_contact_link(me.id, twin.id, bob.id)
    with kb.uow() as uow:  # a photo, as a vCard import brings one: bytes in the book
        uow.photos.put(twin.id, ContactPhoto("image/gif", GIF))
        uow.commit()
    return me.id, [nadia.id, twin.id, bob.id]


def test_a_removed_interaction_comes_back_exactly(kb: Kithbook) -> None:
    me, (nadia, _, _) = _book(kb)
    before = dump(kb, me)
    [coffee] = kb.book.show_contact(me, nadia).timeline
    removed = kb.book.delete_interaction(me, coffee.id)
    assert dump(kb, me) != before
    assert [e.label for e in kb.book.undoable(me)] == [
        f"the met of {coffee.occurred_on.isoformat()} with Nadia Petrova"]
    kb.book.undo(me, removed.undo_id)
    assert dump(kb, me) == before
    assert kb.book.undoable(me) == []
    with pytest.raises(NotFound, match="undone already"):
        kb.book.undo(me, removed.undo_id)


def test_a_merge_is_undone_exactly(kb: Kithbook) -> None:
    me, (nadia, twin, bob) = _book(kb)
    before = dump(kb, me)
    merged = kb.transfer.merge_contacts(me, nadia, [twin], take={"role": twin})
    assert len(dump(kb, me)["contacts"]) == 2
    kb.book.undo(me, merged.undo_id)
    assert dump(kb, me) == before
    assert kb.book.contact_photo(me, twin).data == GIF
    # The undone book works as before: the twin can be edited and logged with again.
    kb.book.log_interaction(me, [twin, bob], Kind.MET, Direction.MUTUAL, kb.clock.today())
    assert kb.book.show_contact(me, twin).interaction_count == 3


def test_a_removed_contact_comes_back_exactly(kb: Kithbook) -> None:
    me, (_, twin, _) = _book(kb)
    before = dump(kb, me)
    removed = kb.book.delete_contact(me, twin, exact=True)
    assert removed.orphans == 1  # the talk with the twin alone; the advice stays with Bob
    gone = dump(kb, me)
    assert len(gone["contacts"]) == 2 and gone != before
    assert [e.label for e in kb.book.undoable(me)][0] == "the removal of Nadia Petrova"
    kb.book.undo(me, removed.undo_id)
    assert dump(kb, me) == before
    assert kb.book.contact_photo(me, twin).data == GIF
    assert [c.name for c, _ in kb.book.show_contact(me, twin).knows] == ["Bob Stone"]
    # The book works as before: the contact is found, edited and logged with again.
    kb.book.log_interaction(me, [twin], Kind.MET, Direction.MUTUAL, kb.clock.today())
    assert kb.book.show_contact(me, twin).interaction_count == 3
    assert kb.book.list_contacts(me, ContactQuery(text="CTO")).items[0].contact.id == twin


def test_a_removed_contact_comes_back_without_what_was_removed_since(kb: Kithbook) -> None:
    me, (_, twin, bob) = _book(kb)
    removed = kb.book.delete_contact(me, twin, exact=True)
    [advice] = kb.book.show_contact(me, bob).timeline  # shared with the twin, now Bob's alone
    kb.book.delete_interaction(me, advice.id)
    kb.book.delete_contact(me, bob, exact=True)
    kb.book.undo(me, removed.undo_id)
    back = kb.book.show_contact(me, twin)
    assert [i.kind for i in back.timeline] == [Kind.TALKED]  # the advice stays removed
    assert back.knows == []  # Bob stays removed
    assert kb.book.show_contact(me, twin).contact.role == "CTO"


def test_a_merge_is_not_undone_over_a_later_change(kb: Kithbook) -> None:
    me, (nadia, twin, _) = _book(kb)
    merged = kb.transfer.merge_contacts(me, nadia, [twin])
    kb.book.log_interaction(me, [nadia], Kind.TALKED, Direction.MUTUAL, kb.clock.today())
    after = dump(kb, me)
    with pytest.raises(Conflict, match="would lose that"):
        kb.book.undo(me, merged.undo_id)
    assert dump(kb, me) == after


def test_an_interaction_whose_contact_left_is_not_put_back(kb: Kithbook) -> None:
    me, (nadia, _, _) = _book(kb)
    [coffee] = kb.book.show_contact(me, nadia).timeline
    removed = kb.book.delete_interaction(me, coffee.id)
    kb.book.delete_contact(me, nadia, exact=True)
    after = dump(kb, me)
    with pytest.raises(Conflict, match="was removed from the book since"):
        kb.book.undo(me, removed.undo_id)
    assert dump(kb, me) == after


def test_nobody_else_can_undo_and_old_entries_are_purged(kb: Kithbook,
                                                         clock: FixedClock) -> None:
    me, (nadia, _, _) = _book(kb)
    other = Member(id=MemberId(new_id()), name="Eve", created_at=kb.clock.now())
    with kb.uow() as uow:
        uow.members.add(other)
        uow.commit()
    [coffee] = kb.book.show_contact(me, nadia).timeline
    removed = kb.book.delete_interaction(me, coffee.id)
    with pytest.raises(NotFound):
        kb.book.undo(other.id, removed.undo_id)
    assert kb.book.undoable(other.id) == []
    clock.advance(KEEP_FOR.days + 0.01)
    with pytest.raises(NotFound, match="older than 30 days"):
        kb.book.undo(me, removed.undo_id)


def test_an_interaction_is_edited_and_the_ties_follow(kb: Kithbook) -> None:
    me, (nadia, twin, bob) = _book(kb)
    [coffee] = kb.book.show_contact(me, nadia).timeline
    today = kb.clock.today()
    edited = kb.book.edit_interaction(me, coffee.id, InteractionChange(
        kind=Kind.HELP, direction=Direction.RECEIVED, occurred_on=today, note="",
        contacts=[nadia, "Bob"]))
    assert (edited.kind, edited.direction, edited.occurred_on, edited.note) == (
        Kind.HELP, Direction.RECEIVED, today, None)
    assert set(edited.contact_ids) == {nadia, bob}
    assert kb.book.show_contact(me, bob).interaction_count == 2
    assert kb.book.show_contact(me, nadia).tie.last_interaction_on == today
    with pytest.raises(Conflict, match="changed since you opened it"):
        kb.book.edit_interaction(me, coffee.id, InteractionChange(note="late"),
                                 expected_version=coffee.version)
    assert kb.book.get_interaction(me, coffee.id)[0].note is None
