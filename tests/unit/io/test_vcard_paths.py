"""The vCard reader's two paths agree: plain cards read quickly, odd ones with care.

`_plain_properties` reads a card whose every line is plain (UTF-8, no quoted-printable,
no CHARSET, no quoted parameter); any other card goes to `_properties`, which decodes
line by line and warns. Each real-world shape in tests/data/import is read both ways.
"""

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest

from kithbook.domain.contacts import Labeled
from kithbook.io import vcard
from kithbook.io.detect import Format, open_import
from kithbook.io.limits import DEFAULT_LIMITS
from kithbook.io.records import ImportedContact, Warnings

DATA = Path(__file__).parents[2] / "data" / "import"
SHAPES = sorted(path.name for path in DATA.glob("*.vcf"))


def _raw_cards(filename: str) -> Iterator[vcard._RawCard]:
    with open_import(DATA / filename, format=Format.VCARD) as (_, stream, name):
        yield from vcard._cards(stream, name=name, limits=DEFAULT_LIMITS,
                                warnings=Warnings())


@pytest.mark.parametrize("filename", SHAPES)
def test_a_plain_card_reads_the_same_on_both_paths(filename: str) -> None:
    heads = vcard._Heads()
    for raw in _raw_cards(filename):
        plain = vcard._plain_properties(raw, heads)
        notes: list[str] = []
        careful = vcard._properties(raw, notes=notes, guesses=vcard._Guesses())
        if plain is not None:
            assert plain == careful, raw.where
            assert notes == [], raw.where  # nothing the plain path would have to warn about


def _read(filename: str) -> tuple[list[ImportedContact], list[str]]:
    warnings = Warnings()
    with open_import(DATA / filename, format=Format.VCARD) as (_, stream, name):
        records = list(vcard.read_vcards(stream, name=name, warnings=warnings))
    return records, [str(w) for w in warnings.shown]


@pytest.mark.parametrize("filename", SHAPES)
def test_every_shape_imports_the_same_without_the_plain_path(
        filename: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quick = _read(filename)
    monkeypatch.setattr(vcard, "_plain_properties", lambda raw, heads: None)
    assert _read(filename) == quick


def test_odd_cards_take_the_careful_path_and_plain_ones_the_quick_one() -> None:
    def plain_count(filename: str) -> tuple[int, int]:
        heads = vcard._Heads()
        found = [vcard._plain_properties(raw, heads) is not None
                 for raw in _raw_cards(filename)]
        return sum(found), len(found)

    assert plain_count("iphone_v3.vcf")[0] > 0
    taken, cards = plain_count("charsets_v21.vcf")
    assert taken < cards  # CHARSET and quoted-printable values are read with care


def test_a_head_seen_again_is_parsed_once_and_stays_unchanged() -> None:
    text = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n"
            "EMAIL;type=INTERNET;type=WORK:ada@example.org\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\n"
            "EMAIL;type=INTERNET;type=WORK:grace@example.org\r\nEND:VCARD\r\n")
    records = list(vcard.read_vcards(BytesIO(text.encode())))
    assert [r.fields.emails for r in records] == [
        [Labeled("ada@example.org", "work")],
        [Labeled("grace@example.org", "work")]]
