"""Any card Kithbook writes reads back the same through the ways other programs re-encode it.

Refolded at any byte (splitting UTF-8 characters), with LF endings, in UTF-16 without a
byte-order mark either way round, or rewritten vCard 2.1 style as quoted-printable with a
CHARSET: the reader must give the same fields, dates and photo each time, and no warning.
"""

from __future__ import annotations

import quopri
from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.important_dates import DateKind, ImportantDate, check_dates
from kithbook.domain.photos import ContactPhoto
from kithbook.io.export_vcard import card
from kithbook.io.records import ImportedContact, Warnings
from kithbook.io.vcard import read_vcards

# Letters of every script, astral ones included; no controls or surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
               min_size=1, max_size=60).map(lambda t: " ".join(t.split())).filter(bool)
NOTES = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")),
                max_size=200).map(lambda t: "\n".join(" ".join(line.split())
                                                      for line in t.splitlines()).strip())
DATES = st.builds(
    lambda kind, month, day, year, label: ImportantDate(
        kind, month, min(day, 28), year, label if kind is DateKind.OTHER else None),
    st.sampled_from(list(DateKind)), st.integers(1, 12), st.integers(1, 28),
    st.one_of(st.none(), st.integers(1, 2025)),
    TEXT.filter(lambda t: len(t) <= 100))


PHOTOS = st.one_of(st.none(), st.builds(
    lambda head, body: ContactPhoto(head[1], head[0] + body),
    st.sampled_from([(b"\xff\xd8\xff\xe0", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
                     (b"GIF89a", "image/gif")]),
    st.binary(max_size=300)))


@st.composite
def contacts(draw: st.DrawFn) -> tuple[Contact, list[ImportantDate]]:
    contact = Contact(
        id=ContactId("c00000000001"), owner=MemberId("m00000000001"), name=draw(TEXT),
        emails=[Labeled("ada@example.org", draw(st.sampled_from([None, "work", "home"])))],
        phones=[Labeled("+442079460958", draw(st.sampled_from(
            [None, "mobile", "work fax", "Lab Bench"])))],
        tags=draw(st.lists(TEXT.filter(lambda t: len(t) <= 60 and "," not in t),
                           max_size=3)),
        organization=draw(st.one_of(st.none(), TEXT)), role=draw(st.one_of(st.none(), TEXT)),
        notes=draw(NOTES) or None)
    dates = check_dates(draw(st.lists(DATES, max_size=3)))  # as a contact holds them
    return contact, dates


def _read(data: bytes) -> tuple[ImportedContact, list[str]]:
    warnings = Warnings()
    (record,) = read_vcards(BytesIO(data), name="x.vcf", warnings=warnings)
    return record, [str(w) for w in warnings.shown]


def _refold(text: str, width: int) -> bytes:
    """Every line unfolded, then folded every `width` bytes, inside characters too."""
    out = []
    for line in text.replace("\r\n ", "").split("\r\n"):
        raw = line.encode("utf-8")
        pieces = [raw[i:i + width] for i in range(0, len(raw), width)] or [b""]
        out.append(b"\r\n ".join(pieces))
    return b"\r\n".join(out)


def _quoted_printable(text: str) -> bytes:
    """vCard 2.1 style: every value quoted-printable, its charset named."""
    out = []
    for line in text.replace("\r\n ", "").split("\r\n"):
        head, sep, value = line.partition(":")
        # A picture stays base64: no program writes one quoted-printable.
        if not sep or head in ("BEGIN", "END", "VERSION", "PHOTO") or ";VALUE=uri" in head:
            out.append(line.encode("utf-8"))
            continue
        encoded = quopri.encodestring(value.encode("utf-8")).replace(b"=\n", b"")
        out.append(head.encode() + b";ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + encoded)
    return b"\r\n".join(out)


@settings(max_examples=25, deadline=None)
@given(contacts(), st.integers(12, 80), PHOTOS)  # BEGIN:VCARD and VERSION stay whole
def test_written_cards_read_back_identically_through_every_variant(
        drawn: tuple[Contact, list[ImportantDate]], width: int,
        photo: ContactPhoto | None) -> None:
    contact, dates = drawn
    text = card(contact, dates, photo=photo)
    expected, warnings = _read(text.encode("utf-8"))
    assert warnings == []
    assert expected.dates == dates
    kept = expected.photo
    assert (kept.media_type, kept.data) == (photo.media_type, photo.data) if kept and photo \
        else kept is None and photo is None
    assert (expected.fields.name, expected.fields.organization, expected.fields.role,
            expected.fields.notes) == (contact.name, contact.organization, contact.role,
                                       contact.notes)
    assert expected.fields.phones == contact.phones
    assert expected.fields.tags == contact.tags
    variants = {
        "refolded": _refold(text, width),
        "lf": text.replace("\r\n", "\n").encode("utf-8"),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
        "quoted-printable": _quoted_printable(text),
    }
    for name, data in variants.items():
        record, warnings = _read(data)
        assert (record.fields, record.dates, record.photo, warnings) == (
            expected.fields, expected.dates, expected.photo, []), name
