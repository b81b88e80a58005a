import csv
import io
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.errors import InvalidInput
from kithbook.io.csv_rows import is_formula
from kithbook.io.linkedin import parse_connected_on, read_linkedin
from kithbook.io.records import Warnings

DATA = Path(__file__).parents[2] / "data" / "import"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def _read(text: str) -> list:
    return list(read_linkedin(BytesIO(text.encode("utf-8"))))


def test_header_is_found_below_the_notes_lines_and_bom() -> None:
    with (DATA / "linkedin_connections.csv").open("rb") as f:
        contacts = list(read_linkedin(f))
    assert [c.fields.name for c in contacts] == [
        "Ada Lovelace", "José Núñez", "李 小龙", "Grace Hopper", "Zoë"]
    assert contacts[0].where == "Connections.csv, line 5"


def test_connection_date_starts_the_relationship() -> None:
    with (DATA / "linkedin_connections.csv").open("rb") as f:
        ada = next(read_linkedin(f))
    assert ada.started_on == date(2024, 1, 15)
    assert ada.fields.organization == "Analytical Engines"
    assert ada.fields.role == "CTO"
    assert ada.fields.links == ["https://www.linkedin.com/in/ada-lovelace"]


def test_missing_emails_are_normal_and_present_ones_are_normalized() -> None:
    with (DATA / "linkedin_connections.csv").open("rb") as f:
        by_name = {c.fields.name: c for c in read_linkedin(f)}
    assert by_name["José Núñez"].fields.emails == []
    assert [e.value for e in by_name["Grace Hopper"].fields.emails] == [
        "Grace.Hopper@navy.example"]
    assert by_name["Grace Hopper"].fields.role == 'Rear Admiral "Amazing Grace"'


def test_file_without_notes_lines_or_url_column_is_read() -> None:
    old = "First Name,Last Name,Email Address,Company,Position,Connected On\n" \
          "Alan,Turing,,GC&CS,Cryptanalyst,02 Oct 2018\n"
    (alan,) = _read(old)
    assert alan.fields.name == "Alan Turing"
    assert alan.started_on == date(2018, 10, 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("01 Jan 2024", date(2024, 1, 1)), ("15 Sept 2023", date(2023, 9, 15)),
    ("Jan 15, 2024", date(2024, 1, 15)), ("1/15/24", date(2024, 1, 15)),
    ("2024-01-15", date(2024, 1, 15)), ("", None),
])
def test_connected_on_formats(text: str, expected: date | None) -> None:
    assert parse_connected_on(text, where="line 2") == expected


def _warned(text: str) -> tuple[list, list[str]]:
    warnings = Warnings()
    rows = list(read_linkedin(BytesIO(text.encode("utf-8")), name="Connections.csv",
                              warnings=warnings))
    return rows, [str(w) for w in warnings.shown]


def test_unreadable_date_is_left_out_with_a_warning_naming_the_line() -> None:
    rows, warnings = _warned(HEADER + "Ada,Lovelace,,,,,01 Jan 2024\r\n"
                             "Bob,Smith,,,,,yesterday-ish\r\n")
    assert [(r.fields.name, r.started_on) for r in rows] == [
        ("Ada Lovelace", date(2024, 1, 1)), ("Bob Smith", None)]
    assert warnings == ["Connections.csv, line 3: cannot read the 'Connected On' date "
                        "'yesterday-ish'; LinkedIn writes it like 01 Jan 2024. The contact "
                        "is imported without it."]


def test_bad_email_goes_to_the_notes_with_a_warning_saying_how_to_fix() -> None:
    (ada,), warnings = _warned(HEADER + "Ada,Lovelace,,not-an-email,,,01 Jan 2024\r\n")
    assert ada.fields.emails == []
    assert ada.fields.notes == "Email as written: not-an-email"
    assert warnings == ["Connections.csv, line 2: 'not-an-email' is not an email address; it "
                        "is kept in the notes instead. Correct it on the contact's page."]


def test_row_without_any_name_falls_back_to_the_company() -> None:
    (row,) = _read(HEADER + ",,,,Initech,,01 Jan 2024\r\n")
    assert row.fields.name == "Initech"


def test_row_with_nothing_to_call_it_by_is_skipped_with_a_warning() -> None:
    rows, warnings = _warned(HEADER + ",,,,,,01 Jan 2024\r\nAda,Lovelace,,,,,\r\n")
    assert [r.fields.name for r in rows] == ["Ada Lovelace"]
    assert warnings == ["Connections.csv, line 2: it has no name, email or organization to "
                        "call the person by; skipped. Add a name in the file to import it."]


def test_a_file_that_is_not_linkedin_says_so() -> None:
    with pytest.raises(InvalidInput, match="no LinkedIn connections header row"):
        _read("name,email\nAda,ada@example.org\n")


def test_classic_mac_line_endings_are_read() -> None:
    text = HEADER.replace("\r\n", "\r") + "Ada,Lovelace,,,Analytical Engines,CTO,15 Jan 2024\r" \
        "Alan,Turing,,,GC&CS,,02 Oct 2018\r"
    contacts = _read(text)
    assert [(c.fields.name, c.where) for c in contacts] == [
        ("Ada Lovelace", "Connections.csv, line 2"), ("Alan Turing", "Connections.csv, line 3")]


def test_large_file_with_multibyte_names_across_read_chunks() -> None:
    names = [f"Zoë{i} Ångström王{i}" for i in range(6000)]  # well over one 64 KiB chunk
    rows = "".join(f"{n.split()[0]},{n.split()[1]},,,Nordlys,,01 Jan 2024\r\n" for n in names)
    contacts = _read(HEADER + rows)
    assert [c.fields.name for c in contacts] == names
    assert contacts[-1].where == "Connections.csv, line 6001"


_cell = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30) \
    .filter(lambda s: not is_formula(s))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_cell, _cell, _cell, _cell), min_size=1, max_size=5))
def test_any_cells_quoted_by_a_csv_writer_read_back(rows: list[tuple[str, ...]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["First Name", "Last Name", "Company", "Position", "Connected On"])
    kept = [r for r in rows if " ".join(f"{r[0]} {r[1]}".split()) or r[2].strip()]
    for first, last, company, position in kept:
        writer.writerow([first, last, company, position, "01 Jan 2024"])
    contacts = _read(buffer.getvalue())
    assert len(contacts) == len(kept)
    for contact, (first, last, company, position) in zip(contacts, kept, strict=True):
        name = " ".join(f"{first.strip()} {last.strip()}".split())
        assert contact.fields.name == (name or company.strip())
        assert contact.fields.organization == (company.strip() or None)
        assert contact.fields.role == (position.strip() or None)
