"""Erasing a person from a member's book, and deleting a member's whole account."""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.services.ports import UnitOfWork
from kithbook.values.normalize import DEFAULT_REGION, normalize_email, normalize_phone


@dataclass(frozen=True)
class ErasureReport:
    """What was removed: every contact holding the email or phone, and what hung on them."""

    matched: str  # the normalized email or phone searched for
    contacts: tuple[str, ...]  # "Ada Lovelace [k3j9…]" for each contact removed
    interactions_removed: int  # interactions that involved only them
    interactions_kept: int  # shared with others: kept, with the person taken off


@dataclass(frozen=True)
class AccountReport:
    member: str
    contacts: int
    interactions: int


def erase_person(uow: UnitOfWork, actor: MemberId, *, email: str | None = None,
                 phone: str | None = None, region: str | None = DEFAULT_REGION
                 ) -> ErasureReport:
    """Remove everyone in `actor`'s book who has this email or phone, with their history."""
    if (email is None) == (phone is None):
        raise InvalidInput("name the person by one email or one phone number.",
                           field="email")
    with uow:
        if email is not None:
            matched = normalize_email(email)
            found = uow.contacts.with_email(actor, matched)
        else:
            matched = normalize_phone(phone or "", region=region)
            found = uow.contacts.with_phone(actor, matched)
        ids = [c.id for c in found]
        involved = uow.interactions.count_for(actor, ids)
        for contact in found:
            uow.contacts.delete(actor, contact.id)
        removed = uow.interactions.delete_orphans(actor)
        # What capture kept about their addresses (the review queue, ignore decisions).
        addresses = {e.value for c in found for e in c.emails}
        if email is not None:
            addresses.add(matched)
        for address in sorted(addresses):
            uow.capture.forget_address(actor, address.lower())
        uow.contacts.forget_removed_text()
        uow.commit()
    return ErasureReport(matched, tuple(f"{c.headline} [{c.id}]" for c in found), removed,
                         involved - removed)


def delete_account(uow: UnitOfWork, actor: MemberId) -> AccountReport:
    """Delete the member and everything of theirs: contacts, ties, interactions."""
    with uow:
        member = uow.members.get(actor)
        if member is None:
            raise NotFound("this account does not exist.", field="member")
        contacts = uow.contacts.count(actor)
        interactions = len(uow.interactions.all(actor))
        uow.members.delete(actor)
        uow.contacts.forget_removed_text()
        uow.commit()
    return AccountReport(member.name, contacts, interactions)
