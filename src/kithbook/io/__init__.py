"""Importers and exporters: LinkedIn, vCard, Google and Outlook CSV, ICS, Kithbook JSON.

Readers take a binary stream and yield checked records (`ImportedContact`,
`ImportedEvent`, or a whole `Book` for JSON); they never write anything, so a service can
run a dry run or apply a whole file in one transaction. Every error is an `InvalidInput`
whose message names the file's line, card or event and says how to fix it.
"""

from kithbook.io.detect import Format, connections_in_zip, detect_format, open_import
from kithbook.io.export_csv import write_contacts_csv
from kithbook.io.export_json import Book, book_document, dumps_book, read_book, write_book
from kithbook.io.export_vcard import write_vcards
from kithbook.io.google_csv import read_google_csv
from kithbook.io.ics import read_ics
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.linkedin import read_linkedin
from kithbook.io.outlook_csv import read_outlook_csv
from kithbook.io.readers import CONTACT_FORMATS, read_contacts
from kithbook.io.records import Attendee, ImportedContact, ImportedEvent, Photo
from kithbook.io.vcard import read_vcards

__all__ = [
    "CONTACT_FORMATS", "DEFAULT_LIMITS", "Attendee", "Book", "Format", "ImportedContact",
    "ImportedEvent", "Limits", "Photo", "book_document", "connections_in_zip",
    "detect_format", "dumps_book", "open_import", "read_book", "read_contacts",
    "read_google_csv", "read_ics", "read_linkedin", "read_outlook_csv", "read_vcards",
    "write_book", "write_contacts_csv", "write_vcards",
]
