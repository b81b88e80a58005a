from io import BytesIO
from pathlib import Path

from kithbook.domain.contacts import Labeled
from kithbook.io.google_csv import read_google_csv

DATA = Path(__file__).parents[2] / "data" / "import"


def _read(filename: str) -> list:
    with (DATA / filename).open("rb") as f:
        return list(read_google_csv(f, name=filename))


def test_current_layout_splits_multi_values_and_keeps_labels() -> None:
    ada = _read("google_contacts.csv")[0].fields
    assert ada.emails == [Labeled("ada@analytical.example", "work"),
                          Labeled("ada.l@analytical.example", "work"),
                          Labeled("ada@home.example", "home")]
    assert ada.phones == [Labeled("+442079460958", "mobile")]


def test_google_system_groups_are_not_tags() -> None:
    ada = _read("google_contacts.csv")[0].fields
    assert sorted(ada.tags) == ["london", "mentors"]


def test_multi_line_notes_survive() -> None:
    ada = _read("google_contacts.csv")[0].fields
    assert ada.notes == "Met at the Royal Society.\nLoves poetical science."


def test_rows_report_the_line_they_start_on_after_multi_line_cells() -> None:
    wheres = [c.where for c in _read("google_contacts.csv")]
    assert wheres == ["google_contacts.csv, line 2", "google_contacts.csv, line 6",
                      "google_contacts.csv, line 7", "google_contacts.csv, line 8"]


def test_empty_fields_and_a_contact_with_only_an_organization() -> None:
    rows = _read("google_contacts.csv")
    soren, initech = rows[1].fields, rows[2].fields
    assert soren.name == "Søren Kierkegaard" and soren.notes is None and soren.emails == []
    assert [p.value for p in soren.phones] == ["+4533123456", "+4533654321"]
    assert initech.name == "Initech"


def test_name_prefix_location_and_organization() -> None:
    marie = _read("google_contacts.csv")[3].fields
    assert marie.name == "Dr. Marie Curie"
    assert (marie.organization, marie.role, marie.location) == (
        "Institut du Radium", "Director", "Paris, France")


def test_legacy_layout_in_utf16() -> None:
    alan, emilie = _read("google_legacy.csv")
    assert alan.fields.name == "Alan Turing"
    assert alan.fields.organization == "GC&CS" and alan.fields.role == "Cryptanalyst"
    assert [e.value for e in alan.fields.emails] == ["alan@bletchley.example",
                                                     "turing@bletchley.example"]
    assert alan.fields.phones == [Labeled("+12025550143", "mobile")]
    assert alan.fields.tags == ["cryptography"]
    assert alan.fields.notes == "Bletchley.\nSecond line of notes."
    assert emilie.fields.name == "Émilie du Châtelet"


def test_phone_region_applies_to_numbers_without_country_code() -> None:
    text = ("First Name,Last Name,Labels,Phone 1 - Label,Phone 1 - Value,E-mail 1 - Value\n"
            "Jean,Valjean,,Mobile,06 12 34 56 78,\n")
    (jean,) = read_google_csv(BytesIO(text.encode()), region="FR")
    assert jean.fields.phones == [Labeled("+33612345678", "mobile")]
