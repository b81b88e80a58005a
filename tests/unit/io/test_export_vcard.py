from io import BytesIO, StringIO

from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.ids import ContactId, MemberId
from kithbook.io.export_vcard import LINE_OCTETS, card, escape, fold, write_vcards
from kithbook.io.vcard import read_vcards

ME = MemberId("m0000000001a")


def _ada() -> Contact:
    return Contact(id=ContactId("c000000000ad"), owner=ME, name="Ada Lovelace",
                   emails=[Labeled("ada@analytical.example", "work"),
                           Labeled("ada@home.example", "assistant")],
                   phones=[Labeled("+442079460958", "mobile"), Labeled("+442079460959")],
                   links=["https://ada.example"], tags=["mentors", "poetical, science"],
                   organization="Analytical Engines; Ltd", role="CTO", location="London",
                   notes="Line one\nLine two, with a comma; and a semicolon \\ backslash")


def test_card_is_vcard_4_with_crlf_lines() -> None:
    text = card(_ada())
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//Kithbook//Kithbook//EN\r\n"
                           "UID:urn:kithbook:c000000000ad\r\n")
    assert text.endswith("END:VCARD\r\n")
    assert "N:Lovelace;Ada;;;\r\n" in text
    assert "TEL;VALUE=uri;TYPE=cell:tel:+442079460958\r\n" in text


def test_special_characters_are_escaped() -> None:
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert "ORG:Analytical Engines\\; Ltd\r\n" in card(_ada())


def test_written_cards_read_back_with_our_importer() -> None:
    out = StringIO()
    assert write_vcards([_ada()], out) == 1
    (back,) = read_vcards(BytesIO(out.getvalue().encode("utf-8")))
    ada = _ada()
    assert back.fields.name == ada.name
    assert back.fields.emails == ada.emails
    assert back.fields.phones == [Labeled("+442079460958", "mobile"),
                                  Labeled("+442079460959")]
    assert back.fields.tags == ada.tags
    assert (back.fields.organization, back.fields.role, back.fields.location) == (
        "Analytical Engines; Ltd", "CTO", "London")
    assert back.fields.notes == ada.notes
    assert back.fields.links == ada.links


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "NOTE:" + "Zoë Ångström 王小明 🎉 " * 20
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= LINE_OCTETS for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0]] + [p[1:] for p in physical[1:]]) == line


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_folding_any_text_is_reversible_and_within_limit(text: str) -> None:
    physical = fold("NOTE:" + escape(text)).split("\r\n")
    assert all(len(p.encode("utf-8")) <= LINE_OCTETS for p in physical)
    assert "".join([physical[0]] + [p[1:] for p in physical[1:]]) == "NOTE:" + escape(text)
