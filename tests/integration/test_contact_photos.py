"""Photos of vCards (2.1, 3.0 and 4.0 forms) kept with the contact, checked by their
bytes, capped in size, shown, and exported back; what cannot be kept is warned about."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from test_import_services import DATA, export

from community_members import add_member
from kithbook.domain.members import Member
from kithbook.domain.photos import MAX_PHOTO_BYTES
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook

FILE = DATA / "photos.vcf"


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


def _photo(kb: Kithbook, me: Member, name: str) -> tuple[str, bytes] | None:
    view = kb.book.show_contact(me.id, name)
    if not view.photo:
        return None
    photo = kb.book.contact_photo(me.id, view.contact.id)
    return photo.media_type, photo.data


def test_each_vcard_form_of_a_photo_is_kept_and_the_rest_warned_about(
        kb: Kithbook, me: Member) -> None:
    report = kb.transfer.import_file(me.id, FILE)
    assert report.contacts_added == 6
    assert (report.photos_kept, report.photos_not_kept) == (3, 3)
    aiko = _photo(kb, me, "Aiko")  # vCard 2.1: ENCODING=BASE64;JPEG, folded, blank line
    assert aiko is not None and aiko[0] == "image/jpeg" and aiko[1].endswith(b"\xff\xd9")
    assert kb.book.show_contact(me.id, "Aiko").contact.emails[0].value == "aiko@example.jp"
    bola = _photo(kb, me, "Bola")  # vCard 3.0: ENCODING=b;TYPE=PNG, folded
    assert bola is not None and bola[0] == "image/png" and bola[1].startswith(b"\x89PNG")
    assert _photo(kb, me, "Chen") == ("image/gif", base64.b64decode(
        "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="))  # 4.0 data: URI
    for name in ("Dana", "Eve", "Femi"):
        assert _photo(kb, me, name) is None
    said = {w.where.split("(")[-1].split(")")[0]: w.message for w in report.warnings}
    assert said["Dana Link"] == (
        "the photo is a link (https://photos.example.org/dana.jpg); Kithbook does not fetch "
        "pictures from the web, so it is left out. Save the picture into the card to "
        "import it.")
    assert said["Eve Script"] == ("the photo is not a JPEG, PNG, GIF or WebP picture; it is "
                                  "left out.")
    assert said["Femi Cut"] == ("the photo is not valid base64 (cut short, or damaged); it "
                                "is left out.")


def test_a_photo_over_the_cap_is_left_out_with_its_size(kb: Kithbook, me: Member,
                                                        tmp_path: Path) -> None:
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_PHOTO_BYTES
    card = tmp_path / "big.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:4.0\nFN:Gus Big\nPHOTO:data:image/png;base64,"
                    + base64.b64encode(big).decode() + "\nEND:VCARD\n", encoding="ascii")
    report = kb.transfer.import_file(me.id, card)
    assert report.contacts_added == 1 and report.photos_not_kept == 1
    [warning] = report.warnings
    assert warning.message == (f"the photo is {len(big):,} bytes; Kithbook keeps pictures "
                               "up to 512 KB. Shrink it and import it again; it is left out.")


@pytest.mark.parametrize("format", [ExportFormat.VCARD, ExportFormat.JSON])
def test_photos_go_out_in_the_export_and_come_back(kb: Kithbook, me: Member, tmp_path: Path,
                                                   format: ExportFormat) -> None:
    kb.transfer.import_file(me.id, FILE)
    written = export(kb, me, format)
    assert written.count("image/png") == 1 and written.count("image/jpeg") == 1
    path = tmp_path / f"book{format.suffix}"
    path.write_text(written, encoding="utf-8")
    again = add_member(kb, "Sam Again")
    kb.transfer.import_file(again.id, path)
    for name in ("Aiko", "Bola", "Chen"):
        assert _photo(kb, again, name) is not None, name
    assert export(kb, again, format).count("PHOTO") == written.count("PHOTO")


def test_a_merged_contact_takes_a_picture_only_when_it_has_none(kb: Kithbook,
                                                                me: Member) -> None:
    kb.transfer.import_file(me.id, FILE)
    aiko, bola, dana = (kb.book.show_contact(me.id, n).contact.id for n in ("Aiko", "Bola", "Dana"))
    kb.transfer.merge_contacts(me.id, dana, [bola])  # Dana had none: Bola's comes along
    assert _photo(kb, me, "Dana") is not None and _photo(kb, me, "Dana")[0] == "image/png"
    kb.transfer.merge_contacts(me.id, aiko, [dana])  # Aiko keeps her own
    kept = _photo(kb, me, "Aiko")
    assert kept is not None and kept[0] == "image/jpeg"


def test_a_bad_photo_in_a_json_export_leaves_out_that_photo_and_imports_the_rest(
        kb: Kithbook, me: Member, tmp_path: Path) -> None:
    kb.transfer.import_file(me.id, FILE)
    document = json.loads(export(kb, me, ExportFormat.JSON))
    damaged = [c for c in document["contacts"] if "photo" in c]
    assert len(damaged) == 3
    damaged[0]["photo"]["data"] = "not base64 at all!"
    damaged[1]["photo"]["data"] = base64.b64encode(b"<script>alert(1)</script>").decode()
    path = tmp_path / "book.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    other = add_member(kb, "Robin")

    report = kb.transfer.import_file(other.id, path)
    assert report.contacts_added == 6  # nobody refused for a picture
    assert (report.photos_kept, report.photos_not_kept) == (1, 2)
    said = [(w.where, w.message) for w in report.warnings]
    first, second = (document["contacts"].index(c) for c in damaged[:2])
    assert said == [
        (f"book.json: contacts[{first}]", "photo.data: the picture is not valid base64; "
         "the photo is left out and the contact is imported without it."),
        (f"book.json: contacts[{second}]", "photo: the photo is not a JPEG, PNG, GIF "
         "or WebP picture; the photo is left out and the contact is imported without it.")]
    assert _photo(kb, other, damaged[0]["name"]) is None
    assert _photo(kb, other, damaged[2]["name"]) is not None
