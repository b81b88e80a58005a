"""The one place that knows which reader reads which contacts format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from kithbook.domain.errors import InvalidInput
from kithbook.io.detect import Format
from kithbook.io.google_csv import read_google_csv
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.linkedin import read_linkedin
from kithbook.io.outlook_csv import read_outlook_csv
from kithbook.io.records import ImportedContact
from kithbook.io.vcard import read_vcards
from kithbook.services.normalize import DEFAULT_REGION

CONTACT_FORMATS = (Format.LINKEDIN, Format.VCARD, Format.GOOGLE_CSV, Format.OUTLOOK_CSV)


def read_contacts(stream: BinaryIO, format: Format, *, name: str,
                  limits: Limits = DEFAULT_LIMITS, keep_photos: bool = False,
                  region: str | None = DEFAULT_REGION) -> Iterator[ImportedContact]:
    """Contacts from a file of any contacts format; calendars and JSON have their own readers."""
    if format is Format.LINKEDIN:
        return read_linkedin(stream, name=name, limits=limits, region=region)
    if format is Format.VCARD:
        return read_vcards(stream, name=name, limits=limits, keep_photos=keep_photos,
                           region=region)
    if format is Format.GOOGLE_CSV:
        return read_google_csv(stream, name=name, limits=limits, region=region)
    if format is Format.OUTLOOK_CSV:
        return read_outlook_csv(stream, name=name, limits=limits, region=region)
    raise InvalidInput(f"{name} is a {format.value} file, which holds no contacts to read "
                       "this way.", field="format")
