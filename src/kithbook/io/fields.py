"""Turning the raw values a file gives into checked contact fields, warning about the rest.

A file from another program is read as faithfully as it can be: a value that does not
fit (an unreadable phone, an address that is not an email, a name past the length limit)
never refuses the file. It is kept as written where that is safe, moved to the notes or
shortened otherwise, and each such choice is reported through `warn`, so the member
learns what to check. Only a record with nothing to call the person by is skipped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TypeVar

from kithbook.domain.contacts import (
    MAX_NAME,
    MAX_SHORT,
    MAX_TEXT,
    MAX_VALUES,
    ContactFields,
    Labeled,
    clean_tag,
)
from kithbook.domain.errors import InvalidInput
from kithbook.domain.important_dates import DateKind, ImportantDate, parse_important_date
from kithbook.values.normalize import DEFAULT_REGION, normalize_email, normalize_phone

MAX_TAG = 60

# Labels every address book writes: stored lower-case; a label a person made up is kept
# exactly as written.
STANDARD_LABELS = {"home", "work", "mobile", "other", "main", "fax", "pager", "school",
                   "cell", "iphone", "homepage", "car", "assistant", "video", "isdn",
                   "modem", "bbs", "msg", "personal", "business", "internet"}

Warn = Callable[[str], None]
_T = TypeVar("_T")


def checked_fields(*, warn: Warn, name: str, emails: list[Labeled] | None = None,
                   phones: list[Labeled] | None = None, links: list[str] | None = None,
                   tags: list[str] | None = None, organization: str | None = None,
                   role: str | None = None, location: str | None = None,
                   how_we_met: str | None = None, notes: str | None = None,
                   country: str | None = None,
                   region: str | None = DEFAULT_REGION) -> ContactFields | None:
    """Normalize one contact, warning about every value not taken as it was.

    `country` is the record's own country (from its address), tried before `region` for
    phones written without their country code. Returns None, with a warning, only when
    the record has no name, email or organization to call the person by.
    """
    extra: list[str] = []  # values moved to the notes rather than lost
    checked_emails = _emails(emails or [], warn, extra)
    checked_phones = _phones(phones or [], warn, _regions(country, region), region)
    name = " ".join(name.split())
    if not name:
        name = _fallback_name(checked_emails, organization, warn) or ""
        if not name:
            warn("it has no name, email or organization to call the person by; skipped. "
                 "Add a name in the file to import it.")
            return None
    name = _shorten(name, MAX_NAME, "the name", warn) or name
    organization = _shorten(organization, MAX_SHORT, "the organization", warn)
    role = _shorten(role, MAX_SHORT, "the role", warn)
    location = _shorten(location, MAX_SHORT, "the place", warn)
    checked_tags = _tags(tags or [], warn)
    if extra:
        notes = "\n".join([*(line for line in [notes] if line and line.strip()), *extra])
    notes = _shorten(notes, MAX_TEXT, "the notes", warn)
    how_we_met = _shorten(how_we_met, MAX_TEXT, "how you met", warn)
    checked_emails = _at_most(checked_emails, "emails", warn)
    checked_phones = _at_most(checked_phones, "phones", warn)
    checked_links = _at_most(list(dict.fromkeys(link.strip() for link in links or []
                                                if link.strip())), "links", warn)
    long_links = [link for link in checked_links if len(link) > MAX_TEXT]
    if long_links:
        warn(f"{len(long_links)} link(s) longer than {MAX_TEXT:,} characters left out.")
        checked_links = [link for link in checked_links if len(link) <= MAX_TEXT]
    # Everything above keeps the values inside the domain's rules (`check_contact_fields`),
    # which the import applies once, when it makes the contact: checking here as well cost
    # a second check per record.
    return ContactFields(name=name, emails=checked_emails, phones=checked_phones,
                         links=checked_links, tags=checked_tags, organization=organization,
                         role=role, location=location, how_we_met=how_we_met, notes=notes)


def _emails(values: list[Labeled], warn: Warn, extra: list[str]) -> list[Labeled]:
    out: dict[str, Labeled] = {}
    for value in values:
        text = value.value.strip()
        if not text:
            continue
        try:
            address = normalize_email(text)
        except InvalidInput:
            shown = text[:200]
            warn(f"{shown!r} is not an email address; it is kept in the notes instead. "
                 "Correct it on the contact's page.")
            extra.append(f"Email as written: {shown}")
            continue
        out.setdefault(address.lower(), Labeled(address, standard_label(value.label)))
    return list(out.values())


def _phones(values: list[Labeled], warn: Warn, regions: tuple[str | None, ...],
            region: str | None) -> list[Labeled]:
    out: dict[str, Labeled] = {}
    for value in values:
        text = " ".join(value.value.split())
        if not text:
            continue
        number = None
        for guess in regions:
            try:
                number = normalize_phone(text, region=guess)
                break
            except InvalidInput:
                continue
        if number is None:
            text = text[:MAX_SHORT]
            warn(f"the phone {text!r} is not a number Kithbook can read (numbers written "
                 f"without a country code are read as {region or 'international'}, set by "
                 "KITHBOOK_PHONE_REGION); kept as written, not normalized. Add its country "
                 "code, like +44 20 7946 0958, on the contact's page.")
            number = text
        out.setdefault(number, Labeled(number, standard_label(value.label)))
    return list(out.values())


def standard_label(label: str | None) -> str | None:
    """An address book's own label lower-cased ("Work" → "work"); a person's kept as typed."""
    if label is None:
        return None
    label = " ".join(label.split())
    return (label.lower() if label.lower() in STANDARD_LABELS else label) or None


def _regions(country: str | None, region: str | None) -> tuple[str | None, ...]:
    guessed = region_of(country) if country else None
    return (guessed, region) if guessed and guessed != region else (region,)


def region_of(country: str) -> str | None:
    """The phone region of a country as an address writes it: "GB", "United Kingdom",
    "Deutschland", "España" (names in every language phonenumbers knows)."""
    key = " ".join(country.strip().casefold().split())
    if not key:
        return None
    return _country_regions().get(key)


@functools.cache
def _country_regions() -> dict[str, str]:
    from phonenumbers import SUPPORTED_REGIONS
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for code, by_language in LOCALE_DATA.items():
        if code not in SUPPORTED_REGIONS:
            continue
        names.setdefault(code.casefold(), code)
        for text in by_language.values():
            if text.startswith("*"):  # "the same as in that language"
                text = by_language.get(text[1:], "")
            if text:
                names.setdefault(" ".join(text.casefold().split()), code)
    names.update({"usa": "US", "u.s.a.": "US", "uk": "GB", "england": "GB",
                  "scotland": "GB", "wales": "GB"})
    return names


def _fallback_name(emails: list[Labeled], organization: str | None, warn: Warn) -> str | None:
    if organization and organization.strip():
        warn(f"it has no name; it is called {organization.strip()!r} after its "
             "organization. Add a name on the contact's page.")
        return organization
    if emails:
        warn(f"it has no name; it is called {emails[0].value} after its email. Add a "
             "name on the contact's page.")
        return emails[0].value
    return None


def _shorten(value: str | None, limit: int, what: str, warn: Warn) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        warn(f"{what} is {len(value):,} characters long; only its first {limit:,} are kept.")
        return value[:limit].rstrip()
    return value or None


def _tags(values: list[str], warn: Warn) -> list[str]:
    out: list[str] = []
    for tag in values:
        if not tag.strip():
            continue
        if len(" ".join(tag.split())) > MAX_TAG:
            warn(f"the tag {tag[:40]!r}… is longer than {MAX_TAG} characters; left out.")
            continue
        out.append(clean_tag(tag))
    unique = sorted(set(out))
    return _at_most(unique, "tags", warn)


def _at_most(values: list[_T], what: str, warn: Warn) -> list[_T]:
    if len(values) > MAX_VALUES:
        warn(f"it has {len(values)} {what}; a contact holds at most {MAX_VALUES}, so the "
             "first ones are kept.")
        return values[:MAX_VALUES]
    return values


_US_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")  # Outlook: 12/10/1815


def read_important_date(text: str, kind: DateKind, *, warn: Warn,
                        label: str | None = None) -> ImportantDate | None:
    """A birthday or other date as exports write it, or None with a warning.

    ISO and vCard forms (`1815-12-10`, `18151210`, `--12-10`, `--1210`), and Outlook's
    `12/10/1815`, whose empty value is `0/0/00`.
    """
    cleaned = text.strip()
    us = _US_DAY.match(cleaned)
    if us:
        month, day, year = (int(part) for part in us.groups())
        if month == 0 and day == 0:
            return None  # Outlook's "no date"
        if len(us.group(3)) == 4:
            cleaned = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        return parse_important_date(cleaned, kind, label=label)
    except InvalidInput:
        what = label or kind.value
        warn(f"cannot read the {what} {text.strip()[:40]!r}; left out. Write it like 1815-12-10 "
             "(or --12-10 without the year) in the file and import it again.")
        return None
