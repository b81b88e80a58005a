"""Files shaped like the exports other programs really write, each read field by field.

One sample per class of file that used to be refused whole (tests/data/import): every
record is imported, and each oddity gives a warning naming the record and what was done.
"""

from io import BytesIO
from pathlib import Path

import pytest

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.io.detect import Format, detect_format, open_import
from kithbook.io.readers import read_contacts
from kithbook.io.records import ImportedContact, Warnings

DATA = Path(__file__).parents[2] / "data" / "import"
BIRTHDAY, ANNIVERSARY, OTHER = DateKind.BIRTHDAY, DateKind.ANNIVERSARY, DateKind.OTHER
NOT_NORMALIZED = ("is not a number Kithbook can read (numbers written without a country "
                  "code are read as US, set by KITHBOOK_PHONE_REGION); kept as written, not "
                  "normalized. Add its country code, like +44 20 7946 0958, on the "
                  "contact's page.")


def _read(filename: str, format: Format | None = None
          ) -> tuple[Format, list[ImportedContact], list[str]]:
    warnings = Warnings()
    with open_import(DATA / filename, format=format) as (found, stream, name):
        records = list(read_contacts(stream, found, name=name, warnings=warnings,
                                     named=format is not None))
    return found, records, [str(w) for w in warnings.shown]


def test_phones_no_one_can_normalize_are_kept_as_written_with_a_warning_each() -> None:
    _, (fiona, budi), warnings = _read("odd_phones.vcf")
    # The card's own address says United Kingdom: its national number is read there.
    assert fiona.fields.phones == [Labeled("+447700900123", "mobile"),
                                   Labeled("BusinessPhone", "work")]
    assert fiona.fields.location == "Manchester, United Kingdom"
    assert budi.fields.phones == [Labeled("999999999", "home"), Labeled("pager", "pager"),
                                  Labeled("9"), Labeled("+1 202 555 01433", "work"),
                                  Labeled("+6281234567890", "mobile")]
    card1 = "odd_phones.vcf, card 1 (Fiona Walsh) at line 1"
    card2 = "odd_phones.vcf, card 2 (Budi Santoso) at line 10"
    assert warnings == [
        f"{card1}: the phone 'BusinessPhone' {NOT_NORMALIZED}",
        f"{card2}: the phone '999999999' {NOT_NORMALIZED}",
        f"{card2}: the phone 'pager' {NOT_NORMALIZED}",
        f"{card2}: the phone '9' {NOT_NORMALIZED}",
        f"{card2}: the phone '+1 202 555 01433' {NOT_NORMALIZED}",
    ]


def test_vcard_21_values_are_decoded_by_their_own_charset() -> None:
    _, (taro, juergen, ivan), warnings = _read("charsets_v21.vcf")
    assert taro.fields == ContactFields(
        name="山田太郎", emails=[], phones=[Labeled("+819012345678", "mobile")], links=[],
        tags=[], location="東京, Japan", notes="営業部の部長")
    assert (juergen.fields.name, juergen.fields.organization) == ("Jürgen Müller",
                                                                 "Café Größe")
    assert juergen.fields.emails == [Labeled("juergen@example.de")]
    assert (ivan.fields.name, ivan.fields.role) == ("Иван Петров", "Директор")
    # Only the quoted-printable ORG declared no charset: its bytes were guessed.
    assert warnings == [
        "charsets_v21.vcf, card 2 (Jürgen Müller) at line 9: ORG text is not UTF-8 and "
        "names no CHARSET; read as windows-1252, a guess. Check the names with accents."]


@pytest.mark.parametrize(("filename", "expected"), [
    ("utf16le_nobom.vcf", ContactFields(name="Zoë Ångström", emails=[
        Labeled("zoe@example.se")], phones=[], links=[], tags=[])),
    ("utf16be_nobom.csv", ContactFields(name="Renée Lévesque", emails=[
        Labeled("renee@example.ca")], phones=[], links=[], tags=[],
        organization="Hydro-Québec")),
])
def test_utf16_without_a_byte_order_mark_is_recognized(filename: str,
                                                       expected: ContactFields) -> None:
    _, (record,), warnings = _read(filename)
    assert record.fields == expected
    assert warnings == []


def test_utf8_characters_split_by_a_fold_are_joined_before_decoding() -> None:
    _, (record,), warnings = _read("folded_split_utf8.vcf")
    assert record.fields.name == "Åsa Öberg-Ñúñez 王小明"
    assert record.fields.notes == "Переписка о проекте"
    assert warnings == []


def test_a_csv_in_windows_1252_is_read_with_one_warning() -> None:
    found, (francois, zoe), warnings = _read("outlook_windows1252.csv")
    assert found is Format.OUTLOOK_CSV
    assert (francois.fields.name, francois.fields.organization, francois.fields.role) == (
        "François Bégin", "Société Générale", "Directeur financier")
    assert (zoe.fields.name, zoe.fields.organization, zoe.fields.role) == (
        "Zoë Ørsted", "Ørsted A/S", "Ingeniør")
    assert warnings == [
        "outlook_windows1252.csv, line 2: the file is not UTF-8 from this line on and does "
        "not say what it is; it is read as windows-1252, a guess. Check names with accents; "
        "to be sure, save the file as UTF-8 and import it again."]


def test_a_google_csv_trimmed_to_a_few_columns_is_recognized() -> None:
    found, (grace,), warnings = _read("google_trimmed.csv")
    assert found is Format.GOOGLE_CSV
    assert grace.fields == ContactFields(
        name="Grace Hopper", emails=[Labeled("grace@navy.example")],
        phones=[Labeled("+12025550199", "mobile")], links=[], tags=[])
    assert warnings == []


def test_the_2007_gmail_layout_reads_its_sections() -> None:
    found, (linus,), warnings = _read("gmail_2007.csv")
    assert found is Format.GOOGLE_CSV
    assert linus.fields == ContactFields(
        name="Linus Pauling",
        emails=[Labeled("linus@example.org"), Labeled("l.pauling@caltech.example", "work")],
        phones=[Labeled("+16263956811", "work"), Labeled("+16265550100", "mobile"),
                Labeled("+16263956812", "fax")],
        links=[], tags=[], organization="Caltech", role="Professor",
        location="1200 E California Blvd, Pasadena", notes="Two Nobel prizes\nVitamin C fan")
    assert warnings == []


def test_an_outlook_csv_of_email_columns_only_is_recognized() -> None:
    found, (hedy,), warnings = _read("outlook_email_only.csv")
    assert found is Format.OUTLOOK_CSV
    assert hedy.fields.emails == [Labeled("hedy@example.org"),
                                  Labeled("hedy.lamarr@mgm.example")]
    assert hedy.fields.name == "hedy@example.org"
    assert warnings == ["outlook_email_only.csv, line 2: it has no name; it is called "
                        "hedy@example.org after its email. Add a name on the contact's page."]


def test_outlook_name_column_is_the_name_and_a_named_format_warns_of_other_columns() -> None:
    found, (katherine,), warnings = _read("outlook_name_action.csv")
    assert found is Format.OUTLOOK_CSV
    assert (katherine.fields.name, katherine.fields.organization) == ("Katherine Johnson",
                                                                     "Acme Inc.")
    assert warnings == []
    _, (again,), warnings = _read("outlook_name_action.csv", Format.OUTLOOK_CSV)
    assert again.fields == katherine.fields
    assert warnings == [
        "outlook_name_action.csv, line 1: the columns 'Action', 'ID' are not Outlook "
        "contacts columns Kithbook reads; they are ignored. Rename a column to its name in "
        "a real export to have it read."]


def test_a_named_format_maps_the_columns_it_knows_in_a_file_it_would_not_recognize() -> None:
    _, (mae, sally), warnings = _read("ragged.csv", Format.GOOGLE_CSV)
    assert (mae.fields.name, mae.fields.emails) == ("Mae Jemison", [])
    assert (sally.fields.name, sally.fields.organization) == ("Sally Ride", None)
    assert warnings[0] == (
        "ragged.csv, line 1: the columns 'E-mail Address', 'Company', 'Job Title' are not "
        "Google Contacts columns Kithbook reads; they are ignored. Rename a column to its "
        "name in a real export to have it read.")


def test_google_legacy_names_with_prefix_or_suffix_are_whole() -> None:
    _, (jane, bob), warnings = _read("google_legacy_names.csv")
    assert (jane.fields.name, jane.fields.emails) == ("Dr. Jane Smith",
                                                      [Labeled("jane@example.org", "work")])
    assert bob.fields.name == "Bob Jones Jr."
    assert warnings == []


def test_broken_but_readable_cards_are_read_with_a_warning_each() -> None:
    _, (priya, noname, initech, ana), warnings = _read("android_broken.vcf")
    # Lower-case property names (tel;cell) are properties like any other.
    assert priya.fields == ContactFields(
        name="Priya", emails=[Labeled("priya@example.in", "home")],
        phones=[Labeled("+919876543210", "mobile")], links=[], tags=[])
    assert (noname.fields.name, noname.fields.notes) == ("noname@example.com",
                                                         "No name on this card")
    assert (initech.fields.name, initech.fields.organization) == ("Initech", "Initech")
    assert ana.fields.emails == [Labeled("ana.lima@example.br")]
    assert warnings == [
        "android_broken.vcf, card 1 (Priya) at line 1: line 3 is a comment "
        "('# exported by a phone backup app'); skipped.",
        "android_broken.vcf, card 2 at line 9: it has no name; it is called "
        "noname@example.com after its email. Add a name on the contact's page.",
        "android_broken.vcf, card 3 at line 14: it has no name; it is called 'Initech' "
        "after its organization. Add a name on the contact's page.",
        "android_broken.vcf, card 4 (Ana Lima) at line 19: line 22 is not a vCard property "
        "('this line is not a property'); skipped.",
    ]


def test_short_and_long_csv_rows_are_read_with_a_warning() -> None:
    _, (mae, sally), warnings = _read("ragged.csv")
    assert (mae.fields.name, mae.fields.emails, mae.fields.organization) == (
        "Mae Jemison", [Labeled("mae@example.org")], None)
    assert (sally.fields.organization, sally.fields.role) == ("NASA", "Astronaut")
    assert warnings == [
        "ragged.csv, line 2: 3 cells where the header has 5; the missing ones are read as "
        "empty.",
        "ragged.csv, line 3: 8 cells where the header has 5 (a comma inside a value may be "
        "missing its quotes); the extra 'Extra', ' value' are ignored. Check the contact "
        "after the import."]


def test_outlook_fax_columns_are_fax_phones() -> None:
    _, (ada,), _ = _read("outlook_faxes.csv")
    assert ada.fields.phones == [Labeled("+97289341111", "work"),
                                 Labeled("+97289342222", "work fax"),
                                 Labeled("+97289343333", "home fax")]


def test_custom_labels_second_org_and_escaped_categories_survive() -> None:
    _, (rosalind,), warnings = _read("apple_labels.vcf")
    assert rosalind.fields == ContactFields(
        name="Rosalind Franklin", emails=[Labeled("rosalind@kcl.example", "work")],
        phones=[Labeled("+442079460100", "Lab Bench"), Labeled("+442079460101", "work fax")],
        links=[], tags=["crystallography", "london", "scientists"],
        organization="King's College London", role="Research Associate",
        notes="Also: Senior Scientist at Birkbeck College")
    assert warnings == []


def test_a_file_that_is_not_the_format_at_all_is_still_refused() -> None:
    with pytest.raises(InvalidInput, match="cannot tell what kind of file this is"):
        detect_format(b"hello,world\n1,2\n", name="numbers.csv")
    with pytest.raises(InvalidInput, match="no Outlook contacts header row"):
        read_contacts(BytesIO(b"hello,world\n1,2\n"), Format.OUTLOOK_CSV, name="n.csv",
                      named=True).__next__()


def _d(kind: DateKind, month: int, day: int, year: int | None = None,
       label: str | None = None) -> ImportantDate:
    return ImportantDate(kind, month, day, year, label)


def test_vcard_birthdays_anniversaries_and_named_dates() -> None:
    _, (ada, charles, early, leap), warnings = _read("important_dates.vcf")
    assert ada.dates == [_d(BIRTHDAY, 12, 10, 1815), _d(ANNIVERSARY, 7, 8, 1835),
                         _d(OTHER, 9, 1, 1843, "Notes published"),
                         _d(ANNIVERSARY, 5, 1, 2020)]
    # Apple's "no year" marker, and Evolution's anniversary without a year.
    assert charles.dates == [_d(BIRTHDAY, 12, 26), _d(ANNIVERSARY, 7, 25)]
    assert early.dates == [_d(BIRTHDAY, 1, 1, 1)]
    assert leap.dates == [_d(BIRTHDAY, 2, 29)]
    assert warnings == [
        "important_dates.vcf, card 3 (Early Person) at line 17: cannot read the anniversary "
        "'circa 1800'; left out. Write it like 1815-12-10 (or --12-10 without the year) in "
        "the file and import it again."]


def test_google_birthday_and_event_columns() -> None:
    _, (grace, alan), warnings = _read("google_dates.csv")
    assert grace.dates == [_d(BIRTHDAY, 12, 9, 1906), _d(ANNIVERSARY, 6, 15, 1930),
                           _d(OTHER, 3, 17, None, "Name day")]
    assert alan.dates == [_d(BIRTHDAY, 6, 23)]
    assert warnings == []


def test_outlook_birthday_and_anniversary_columns() -> None:
    found, (hedy, katherine), warnings = _read("outlook_dates.csv")
    assert found is Format.OUTLOOK_CSV
    assert hedy.dates == [_d(BIRTHDAY, 11, 9, 1914)]  # 0/0/00 is Outlook's "none"
    assert katherine.dates == [_d(BIRTHDAY, 8, 26, 1918)]
    assert warnings == [
        "outlook_dates.csv, line 3: cannot read the anniversary '13/45/1939'; left out. "
        "Write it like 1815-12-10 (or --12-10 without the year) in the file and import it "
        "again."]
