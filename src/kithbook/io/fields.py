"""Turning the raw values a file gives into checked contact fields, with errors that say where."""

from __future__ import annotations

from kithbook.domain.contacts import Contact, ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, MemberId
from kithbook.services.normalize import DEFAULT_REGION, normalize_email, normalize_phone

_PLACEHOLDER_ID = ContactId("import")
_PLACEHOLDER_OWNER = MemberId("import")


def checked_fields(*, where: str, name: str, emails: list[Labeled] | None = None,
                   phones: list[Labeled] | None = None, links: list[str] | None = None,
                   tags: list[str] | None = None, organization: str | None = None,
                   role: str | None = None, location: str | None = None,
                   how_we_met: str | None = None, notes: str | None = None,
                   region: str | None = DEFAULT_REGION) -> ContactFields:
    """Normalize and check one contact; an error names `where` and the field."""
    try:
        checked_emails = _unique([Labeled(normalize_email(e.value), e.label)
                                  for e in emails or [] if e.value.strip()])
        checked_phones = _unique([Labeled(normalize_phone(p.value, region=region), p.label)
                                  for p in phones or [] if p.value.strip()])
        name = " ".join(name.split()) or _fallback_name(checked_emails, organization)
        # The domain's own rules (lengths, tags, counts) decide what a contact may hold.
        contact = Contact(id=_PLACEHOLDER_ID, owner=_PLACEHOLDER_OWNER, name=name,
                          emails=checked_emails, phones=checked_phones, links=links or [],
                          tags=tags or [], organization=organization, role=role,
                          location=location, how_we_met=how_we_met, notes=notes)
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc.message}", field=exc.field) from None
    return ContactFields(name=contact.name, emails=contact.emails, phones=contact.phones,
                         links=contact.links, tags=contact.tags,
                         organization=contact.organization, role=contact.role,
                         location=contact.location, how_we_met=contact.how_we_met,
                         notes=contact.notes)


def _fallback_name(emails: list[Labeled], organization: str | None) -> str:
    if organization and organization.strip():
        return organization
    if emails:
        return emails[0].value
    raise InvalidInput("this contact has no name, email or organization to call it by; "
                       "add a name or remove it.", field="name")


def _unique(values: list[Labeled]) -> list[Labeled]:
    seen: dict[str, Labeled] = {}
    for value in values:
        seen.setdefault(value.value.lower(), value)
    return list(seen.values())
