"""Use cases of member links: propose, confirm, decline, unlink, list.

Proposing names the member by email and always gets the same answer, whether or not
the email belongs to a member: the proposer learns someone is a member only when that
member confirms.
"""

from __future__ import annotations

from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.links import LinkView, MemberLink
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.references import resolve_contact

NO_LINK = "no link request with the id {!r}."


def propose(uow: UnitOfWork, actor: MemberId, contact_ref: str, email: str,
            clock: Clock) -> None:
    address = email.strip().casefold()
    if "@" not in address:
        raise InvalidInput(f"{email.strip()!r} is not an email address.", field="email")
    with uow:
        contact = resolve_contact(uow, actor, contact_ref)
        existing = uow.links.for_contact(contact.id)
        if existing is not None and existing.confirmed:
            raise InvalidInput(f"{contact.name} is already linked to a member; unlink first.",
                               field="contact")
        found = uow.accounts.with_email(address)
        member = found[0] if found else None
        if member is None or member.id == actor or uow.contacts.linked_to(actor, member.id):
            uow.commit()  # the same answer either way; nothing to ask anyone
            return
        if existing is not None:
            uow.links.remove(existing.id)
        uow.links.add(MemberLink(id=new_id(), owner=actor, contact_id=contact.id,
                                 member=member.id, created_at=clock.now()))
        uow.commit()


def _mine(uow: UnitOfWork, actor: MemberId, link_id: str) -> MemberLink:
    link = uow.links.get(link_id)
    if link is None or actor not in (link.owner, link.member):
        raise NotFound(NO_LINK.format(link_id))
    return link


def confirm(uow: UnitOfWork, actor: MemberId, link_id: str, clock: Clock) -> None:
    """The member named confirms: from now on the owner's contact stands for them."""
    with uow:
        link = _mine(uow, actor, link_id)
        if link.member != actor:
            raise InvalidInput("only the member you named can confirm this link.",
                               field="link")
        if not link.confirmed:
            uow.links.confirm(link.id, clock.now())
            uow.contacts.link_member(link.owner, link.contact_id, link.member)
        uow.commit()


def unlink(uow: UnitOfWork, actor: MemberId, link_id: str) -> None:
    """Either side ends a link or a pending request, at once."""
    with uow:
        link = _mine(uow, actor, link_id)
        if link.confirmed:
            uow.contacts.link_member(link.owner, link.contact_id, None)
        uow.links.remove(link.id)
        uow.commit()


def links(uow: UnitOfWork, actor: MemberId) -> list[LinkView]:
    with uow.reading():
        views = []
        for link in uow.links.involving(actor):
            mine = link.owner == actor
            other = uow.members.get(link.member if mine else link.owner)
            contact = uow.contacts.get(link.owner, link.contact_id) if mine else None
            views.append(LinkView(
                id=link.id, other_name=other.name if other else "a former member",
                contact_name=contact.name if contact else None, proposed_by_me=mine,
                confirmed=link.confirmed, created_at=link.created_at))
        return views
