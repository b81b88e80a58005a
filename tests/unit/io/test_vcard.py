from io import BytesIO
from pathlib import Path

import pytest

from kithbook.domain.contacts import Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.io.records import Warnings
from kithbook.io.vcard import read_vcards

DATA = Path(__file__).parents[2] / "data" / "import"


def _cards(filename: str, **options: bool) -> list:
    with (DATA / filename).open("rb") as f:
        return list(read_vcards(f, name=filename, **options))


def _read(text: str) -> list:
    return list(read_vcards(BytesIO(text.encode("utf-8")), name="x.vcf"))


def test_iphone_export_reads_every_card() -> None:
    names = [c.fields.name for c in _cards("iphone_v3.vcf")]
    assert names == ["José Núñez", "Ada Lovelace", "Jürgen Müller"]


def test_several_emails_and_phones_keep_their_types() -> None:
    jose = _cards("iphone_v3.vcf")[0].fields
    assert jose.emails == [Labeled("jose@globex.example", "other"),
                           Labeled("j.nunez@globex.example", "work")]
    assert jose.phones == [Labeled("+34612345678", "mobile"), Labeled("+34911234567", "work")]


def test_organization_title_categories_url_and_city_are_read() -> None:
    jose = _cards("iphone_v3.vcf")[0].fields
    assert (jose.organization, jose.role) == ("Globex", "Head of Research")
    assert jose.tags == ["founders", "madrid"]
    assert jose.links == ["https://globex.example/jose"]
    assert jose.location == "Madrid, Spain"


def test_folded_lines_are_joined() -> None:
    jose = _cards("iphone_v3.vcf")[0].fields
    assert jose.notes is not None
    assert "the lab tour and the hiring plan for 2025." in jose.notes


def test_escaped_newlines_commas_and_semicolons_in_notes() -> None:
    ada = _cards("iphone_v3.vcf")[1].fields
    assert ada.notes == "First line\nSecond line, with a comma; and a semicolon"


def test_quoted_printable_with_soft_line_breaks_is_decoded() -> None:
    jurgen = _cards("iphone_v3.vcf")[2]
    assert jurgen.fields.name == "Jürgen Müller"
    assert jurgen.fields.notes == "Kennengelernt im Café in Berlin.\nZweite Zeile."
    assert "Jürgen Müller" in jurgen.where


def test_photos_are_read_unless_declined() -> None:
    assert _cards("iphone_v3.vcf", keep_photos=False)[0].photo is None
    photo = _cards("iphone_v3.vcf")[0].photo
    assert photo is not None
    assert photo.media_type == "image/jpeg"
    assert photo.data.startswith(b"\xff\xd8") and photo.data.endswith(b"\xff\xd9")


def test_vcard_4_types_uri_phones_and_data_uri_photo() -> None:
    zoe, xiaoming = _cards("contacts_v4.vcf", keep_photos=True)
    assert zoe.fields.emails == [Labeled("zoe@nordlys.example", "work")]
    assert zoe.fields.phones == [Labeled("+46812345678", "mobile")]
    assert zoe.fields.notes == "Introduced by Ada.\nInterested in climate tech."
    assert zoe.photo is not None and zoe.photo.media_type == "image/png"
    assert zoe.photo.data.startswith(b"\x89PNG")
    assert xiaoming.fields.name == "王小明"


def test_card_without_fn_takes_its_name_from_n() -> None:
    (card,) = _read("BEGIN:VCARD\nVERSION:3.0\nN:Curie;Marie;;Dr.;\nEND:VCARD\n")
    assert card.fields.name == "Dr. Marie Curie"


def test_warning_names_the_card_number_and_name() -> None:
    text = ("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n"
            "BEGIN:VCARD\nVERSION:3.0\nFN:Bob Stone\nEMAIL:bob at example\nEND:VCARD\n")
    warnings = Warnings()
    ada, bob = read_vcards(BytesIO(text.encode()), name="x.vcf", warnings=warnings)
    assert (bob.fields.emails, bob.fields.notes) == ([], "Email as written: bob at example")
    assert [str(w) for w in warnings.shown] == [
        "x.vcf, card 2 (Bob Stone) at line 5: 'bob at example' is not an email address; it "
        "is kept in the notes instead. Correct it on the contact's page."]


def test_text_outside_a_card_is_refused() -> None:
    with pytest.raises(InvalidInput, match="line 1: expected BEGIN:VCARD"):
        _read("hello\n")
