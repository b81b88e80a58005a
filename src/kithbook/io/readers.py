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
from kithbook.io.records import ImportedContact, Warnings
from kithbook.io.vcard import read_vcards
from kithbook.values.normalize import DEFAULT_REGION

CONTACT_FORMATS = (Format.LINKEDIN, Format.VCARD, Format.GOOGLE_CSV, Format.OUTLOOK_CSV)


def read_contacts(stream: BinaryIO, format: Format, *, name: str,
                  limits: Limits = DEFAULT_LIMITS, keep_photos: bool = True,
                  region: str | None = DEFAULT_REGION, warnings: Warnings | None = None,
                  named: bool = False) -> Iterator[ImportedContact]:
    """Contacts from a file of any contacts format; calendars and JSON have their own readers.

    `named`: the member chose the format, so a CSV's columns of that format are read
    whatever others it has (with a warning naming those).
    """
    if format is Format.LINKEDIN:
        return read_linkedin(stream, name=name, limits=limits, region=region,
                             warnings=warnings, named=named)
    if format is Format.VCARD:
        return read_vcards(stream, name=name, limits=limits, keep_photos=keep_photos,
                           region=region, warnings=warnings)
    if format is Format.GOOGLE_CSV:
        return read_google_csv(stream, name=name, limits=limits, region=region,
                               warnings=warnings, named=named)
    if format is Format.OUTLOOK_CSV:
        return read_outlook_csv(stream, name=name, limits=limits, region=region,
                                warnings=warnings, named=named)
    raise InvalidInput(f"{name} is a {format.value} file, which holds no contacts to read "
                       "this way.", field="format")
