"""Important dates and what files carry beside them, through import, page and export."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.digest import digest_text
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.domain.members import Member
from kithbook.services.book import TieFields
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
FILES = ("important_dates.vcf", "outlook_faxes.csv", "apple_labels.vcf", "odd_phones.vcf",
         "google_dates.csv", "linkedin_connections.csv", "photos.vcf")


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


def _export(kb: Kithbook, member: Member, format: ExportFormat) -> str:
    out = io.StringIO(newline="")
    kb.transfer.export_book(member.id, format, out)
    return out.getvalue()


def _contact(kb: Kithbook, member: Member, name: str):  # type: ignore[no-untyped-def]
    (found,) = [c.contact for c in kb.book.list_contacts(member.id, ContactQuery(text=name)).items
                if c.contact.name == name]
    return kb.book.get_contact(member.id, found.id)


def test_imported_dates_are_on_the_contact_page_and_merged_together(
        kb: Kithbook, me: Member) -> None:
    report = kb.transfer.import_file(me.id, DATA / "important_dates.vcf")
    assert report.dates_added == 8
    ada = _contact(kb, me, "Ada Lovelace")
    assert ada.dates[0] == ImportantDate(DateKind.BIRTHDAY, 12, 10, 1815)
    assert _contact(kb, me, "Early Person").dates == [
        ImportantDate(DateKind.BIRTHDAY, 1, 1, 1)]
    twin = kb.book.add_contact(me.id, ContactFields(name="Ada L."), TieFields())
    kb.transfer.merge_contacts(me.id, twin.id, [ada.contact.id])
    assert kb.book.get_contact(me.id, twin.id).dates == ada.dates


def test_json_export_into_an_empty_book_exports_the_same_bytes(
        kb: Kithbook, me: Member, tmp_path: Path, database_url: str,
        request: pytest.FixtureRequest) -> None:
    for name in FILES:
        kb.transfer.import_file(me.id, DATA / name)
    first = _export(kb, me, ExportFormat.JSON)
    assert '"kind": "birthday"' in first and '"label": "Lab Bench"' in first
    assert first.count('"media_type": "image/') == 3
    path = tmp_path / "book.json"
    path.write_text(first, encoding="utf-8")
    empty = bootstrap(Settings(database_url=_fresh(database_url, tmp_path, request)),
                      clock=kb.clock)
    try:
        report = empty.transfer.import_file(None, path)
        assert report.dates_added == 12
        owner = empty.book.local_member()
        assert _export(empty, owner, ExportFormat.JSON) == first
    finally:
        empty.close()


def test_vcard_export_into_an_empty_book_exports_the_same_cards(
        kb: Kithbook, me: Member, tmp_path: Path, database_url: str,
        request: pytest.FixtureRequest) -> None:
    for name in FILES:
        kb.transfer.import_file(me.id, DATA / name)
    first = _export(kb, me, ExportFormat.VCARD)
    assert "BDAY:18151210\r\n" in first and "BDAY:--0229\r\n" in first
    assert "TEL;VALUE=uri;TYPE=work,fax:tel:+97289342222\r\n" in first
    assert "item1.X-ABLabel:Lab Bench\r\n" in first
    assert "TEL;VALUE=text;TYPE=work:BusinessPhone\r\n" in first
    assert "X-KITHBOOK-STARTED-ON:" in first  # LinkedIn's "Connected On"
    assert first.count("PHOTO:data:image/") == 3
    path = tmp_path / "contacts.vcf"
    path.write_text(first, encoding="utf-8", newline="")
    empty = bootstrap(Settings(database_url=_fresh(database_url, tmp_path, request)),
                      clock=kb.clock)
    try:
        owner, _ = empty.book.init_local_member("Sam")
        report = empty.transfer.import_file(owner.id, path)
        assert report.warning_count == 5  # the phones kept as written, said again
        again = _export(empty, owner, ExportFormat.VCARD)
    finally:
        empty.close()
    # Only the ids differ: a new book gives new ones.
    assert _without_ids(again) == _without_ids(first)


def _without_ids(cards: str) -> list[str]:
    return sorted(re.sub(r"UID:urn:kithbook:\w+\r\n", "", card)
                  for card in cards.split("END:VCARD\r\n"))


def _fresh(url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty book: a new SQLite file, or the test's PostgreSQL schema emptied (what the
    first book holds was exported before)."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'empty.sqlite'}"
    request.getfixturevalue("empty_postgres")()
    return url


def test_phone_labels_and_faxes_are_kept(kb: Kithbook, me: Member) -> None:
    kb.transfer.import_file(me.id, DATA / "outlook_faxes.csv")
    ada = _contact(kb, me, "Ada Yonath").contact
    assert ada.phones == [Labeled("+97289341111", "work"), Labeled("+97289342222", "work fax"),
                          Labeled("+97289343333", "home fax")]


def test_the_digest_says_whose_birthday_comes_this_week(kb: Kithbook, me: Member,
                                                        tmp_path: Path) -> None:
    # The test clock's today is Monday 15 June 2026.
    path = tmp_path / "friends.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nBDAY:--0618\r\n"
                    "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\n"
                    "BDAY:1912-06-23\r\nEND:VCARD\r\n", encoding="utf-8")
    kb.transfer.import_file(me.id, path)
    digest = kb.depth.digest(me.id)
    assert [u.text(digest.week_of) for u in digest.dates] == [
        "Ada Lovelace's birthday is on Thursday"]
    assert digest_text(digest).endswith(
        "Coming up this week:\n1. Ada Lovelace's birthday is on Thursday.")
