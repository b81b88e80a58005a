"""What another app shares with Kithbook: a contact card (a vCard file) read and matched
to the member's book, so that what happened with that person can be logged with the
right contact, or the person added when the book does not hold them yet."""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import islice

from kithbook.domain.contacts import Contact, ContactFields, fold
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import ContactId, MemberId
from kithbook.io.records import Warnings
from kithbook.io.vcard import read_vcards
from kithbook.services.ports import UnitOfWork
from kithbook.services.references import resolve_contact

MAX_CARD_BYTES = 1 << 20  # a card with a photo; a whole address book is not shared so
MAX_MATCHES = 5


@dataclass(frozen=True)
class CardMatch:
    contact: Contact
    reasons: tuple[str, ...]  # "same email ada@example.org", "same name"


@dataclass(frozen=True)
class SharedCard:
    """The first person of a shared card, and who in the book they may be (the likeliest
    first: the most reasons). `ref` is what names the one match in a log form: its name,
    or its id when another contact has that name too."""

    fields: ContactFields
    matches: tuple[CardMatch, ...]
    ref: str | None
    more_cards: bool  # the file held more than one person: only the first is offered


def read_shared_card(uow: UnitOfWork, actor: MemberId, data: bytes, filename: str, *,
                     region: str | None) -> SharedCard:
    if len(data) > MAX_CARD_BYTES:
        raise InvalidInput(f"that contact card is {len(data) // 1024:,} KB; a shared card "
                           f"may be up to {MAX_CARD_BYTES // 1024:,} KB. Import a whole "
                           "address book from the Import page instead.", field="card")
    unread = ("the shared file holds no contact card Kithbook can read: share a contact "
              "(a .vcf file, vCard 3 or 4) or text.")
    try:
        cards = list(islice(read_vcards(io.BytesIO(data), name=filename or "shared.vcf",
                                        keep_photos=False, region=region,
                                        warnings=Warnings()), 2))
    except InvalidInput as exc:
        raise InvalidInput(f"{unread} ({exc.message})", field="card") from None
    if not cards:
        raise InvalidInput(unread, field="card")
    fields = cards[0].fields
    found: dict[ContactId, tuple[Contact, list[str]]] = {}

    def note(contact: Contact, reason: str) -> None:
        found.setdefault(contact.id, (contact, []))[1].append(reason)

    name = fields.name or ""
    with uow.reading():
        for email in fields.emails or []:
            for contact in uow.contacts.with_email(actor, email.value):
                note(contact, f"same email {email.value}")
        for phone in fields.phones or []:
            for contact in uow.contacts.with_phone(actor, phone.value):
                note(contact, f"same phone {phone.value}")
        named = uow.contacts.with_name_part(actor, name, 50) if name.strip() else []
        same_name = [c for c in named if fold(c.name) == fold(name)]
        for contact in same_name:
            note(contact, "same name")
        ranked = sorted(found.values(), key=lambda hit: (-len(hit[1]), fold(hit[0].name)))
        matches = tuple(CardMatch(c, tuple(r)) for c, r in ranked[:MAX_MATCHES])
        ref = _ref(uow, actor, matches[0].contact) if len(matches) == 1 else None
    return SharedCard(fields, matches, ref, more_cards=len(cards) > 1)


def _ref(uow: UnitOfWork, actor: MemberId, contact: Contact) -> str:
    """The contact's name when the log form reads it as this contact, else its id."""
    try:
        named = resolve_contact(uow, actor, contact.name)
    except KithbookError:
        named = None
    return contact.name if named is not None and named.id == contact.id else contact.id
