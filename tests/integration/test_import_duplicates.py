"""A record that is likely someone already in the book: merged into them, kept beside,
or skipped, as the member chooses per record; a dry run shows each choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import_services import DATA

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.services.imports import DuplicateChoice
from kithbook.services.ports import ContactQuery
from stored_rows import every_row as dump

FILE = DATA / "duplicates_choice.vcf"
MERGE, KEEP, SKIP = DuplicateChoice.MERGE, DuplicateChoice.KEEP, DuplicateChoice.SKIP


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    kb.book.add_contact(member.id, ContactFields(
        name="Ada King", emails=[Labeled("ada@analytical.example")], role="Countess",
        tags=["math"]))
    kb.book.add_contact(member.id, ContactFields(
        name="Charles Babbage", emails=[Labeled("charles@difference.example")]))
    return member


def _names(kb: Kithbook, me: Member) -> list[str]:
    return sorted(i.contact.name for i in kb.book.list_contacts(me.id,
                                                                ContactQuery(limit=100)).items)


def test_each_record_is_merged_kept_or_skipped_as_chosen(kb: Kithbook, me: Member,
                                                         database_url: str) -> None:
    before = dump(database_url)
    preview = kb.transfer.import_file(me.id, FILE, dry_run=True, choices={1: MERGE, 2: SKIP},
                                      duplicates=KEEP)
    assert dump(database_url) == before
    shown = [(d.record, d.name, d.choice, d.into is not None)
             for d in preview.duplicate_records]
    # Mary S. matches Mary Somerville of the same file: nothing in the book to merge into.
    assert shown == [(1, "Ada Lovelace", MERGE, True), (2, "Charles Babbage", SKIP, True),
                     (4, "Mary S.", KEEP, False)]
    assert (preview.contacts_merged, preview.contacts_skipped, preview.contacts_added) == \
        (1, 1, 2)

    report = kb.transfer.import_file(me.id, FILE, choices={1: MERGE, 2: SKIP}, duplicates=KEEP)
    assert (report.contacts_merged, report.contacts_skipped, report.contacts_added) == \
        (1, 1, 2)
    assert _names(kb, me) == ["Ada King", "Charles Babbage", "Mary S.", "Mary Somerville"]
    ada = kb.book.show_contact(me.id, "Ada King")
    # The book's values stay; what the file adds fills what the contact lacked.
    assert ada.contact.role == "Countess" and ada.contact.organization == "Analytical Engines"
    assert [p.value for p in ada.contact.phones] == ["+442079460018"]
    assert ada.contact.tags == ["math", "mentor"]
    assert [d.iso for d in ada.dates] == ["1815-12-10"]
    assert kb.book.show_contact(me.id, "Charles").contact.organization is None  # skipped


def test_a_choice_for_every_record_at_once(kb: Kithbook, me: Member) -> None:
    """The default covers records without their own choice; merge falls back to keeping
    a record whose match is only another record of the same file."""
    report = kb.transfer.import_file(me.id, FILE, duplicates=MERGE)
    assert (report.contacts_merged, report.contacts_added) == (2, 2)
    assert _names(kb, me) == ["Ada King", "Charles Babbage", "Mary S.", "Mary Somerville"]
    assert kb.book.show_contact(me.id, "Charles").contact.organization == "Difference Engines"
    skipped = kb.transfer.import_file(me.id, FILE, duplicates=SKIP)
    assert skipped.contacts_added == 0 and skipped.contacts_skipped + \
        skipped.contacts_unchanged == 4


def test_a_merge_that_would_overfill_the_contact_keeps_the_record_beside(
        kb: Kithbook, me: Member, tmp_path: Path) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Ada Byron", emails=[
        Labeled(f"byron{n}@example.org") for n in range(30)]))
    many = "".join(f"EMAIL:ada{n}@example.org\n" for n in range(30))
    card = tmp_path / "many.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada Byron\nEMAIL:byron0@example.org\n"
                    f"{many}END:VCARD\n", encoding="utf-8")
    report = kb.transfer.import_file(me.id, card, duplicates=MERGE)
    assert (report.contacts_merged, report.contacts_added) == (0, 1)
    [warning] = [w for w in report.warnings if "could not be merged" in w.message]
    assert "into Ada Byron" in warning.message and "60 emails" in warning.message
    assert "added as a contact of its own" in warning.message


def test_calendar_attendees_not_in_the_book_are_offered_and_added_only_when_picked(
        kb: Kithbook, me: Member) -> None:
    calendar = DATA / "calendar.ics"
    kb.book.add_contact(me.id, ContactFields(name="Grace Hopper",
                                             emails=[Labeled("grace@navy.example")]))
    preview = kb.transfer.import_file(me.id, calendar, dry_run=True)
    offered = [(p.email.casefold(), p.name, p.events, p.added) for p in preview.new_people]
    # Rooms and shared calendars are not people (Ada is in the book); nobody is added
    # unasked.
    assert offered == [("jose@globex.example", "José Núñez", 3, False),
                       ("kenji@example.jp", "Kenji", 1, False),
                       ("marie@radium.example", "Marie Curie", 1, False),
                       ("soren@example.dk", "Søren Kierkegaard", 1, False)]
    assert preview.new_people_count == 4 and preview.contacts_added == 0

    report = kb.transfer.import_file(me.id, calendar, add_people=["Jose@Globex.example",
                                                                  "nobody@example.org"])
    assert report.contacts_added == 1
    assert [p.email for p in report.new_people if p.added] == ["Jose@globex.example"]
    jose = kb.book.show_contact(me.id, "José")
    assert jose.contact.emails[0].value == "jose@globex.example"
    assert len(jose.timeline) == 3
    assert _names(kb, me) == ["Ada King", "Charles Babbage", "Grace Hopper", "José Núñez"]
    [warning] = [w for w in report.warnings if "nobody@example.org" in w.message]
    assert "nobody was added for it" in warning.message


def test_attendees_of_events_imported_before_are_offered_again_and_join_those_events(
        kb: Kithbook, me: Member, database_url: str) -> None:
    """Importing the calendar again is how a member adds someone left out the first
    time: they are offered from every event of the window, and once picked they join the
    events already in the book (no event is imported twice)."""
    calendar = DATA / "calendar.ics"
    kb.book.add_contact(me.id, ContactFields(name="Grace Hopper",
                                             emails=[Labeled("grace@navy.example")]))
    first = kb.transfer.import_file(me.id, calendar)
    assert first.interactions_added > 0 and first.contacts_added == 0

    before = dump(database_url)
    again = kb.transfer.import_file(me.id, calendar, dry_run=True)
    assert dump(database_url) == before
    assert again.interactions_added == 0
    assert again.events_already_imported == first.interactions_added
    assert [(p.email.casefold(), p.events) for p in again.new_people] == [
        ("jose@globex.example", 3), ("kenji@example.jp", 1), ("marie@radium.example", 1),
        ("soren@example.dk", 1)]

    report = kb.transfer.import_file(me.id, calendar, add_people=["marie@radium.example"])
    assert (report.contacts_added, report.interactions_added) == (1, 0)
    marie = kb.book.show_contact(me.id, "Marie Curie")
    assert len(marie.timeline) == 1  # the event imported the first time, now with her
    grace = kb.book.show_contact(me.id, "Grace Hopper")
    shared = [i for i in grace.timeline if marie.contact.id in i.contact_ids]
    assert len(shared) == len(marie.timeline)
    assert kb.transfer.import_file(me.id, calendar).interactions_added == 0  # still imported once
