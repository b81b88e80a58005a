import io
import zipfile
from pathlib import Path

import pytest

from kithbook.domain.errors import InvalidInput
from kithbook.io.detect import Format, detect_format, open_import
from kithbook.io.linkedin import read_linkedin
from kithbook.io.readers import read_contacts

DATA = Path(__file__).parents[2] / "data" / "import"


@pytest.mark.parametrize(("filename", "expected"), [
    ("linkedin_connections.csv", Format.LINKEDIN),
    ("iphone_v3.vcf", Format.VCARD),
    ("contacts_v4.vcf", Format.VCARD),
    ("google_contacts.csv", Format.GOOGLE_CSV),
    ("google_legacy.csv", Format.GOOGLE_CSV),
    ("outlook_contacts.csv", Format.OUTLOOK_CSV),
    ("calendar.ics", Format.ICS),
])
def test_format_is_recognized_by_content(filename: str, expected: Format) -> None:
    assert detect_format((DATA / filename).read_bytes(), name="renamed.txt") is expected


def test_kithbook_json_is_recognized() -> None:
    assert detect_format(b'{\n  "format": "kithbook",\n  "version": 1', name="x") \
        is Format.KITHBOOK_JSON


def test_unknown_content_gets_a_message_listing_what_is_read() -> None:
    with pytest.raises(InvalidInput, match="cannot tell what kind of file"):
        detect_format(b"just some words\n", name="notes.txt")


def _export_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def test_linkedin_export_zip_yields_its_connections(tmp_path: Path) -> None:
    connections = (DATA / "linkedin_connections.csv").read_bytes()
    archive = _export_zip(tmp_path / "Basic_LinkedInDataExport_01-15-2024.zip", {
        "Profile.csv": b"First Name,Last Name\nMe,Myself\n",
        "Connections.csv": connections,
        "messages.csv": b"FROM,TO\n",
    })
    with open_import(archive) as (found, stream, name):
        assert found is Format.LINKEDIN
        contacts = list(read_linkedin(stream, name=name))
    assert len(contacts) == 5
    assert contacts[0].where.startswith("Basic_LinkedInDataExport_01-15-2024.zip:Connections.csv")


def test_zip_without_connections_says_what_to_export(tmp_path: Path) -> None:
    archive = _export_zip(tmp_path / "export.zip", {"Profile.csv": b"a,b\n"})
    with pytest.raises(InvalidInput, match="holds no Connections.csv"), open_import(archive):
        pass


def test_plain_file_is_opened_as_is(tmp_path: Path) -> None:
    with open_import(DATA / "calendar.ics") as (found, stream, name):
        assert (found, name) == (Format.ICS, "calendar.ics")
        assert stream.read(15) == b"BEGIN:VCALENDAR"


def test_format_override_wins_over_detection() -> None:
    with open_import(DATA / "google_contacts.csv", format=Format.OUTLOOK_CSV) as (found, _, _):
        assert found is Format.OUTLOOK_CSV


def test_damaged_zip_is_a_clear_error(tmp_path: Path) -> None:
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("Connections.csv", b"x" * 1000)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.getvalue()[:200])
    with pytest.raises(InvalidInput, match="zip archive is damaged"), open_import(broken):
        pass


@pytest.mark.parametrize(("filename", "count"), [
    ("linkedin_connections.csv", 5), ("iphone_v3.vcf", 3), ("contacts_v4.vcf", 2),
    ("google_contacts.csv", 4), ("google_legacy.csv", 2), ("outlook_contacts.csv", 2),
])
def test_any_contacts_file_is_read_by_detected_format(filename: str, count: int) -> None:
    with open_import(DATA / filename) as (found, stream, name):
        contacts = list(read_contacts(stream, found, name=name))
    assert len(contacts) == count
    assert all(c.where.startswith(filename) for c in contacts)


def test_a_calendar_is_not_read_as_contacts() -> None:
    with pytest.raises(InvalidInput, match="holds no contacts"), \
            open_import(DATA / "calendar.ics") as (found, stream, name):
        list(read_contacts(stream, found, name=name))
