"""A contact: one entry in one member's private book."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, MemberId

MAX_NAME = 200
MAX_TEXT = 20_000
MAX_SHORT = 300
MAX_VALUES = 50


@dataclass(frozen=True)
class Labeled:
    """A value with an optional label, such as a work email or a mobile phone."""

    value: str
    label: str | None = None


@dataclass
class Contact:
    id: ContactId
    owner: MemberId
    name: str
    emails: list[Labeled] = field(default_factory=list)
    phones: list[Labeled] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    organization: str | None = None
    role: str | None = None
    location: str | None = None
    how_we_met: str | None = None
    notes: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        check_contact_fields(self)

    @classmethod
    def stored(cls, *, id: ContactId, owner: MemberId, name: str, emails: list[Labeled],
               phones: list[Labeled], links: list[str], tags: list[str],
               organization: str | None, role: str | None, location: str | None,
               how_we_met: str | None, notes: str | None, created_at: datetime | None,
               updated_at: datetime | None, version: int) -> Contact:
        """A contact read back from storage, which holds only contacts that passed
        `check_contact_fields` when they were made or changed: not checked again (a page
        of the book reads 50 of them per request). `tags` must be sorted."""
        contact = cls.__new__(cls)
        contact.__dict__.update(
            id=id, owner=owner, name=name, emails=emails, phones=phones, links=links,
            tags=tags, organization=organization, role=role, location=location,
            how_we_met=how_we_met, notes=notes, created_at=created_at,
            updated_at=updated_at, version=version)
        return contact

    @property
    def search_text(self) -> str:
        """Everything a search of the book looks at, folded: one field to match words in."""
        parts = [self.name, self.organization, self.role, self.location, self.how_we_met,
                 self.notes, *self.tags, *(e.value for e in self.emails)]
        return fold(" ".join(part for part in parts if part))

    @property
    def headline(self) -> str:
        """"Ada Lovelace (CTO, Analytical Engines)": how a person is told apart in lists."""
        detail = ", ".join(part for part in (self.role, self.organization) if part)
        return f"{self.name} ({detail})" if detail else self.name


def clean_text(value: str | None, *, field_name: str, limit: int) -> str | None:
    """Trim a free-text field; empty becomes None; too long is refused."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > limit:
        raise InvalidInput(
            f"{field_name} is {len(value):,} characters long; keep it under {limit:,}.",
            field=field_name,
        )
    return value


def clean_tag(tag: str) -> str:
    """Tags are case-insensitive single words or short phrases: stored lower-case."""
    cleaned = " ".join(tag.strip().lower().split())
    if not cleaned:
        raise InvalidInput("a tag cannot be empty.", field="tags")
    if len(cleaned) > 60:
        raise InvalidInput(f"tag {tag[:30]!r}… is too long; keep tags under 60 characters.",
                           field="tags")
    return cleaned


def check_contact_fields(contact: Contact) -> None:
    name = clean_text(contact.name, field_name="name", limit=MAX_NAME)
    if name is None:
        raise InvalidInput("a contact needs a name.", field="name")
    contact.name = name
    contact.organization = clean_text(contact.organization, field_name="organization",
                                      limit=MAX_SHORT)
    contact.role = clean_text(contact.role, field_name="role", limit=MAX_SHORT)
    contact.location = clean_text(contact.location, field_name="location", limit=MAX_SHORT)
    contact.how_we_met = clean_text(contact.how_we_met, field_name="how_we_met",
                                    limit=MAX_TEXT)
    contact.notes = clean_text(contact.notes, field_name="notes", limit=MAX_TEXT)
    contact.tags = sorted({clean_tag(t) for t in contact.tags})
    contact.links = _unique([link.strip() for link in contact.links if link.strip()])
    for name_, values in (("emails", contact.emails), ("phones", contact.phones),
                          ("links", contact.links), ("tags", contact.tags)):
        if len(values) > MAX_VALUES:
            raise InvalidInput(f"a contact can hold at most {MAX_VALUES} {name_}.",
                               field=name_)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


@dataclass
class ContactFields:
    """What a person (or an importer) says about a contact, before it has an id.

    `None` means "not given": on an edit it leaves the stored value alone.
    """

    name: str | None = None
    emails: list[Labeled] | None = None
    phones: list[Labeled] | None = None
    links: list[str] | None = None
    tags: list[str] | None = None
    organization: str | None = None
    role: str | None = None
    location: str | None = None
    how_we_met: str | None = None
    notes: str | None = None


def fold(text: str) -> str:
    """Lower-case without accents: "José Núñez" and "jose nunez" compare equal."""
    if text.isascii():  # nothing to decompose; the common case, four times faster
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    if max(decomposed) <= "\uffff":  # marks outside the BMP are rare: checked one by one
        stripped = decomposed.translate(_bmp_marks())
    else:
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@functools.cache
def _bmp_marks() -> dict[int, None]:
    """Every combining mark of the Basic Multilingual Plane, to delete in one C call."""
    return {code: None for code in range(0x10000) if unicodedata.combining(chr(code))}
