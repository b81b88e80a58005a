"""Files made to hurt: each gets a clear error naming where, before much is read."""

import struct
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest

from kithbook.domain.errors import InvalidInput
from kithbook.io.csv_rows import is_formula
from kithbook.io.detect import open_import
from kithbook.io.export_json import read_book
from kithbook.io.google_csv import read_google_csv
from kithbook.io.ics import read_ics
from kithbook.io.limits import Limits
from kithbook.io.linkedin import read_linkedin
from kithbook.io.records import Warnings
from kithbook.io.vcard import read_vcards

HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
ROW = b"Ada,Lovelace,,ada@example.org,Analytical Engines,CTO,15 Jan 2024\r\n"
FIFTY_MB = 50 * 1024 * 1024


def _linkedin(data: bytes, limits: Limits | None = None) -> list:
    return list(read_linkedin(BytesIO(data), limits=limits or Limits()))


def test_truncated_csv_with_an_open_quote_names_the_line() -> None:
    data = HEADER + ROW + b'Grace,Hopper,,,"US Navy,Rear Admiral'
    with pytest.raises(InvalidInput, match=r"line 3: the CSV is malformed .* cut short"):
        _linkedin(data)


def test_a_short_last_row_is_read_with_a_warning_naming_the_line() -> None:
    warnings = Warnings()
    rows = list(read_linkedin(BytesIO(HEADER + ROW + b"Grace,Hopper,https://x"),
                              warnings=warnings))
    assert [r.fields.name for r in rows] == ["Ada Lovelace", "Grace Hopper"]
    assert rows[1].fields.links == ["https://x"] and rows[1].started_on is None
    assert [str(w) for w in warnings.shown] == [
        "Connections.csv, line 3: 3 cells where the header has 7; the missing ones are "
        "read as empty."]


def test_wrong_encoding_is_guessed_from_that_line_with_a_warning() -> None:
    latin1 = HEADER + ROW + "José,Núñez,,,Globex,,03 Mar 2023\r\n".encode("latin-1")
    warnings = Warnings()
    rows = list(read_linkedin(BytesIO(latin1), warnings=warnings))
    assert [r.fields.name for r in rows] == ["Ada Lovelace", "José Núñez"]
    (warning,) = warnings.shown
    assert warning.where == "Connections.csv, line 3"
    assert "not UTF-8 from this line on" in warning.message
    assert "save the file as UTF-8" in warning.message


def test_utf16_that_does_not_decode_is_refused_naming_the_line() -> None:
    data = "First Name,Last Name,Connected On\r\nAda,Lovelace,".encode("utf-16") + b"\x00\xd8"
    with pytest.raises(InvalidInput, match=r"line 2: the file is not valid UTF-16"):
        _linkedin(data)


def test_fifty_megabyte_field_on_one_line_is_refused_at_that_line() -> None:
    data = HEADER + ROW + b"Ada,Lovelace,,,," + b"A" * FIFTY_MB + b",15 Jan 2024\r\n"
    with pytest.raises(InvalidInput, match=r"line 3: the line is longer than"):
        _linkedin(data)


def test_fifty_megabyte_quoted_field_over_many_lines_is_refused() -> None:
    data = HEADER + b'Ada,Lovelace,,,,"' + b"word word\n" * (FIFTY_MB // 10) + b'",15 Jan 2024\r\n'
    with pytest.raises(InvalidInput, match=r"line 2: "):
        _linkedin(data)


def test_oversized_cell_within_line_cap_names_line_and_column() -> None:
    data = HEADER + b"Ada,Lovelace,,,," + b"B" * 30_000 + b",15 Jan 2024\r\n"
    with pytest.raises(InvalidInput, match=r"line 2: 'Position' is 30,000 characters long"):
        _linkedin(data)


@pytest.mark.parametrize("cell", [
    "=1+1", "=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(A1:A2)",
    "+HYPERLINK(\"x\")", "-2+3+cmd|' /C calc'!A0", "=cmd|' /C notepad'!'A1'",
])
def test_formula_cells_are_refused_naming_line_and_column(cell: str) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    data = HEADER + ROW + f"Eve,Mallory,,,{quoted},,01 Jan 2024\r\n".encode()
    with pytest.raises(InvalidInput, match=r"line 3: the 'Company' cell .* formula"):
        _linkedin(data)


@pytest.mark.parametrize("cell", [
    "+1 (202) 555-0143", "- met at the fair (Paris)", "@ada on the forum", "-", "A+B (team)"])
def test_ordinary_cells_that_start_with_signs_are_not_formulas(cell: str) -> None:
    assert not is_formula(cell)


def test_google_csv_formula_in_a_phone_cell_is_refused() -> None:
    data = (b"First Name,Labels,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
            b"Eve,,,Mobile,\"=WEBSERVICE(\"\"http://evil.example\"\")\"\n")
    with pytest.raises(InvalidInput, match=r"line 2: the 'Phone 1 - Value' cell"):
        list(read_google_csv(BytesIO(data)))


def _zip(path: Path, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", data)
    return path


def test_zip_bomb_is_refused_before_expanding(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "export.zip", HEADER + b"\0" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InvalidInput, match="expands far beyond"), open_import(bomb):
        pass


def test_zip_that_lies_about_its_size_is_stopped_while_reading(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "export.zip", HEADER + ROW * 200_000)
    raw = bytearray(bomb.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 1000)  # claim 1,000 bytes uncompressed
    bomb.write_bytes(bytes(raw))
    with pytest.raises(InvalidInput), open_import(bomb) as (_, stream, name):
        list(read_linkedin(stream, name=name))


def test_zip_member_is_capped_by_bytes_actually_read(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "export.zip", HEADER + ROW * 50_000)
    limits = Limits(max_zip_member_bytes=1_000_000, max_zip_ratio=10**9)
    with pytest.raises(InvalidInput, match="expands far beyond"), \
            open_import(archive, limits=limits) as (_, stream, name):
        list(read_linkedin(stream, name=name, limits=limits))


def test_vcard_with_thousands_of_properties_names_the_card() -> None:
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n" + \
        "BEGIN:VCARD\nVERSION:3.0\nFN:Spam Bot\n" + "NOTE:x\n" * 5000 + "END:VCARD\n"
    with pytest.raises(InvalidInput, match=r"card 2 \(Spam Bot\) at line 5: .* more than 500"):
        list(read_vcards(BytesIO(card.encode())))


def test_vcard_with_fifty_megabyte_value_is_refused() -> None:
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nNOTE:" + b"x" * FIFTY_MB + b"\nEND:VCARD\n"
    with pytest.raises(InvalidInput, match=r"line 4: the line is longer than"):
        list(read_vcards(BytesIO(data)))


def test_vcard_with_fifty_megabytes_of_folded_photo_is_refused() -> None:
    chunk = b" " + b"A" * 74 + b"\n"
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\n" + \
        chunk * (FIFTY_MB // len(chunk)) + b"END:VCARD\n"
    with pytest.raises(InvalidInput, match=r"card 1 \(Ada\) .* larger than"):
        list(read_vcards(BytesIO(data), keep_photos=True))


def test_truncated_vcard_says_it_is_cut_short() -> None:
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bo"
    with pytest.raises(InvalidInput, match=r"card 2 \(Bo\) at line 5: .* no END:VCARD"):
        list(read_vcards(BytesIO(data)))


def test_vcard_in_an_undeclared_encoding_is_guessed_with_a_warning() -> None:
    data = "BEGIN:VCARD\nVERSION:3.0\nFN:Jürgen Müller\nEND:VCARD\n".encode("latin-1")
    warnings = Warnings()
    (card,) = read_vcards(BytesIO(data), warnings=warnings)
    assert card.fields.name == "Jürgen Müller"
    (warning,) = warnings.shown
    assert warning.where == "contacts.vcf, card 1 (Jürgen Müller) at line 1"
    assert warning.message.startswith("FN text is not UTF-8 and names no CHARSET; read as")


def test_a_broken_photo_is_left_out_with_a_warning_and_the_card_kept() -> None:
    data = b"BEGIN:VCARD\nVERSION:4.0\nFN:Ada\nPHOTO:data:image/png;base64,@@@\nEND:VCARD\n"
    quiet = Warnings()
    [ada] = read_vcards(BytesIO(data), keep_photos=False, warnings=quiet)
    assert ada.photo is None and not ada.photo_left_out and quiet.count == 0
    warnings = Warnings()
    [ada] = read_vcards(BytesIO(data), warnings=warnings)
    assert ada.fields.name == "Ada" and ada.photo is None and ada.photo_left_out
    [warning] = warnings.shown
    assert "card 1 (Ada)" in warning.where
    assert warning.message == ("the photo is not valid base64 (cut short, or damaged); it "
                               "is left out.")


def _calendar(*rules: str, start: str = "20200101T090000Z") -> bytes:
    events = "".join(f"BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART:{start}\r\nRRULE:{rule}\r\n"
                     f"SUMMARY:Series {i}\r\nEND:VEVENT\r\n" for i, rule in enumerate(rules))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()


def test_calendar_series_beyond_the_occurrence_cap_names_the_event() -> None:
    with pytest.raises(InvalidInput, match=r"event 1 \(Series 0\): the series repeats more"):
        list(read_ics(BytesIO(_calendar("FREQ=DAILY")), until=date(2024, 1, 1),
                      limits=Limits(max_occurrences_per_event=100)))


def test_series_repeating_more_often_than_daily_are_not_meetings() -> None:
    data = _calendar("FREQ=SECONDLY", "FREQ=MINUTELY;INTERVAL=5", "FREQ=HOURLY",
                     start="19000101T000000Z")
    assert list(read_ics(BytesIO(data), until=date(2024, 1, 1))) == []


def test_rules_no_date_can_satisfy_yield_nothing_instead_of_walking_to_9999() -> None:
    data = _calendar("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYSETPOS=5",
                     "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31")
    assert list(read_ics(BytesIO(data), until=date(2024, 1, 1))) == []


def test_counted_series_that_started_long_ago_exhaust_the_expansion_budget() -> None:
    data = _calendar("FREQ=DAILY;COUNT=100000", start="19900101T090000Z")
    with pytest.raises(InvalidInput, match=r"event 1 \(Series 0\): .* too many periods"):
        list(read_ics(BytesIO(data), until=date(2024, 1, 1),
                      limits=Limits(max_recurrence_periods=10_000)))


def test_old_daily_and_weekly_series_expand_only_near_the_window() -> None:
    data = _calendar("FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,TH",
                     start="00010101T090000Z")
    events = list(read_ics(BytesIO(data), since=date(2024, 1, 1), until=date(2024, 1, 31),
                           limits=Limits(max_recurrence_periods=10_000)))
    every_third = [e.occurred_on for e in events if e.uid == "e0"]
    assert len(every_third) in (10, 11)
    assert all((d - every_third[0]).days % 3 == 0 for d in every_third)
    assert all(e.occurred_on.weekday() in (0, 3) for e in events if e.uid == "e1")
    assert len([e for e in events if e.uid == "e1"]) == 9


def test_calendar_larger_than_the_cap_is_refused() -> None:
    text = "BEGIN:VCALENDAR\r\n" + "X-PAD:" + "x" * 900 + "\r\n" * 1 + \
        ("X-PAD:" + "x" * 900 + "\r\n") * 200 + "END:VCALENDAR\r\n"
    with pytest.raises(InvalidInput, match="the calendar is larger than 100,000"):
        list(read_ics(BytesIO(text.encode()), until=date(2024, 1, 1),
                      limits=Limits(max_calendar_bytes=100_000)))


def test_calendar_in_an_undeclared_encoding_is_guessed_but_truncation_still_refused() -> None:
    data = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Café\r\n".encode("latin-1")
    warnings = Warnings()
    with pytest.raises(InvalidInput, match=r"line 4: the calendar ends without END:VCALENDAR"):
        list(read_ics(BytesIO(data), until=date(2024, 1, 1), warnings=warnings))
    assert [w.where for w in warnings.shown] == ["calendar.ics, line 4"]


def test_json_export_in_the_wrong_encoding_names_the_line() -> None:
    data = '{\n  "format": "kithbook",\n  "note": "café"\n}'.encode("latin-1")
    with pytest.raises(InvalidInput, match=r"line 3: the file is not UTF-8"):
        read_book(BytesIO(data), name="book.json")
