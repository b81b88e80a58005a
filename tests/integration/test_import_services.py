"""Importing, exporting, merging and erasing on both databases, through `Kithbook`."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.io.detect import Format
from kithbook.services.book import TieFields
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from stored_rows import every_row

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


# The server's own secrets (the key for path handles): no member's data, kept on purpose.
SERVER_TABLES = {"server_keys"}



def export(kb: Kithbook, member: Member, format: ExportFormat = ExportFormat.JSON) -> str:
    out = io.StringIO(newline="")
    kb.transfer.export_book(member.id, format, out)
    return out.getvalue()


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


@pytest.mark.parametrize(("file", "format", "count"), [
    ("linkedin_connections.csv", Format.LINKEDIN, None),
    ("contacts_v4.vcf", Format.VCARD, 2),
    ("iphone_v3.vcf", Format.VCARD, 3),
    ("google_contacts.csv", Format.GOOGLE_CSV, None),
    ("google_legacy.csv", Format.GOOGLE_CSV, None),
    ("outlook_contacts.csv", Format.OUTLOOK_CSV, None),
])
def test_each_contacts_format_lands_in_the_book(kb: Kithbook, me: Member, file: str,
                                                format: Format, count: int | None) -> None:
    report = kb.transfer.import_file(me.id, DATA / file)
    assert report.format is format and not report.dry_run
    assert report.contacts_added >= 1
    if count is not None:
        assert report.contacts_added == count
    listed = kb.book.list_contacts(me.id, _all())
    assert listed.total == report.contacts_added
    again = kb.transfer.import_file(me.id, DATA / file)
    assert again.contacts_added == 0 and again.contacts_unchanged == report.contacts_added


def test_linkedin_connection_date_starts_the_relationship(kb: Kithbook, me: Member) -> None:
    kb.transfer.import_file(me.id, DATA / "linkedin_connections.csv")
    ada = kb.book.show_contact(me.id, "Ada Lovelace")
    assert ada.contact.organization == "Analytical Engines"
    assert ada.tie.started_on == date(2024, 1, 15)


def test_a_dry_run_reports_and_writes_nothing(kb: Kithbook, me: Member,
                                              database_url: str) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Ada L.", emails=[Labeled(
        "ada@analytical.example")]))
    before = every_row(database_url)
    seen: list[tuple[int, int | None]] = []
    report = kb.transfer.import_file(me.id, DATA / "linkedin_connections.csv", dry_run=True,
                                     progress=lambda done, total: seen.append((done, total)))
    assert report.dry_run and report.contacts_added >= 1
    assert "Ada Lovelace" in report.new_names
    ada = next(d for d in report.duplicates if d.name == "Ada Lovelace")
    assert ada.other_name == "Ada L." and ada.reasons == ("same email ada@analytical.example",)
    assert seen and seen[-1] == (report.read, report.read)
    assert every_row(database_url) == before


def test_calendar_meetings_become_met_interactions_once(kb: Kithbook, me: Member) -> None:
    for name, email in (("Grace Hopper", "grace@navy.example"),
                        ("José Núñez", "jose@globex.example"),
                        ("Marie Curie", "marie@radium.example")):
        kb.book.add_contact(me.id, ContactFields(name=name, emails=[Labeled(email)]))
    preview = kb.transfer.import_file(me.id, DATA / "calendar.ics", dry_run=True)
    assert preview.interactions_added > 0 and preview.events
    report = kb.transfer.import_file(me.id, DATA / "calendar.ics")
    assert report.interactions_added == preview.interactions_added
    grace = kb.book.show_contact(me.id, "Grace")
    assert grace.interaction_count >= 2
    assert all(i.kind is Kind.MET and i.source for i in grace.timeline)
    assert all(i.occurred_on <= kb.clock.today() for i in grace.timeline)
    assert grace.tie.last_interaction_on == max(i.occurred_on for i in grace.timeline)
    again = kb.transfer.import_file(me.id, DATA / "calendar.ics")
    assert again.interactions_added == 0
    assert again.events_already_imported == report.interactions_added
    assert kb.book.show_contact(me.id, "Grace").interaction_count == grace.interaction_count


def _rich_book(kb: Kithbook, me: Member) -> None:
    kb.transfer.import_file(me.id, DATA / "iphone_v3.vcf")
    kb.transfer.import_file(me.id, DATA / "linkedin_connections.csv")
    ada = kb.book.add_contact(me.id, ContactFields(
        name="Ada Byron", emails=[Labeled("ada@analytical.example", "home")],
        tags=["mentor"], notes="second entry"), TieFields(stated_trust=4, cadence_days=30))
    kb.book.log_interaction(me.id, [ada.id, "Grace"], Kind.ADVICE, Direction.RECEIVED,
                            date(2026, 5, 1), "pricing")
    kb.book.set_contact_policy(me.id, ada.id, PolicyChange(
        visibility=Visibility.NAMED, ask_rule=AskRule.TRUSTED, ask_min_trust=3,
        welcomes="founders"))


def test_json_round_trip_is_byte_identical(kb: Kithbook, me: Member, tmp_path: Path,
                                           database_url: str) -> None:
    _rich_book(kb, me)
    first = export(kb, me)
    path = tmp_path / "book.json"
    path.write_text(first, encoding="utf-8")
    kb.transfer.delete_account(me.id)
    assert all(rows == [] for name, rows in every_row(database_url).items()
               if name not in SERVER_TABLES)
    report = kb.transfer.import_file(None, path)
    assert report.member_created and report.owner == me.id
    assert export(kb, me) == first


def test_json_into_another_book_gets_fresh_ids_where_taken(kb: Kithbook, me: Member,
                                                           tmp_path: Path) -> None:
    _rich_book(kb, me)
    path = tmp_path / "book.json"
    path.write_text(export(kb, me), encoding="utf-8")
    report = kb.transfer.import_file(me.id, path)
    assert report.contacts_added == kb.book.list_contacts(me.id, _all()).total // 2
    assert report.duplicate_count > 0 and report.interactions_added == 1


@pytest.mark.parametrize(("name", "content", "message"), [
    ("cut.csv", "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
     "Ada,L,,ada@x.org,A,B,01 Jan 2024\nBob,S,,\"bob@x.org,A,B,01 Jan 2024\n", "line 3"),
    ("formula.csv", "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
     "Ada,L,,,A,B,01 Jan 2024\n=HYPERLINK(\"x\"),S,,,A,B,01 Jan 2024\n", "line 3"),
    ("cut.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n"
     "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\n", "card 2"),
    ("book.json", '{"format": "kithbook", "version": 1, "member": 3}', "member"),
    ("notes.txt", "hello, world\n", "cannot tell what kind of file"),
])
def test_a_hostile_file_is_refused_whole_and_nothing_is_written(
        kb: Kithbook, me: Member, tmp_path: Path, database_url: str, name: str, content: str,
        message: str) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Existing Person"))
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = every_row(database_url)
    with pytest.raises(InvalidInput, match=message):
        kb.transfer.import_file(me.id, path)
    assert every_row(database_url) == before


def test_an_error_after_many_batches_rolls_back_them_all(kb: Kithbook, me: Member,
                                                         tmp_path: Path,
                                                         database_url: str) -> None:
    rows = [f"P{i},Q,,p{i}@example.org,Acme,Eng,01 Jan 2024" for i in range(12_000)]
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    + "\n".join(rows) + "\nLast,One,,=cmd|calc,Acme,Eng,01 Jan 2024\n",
                    encoding="utf-8")
    before = every_row(database_url)
    with pytest.raises(InvalidInput, match="line 12002"):
        kb.transfer.import_file(me.id, path)
    assert every_row(database_url) == before


def test_oddities_are_imported_with_warnings_and_the_report_lists_them(
        kb: Kithbook, me: Member) -> None:
    preview = kb.transfer.import_file(me.id, DATA / "odd_phones.vcf", dry_run=True)
    assert (preview.contacts_added, preview.warning_count) == (2, 5)
    report = kb.transfer.import_file(me.id, DATA / "odd_phones.vcf")
    assert (report.contacts_added, report.warning_count) == (2, 5)
    assert [w.where for w in report.warnings] == (
        ["odd_phones.vcf, card 1 (Fiona Walsh) at line 1"]
        + ["odd_phones.vcf, card 2 (Budi Santoso) at line 10"] * 4)
    assert report.warnings[0].message.startswith("the phone 'BusinessPhone' is not a number")
    fiona = kb.book.list_contacts(me.id, ContactQuery(text="Fiona")).items[0].contact
    assert fiona.phones == [Labeled("+447700900123", "mobile"),
                            Labeled("BusinessPhone", "work")]
    # Editing the contact keeps the phone kept as written; a new unreadable one is refused.
    edited = kb.book.edit_contact(me.id, fiona.id, ContactFields(
        phones=[*fiona.phones, Labeled("+1 202 555 0143")]), TieFields())
    assert [p.value for p in edited.phones] == ["+447700900123", "BusinessPhone",
                                                "+12025550143"]
    with pytest.raises(InvalidInput, match="'pager' is not a phone number"):
        kb.book.edit_contact(me.id, fiona.id, ContactFields(phones=[Labeled("pager")]),
                             TieFields())


def test_a_calendar_window_is_chosen_with_since(kb: Kithbook, me: Member) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Grace Hopper",
                                             emails=[Labeled("grace@navy.example")]))
    default = kb.transfer.import_file(me.id, DATA / "exception_periods.ics", dry_run=True)
    assert default.warning_count == 1 and "1 event(s) have no date" in default.warnings[0].message
    wide = kb.transfer.import_file(me.id, DATA / "exception_periods.ics", since=date(2000, 1, 1))
    assert wide.warning_count == 0
    assert wide.interactions_added == 6
    assert date(2001, 1, 5) in {e.occurred_on for e in wide.events}


def test_duplicates_are_found_and_merging_keeps_every_interaction(kb: Kithbook,
                                                                  me: Member) -> None:
    _rich_book(kb, me)
    sets = kb.transfer.list_duplicates(me.id)
    pair = next(s for s in sets if {c.name for c in s.contacts} >= {"Ada Byron",
                                                                     "Ada Lovelace"})
    assert any(e.detail == "ada@analytical.example" for e in pair.evidence)
    lovelace = next(c for c in pair.contacts if c.name == "Ada Lovelace")
    byron = next(c for c in pair.contacts if c.name == "Ada Byron")
    kb.book.log_interaction(me.id, [lovelace.id], Kind.MET, Direction.MUTUAL, date(2026, 6, 1))
    before = {i.id for c in (lovelace, byron)
              for i in kb.book.get_contact(me.id, c.id).timeline}
    result = kb.transfer.merge_contacts(me.id, lovelace.id, [byron.id], take={"name": byron.id})
    merged = kb.book.get_contact(me.id, lovelace.id)
    assert merged.contact.name == "Ada Byron" and merged.contact.tags == ["mentor"]
    assert {i.id for i in merged.timeline} == before
    assert result.interaction_count == len(before) == merged.tie.interaction_count
    assert merged.tie.last_interaction_on == date(2026, 6, 1)
    assert merged.tie.stated_trust == 4 and merged.tie.policy is not None
    assert merged.contact.notes is not None and merged.contact.notes.endswith("second entry")
    with pytest.raises(Exception, match="no contact"):
        kb.book.get_contact(me.id, byron.id)


def test_erasure_removes_the_person_and_reports_it(kb: Kithbook, me: Member) -> None:
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada", emails=[Labeled("ada@x.org")]))
    twin = kb.book.add_contact(me.id, ContactFields(name="Ada (work)", emails=[
        Labeled("Ada@X.org")], phones=[Labeled("+44 20 7946 0958")]))
    bob = kb.book.add_contact(me.id, ContactFields(name="Bob"))
    kb.book.log_interaction(me.id, [ada.id], Kind.MET, Direction.MUTUAL, date(2026, 1, 1))
    kb.book.log_interaction(me.id, [ada.id, bob.id], Kind.MET, Direction.MUTUAL, date(2026, 2, 1))
    report = kb.transfer.erase_person(me.id, email="ADA@x.org")
    assert len(report.contacts) == 2
    assert report.interactions_removed == 1 and report.interactions_kept == 1
    assert [c.contact.name for c in kb.book.list_contacts(me.id, _all()).items] == ["Bob"]
    assert kb.book.show_contact(me.id, "Bob").interaction_count == 1
    assert kb.transfer.erase_person(me.id, phone="+442079460958").contacts == ()
    del twin


def test_exports_as_vcard_and_csv_read_back(kb: Kithbook, me: Member, tmp_path: Path) -> None:
    _rich_book(kb, me)
    total = kb.book.list_contacts(me.id, _all()).total
    for format, suffix in ((ExportFormat.VCARD, ".vcf"), (ExportFormat.CSV, ".csv")):
        text = export(kb, me, format)
        assert text.count("BEGIN:VCARD") == total if format is ExportFormat.VCARD else True
        assert "'+" in text if format is ExportFormat.CSV else "VERSION:4.0" in text
        path = tmp_path / f"out{suffix}"
        path.write_text(text, encoding="utf-8", newline="")
        if format is ExportFormat.VCARD:
            other = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'v.sqlite'}"))
            try:
                someone, _ = other.book.init_local_member("X")
                assert other.transfer.import_file(someone.id, path).contacts_added == total
            finally:
                other.close()


def test_delete_account_removes_everything_of_the_member(kb: Kithbook, me: Member,
                                                         database_url: str) -> None:
    _rich_book(kb, me)
    report = kb.transfer.delete_account(me.id)
    assert report.contacts > 0 and report.interactions == 1
    assert all(rows == [] for name, rows in every_row(database_url).items()
               if name not in SERVER_TABLES)


def _all() -> ContactQuery:
    return ContactQuery(limit=1000)


def test_a_large_import_on_sqlite_indexes_every_contact_and_keeps_the_triggers(
        sqlite_kb: Kithbook, sqlite_url: str, tmp_path: Path) -> None:
    me, _ = sqlite_kb.book.init_local_member("Sam")
    engine = create_engine(sqlite_url)
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    version = "SELECT version FROM network_versions WHERE owner_id = :owner"
    with engine.connect() as connection:
        before = list(connection.execute(text(triggers)))
        first = connection.execute(text(version), {"owner": me.id}).scalar_one()
    rows = [f"Person{i},Quill{i},,p{i}@example.org,Acme,Eng,01 Jan 2024" for i in range(800)]
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    assert sqlite_kb.transfer.import_file(me.id, path).contacts_added == 800
    with engine.connect() as connection:
        assert list(connection.execute(text(triggers))) == before
        assert connection.execute(text(version), {"owner": me.id}).scalar_one() > first
    engine.dispose()
    # The search index holds every imported contact, first and last alike.
    for word in ("Quill0", "Quill799"):
        (found,) = sqlite_kb.book.list_contacts(me.id, ContactQuery(text=word)).items
        assert found.contact.name.endswith(word)
    # The triggers work again for the next contact added by hand.
    sqlite_kb.book.add_contact(me.id, ContactFields(name="Zebulon Handmade"), TieFields())
    assert sqlite_kb.book.list_contacts(me.id, ContactQuery(text="Zebulon")).items
