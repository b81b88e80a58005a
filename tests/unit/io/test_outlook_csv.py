from io import BytesIO
from pathlib import Path

from kithbook.domain.contacts import Labeled
from kithbook.io.outlook_csv import read_outlook_csv

DATA = Path(__file__).parents[2] / "data" / "import"


def _read() -> list:
    with (DATA / "outlook_contacts.csv").open("rb") as f:
        return list(read_outlook_csv(f, name="outlook_contacts.csv"))


def test_outlook_columns_map_to_contact_fields() -> None:
    grace = _read()[0].fields
    assert grace.name == "Grace Brewster Hopper"
    assert [e.value for e in grace.emails] == ["grace@navy.example", "ghopper@harvard.example"]
    assert grace.phones == [Labeled("+12025550199", "mobile"), Labeled("+17035550100", "work")]
    assert (grace.organization, grace.role) == ("US Navy", "Computer Scientist")
    assert grace.location == "Arlington, VA, United States"
    assert grace.tags == ["mentors", "navy"]
    assert grace.notes == "Invented the compiler.\nAsk about COBOL."


def test_honorific_title_is_not_the_role_and_empty_cells_stay_empty() -> None:
    hedy = _read()[1].fields
    assert hedy.name == "Hedy Lamarr"
    assert hedy.role is None and hedy.organization is None and hedy.tags == []
    assert hedy.location == "Wien, Austria"


def test_windows_1252_export_reads_when_its_encoding_is_given() -> None:
    text = ("First Name,Last Name,E-mail Address,Company,Job Title\r\n"
            "José,Müller,jose@example.de,Café Größe GmbH,Barista\r\n")
    (jose,) = read_outlook_csv(BytesIO(text.encode("cp1252")), encoding="cp1252")
    assert (jose.fields.name, jose.fields.organization) == ("José Müller", "Café Größe GmbH")
