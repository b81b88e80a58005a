"""Use cases of member links: propose, confirm, decline, unlink, list.

Proposing names the member by email, and does the same work and gets the same answer
whether or not the email belongs to a member: the proposal is stored under the email,
the proposer's list shows the email they typed, and no email is sent either way. The
member whose account has that email is notified and finds it on their links page; the
proposer learns someone is a member only when that member confirms.
"""

from __future__ import annotations

from kithbook.domain.accounts import normalize_email
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.links import LinkView, MemberLink
from kithbook.domain.members import Member
from kithbook.domain.notifications import Notification
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.references import resolve_contact

NO_LINK = "no link request with the id {!r}."


def propose(uow: UnitOfWork, actor: MemberId, contact_ref: str, email: str,
            clock: Clock) -> None:
    address = normalize_email(email)
    with uow:
        me = _member(uow, actor)
        if address == me.email:
            raise InvalidInput("that is your own email: name the member this contact stands "
                               "for.", field="email")
        contact = resolve_contact(uow, actor, contact_ref)
        existing = uow.links.for_contact(contact.id)
        if existing is not None and existing.confirmed:
            raise InvalidInput(f"{contact.name} is already linked to a member; unlink first.",
                               field="contact")
        if existing is not None:  # a new proposal for this contact replaces the pending one
            uow.links.remove(existing.id)
        uow.links.add(MemberLink(id=new_id(), owner=actor, contact_id=contact.id,
                                 member=None, email=address, created_at=clock.now()))
        _tell_the_member_named(uow, me, address, clock)
        uow.commit()


def _tell_the_member_named(uow: UnitOfWork, proposer: Member, address: str,
                           clock: Clock) -> None:
    """A notification for the member with that email, if there is one; the proposer is
    told nothing either way, and sees the same answer."""
    uow.notifications.add_for_email(address, Notification(
        id=new_id(), member_id="", intro_id=None,
        message=f"{proposer.name} asks to link their book to you, so that their contact "
                "stands for your account. Confirm or decline it on your links page.",
        created_at=clock.now(), link="/links"))


def _member(uow: UnitOfWork, member_id: MemberId) -> Member:
    member = uow.members.get(member_id)
    if member is None:
        raise NotFound(f"no member {member_id}.", field="member")
    return member


def _mine(uow: UnitOfWork, actor: MemberId, link_id: str) -> MemberLink:
    link = uow.links.get(link_id)
    if link is None or not (link.owner == actor
                            or link.is_for(actor, _member(uow, actor).email)):
        raise NotFound(NO_LINK.format(link_id))
    return link


def confirm(uow: UnitOfWork, actor: MemberId, link_id: str, clock: Clock) -> None:
    """The member named confirms: from now on the owner's contact stands for them."""
    with uow:
        link = _mine(uow, actor, link_id)
        if link.owner == actor:
            raise InvalidInput("only the member you named can confirm this link.",
                               field="link")
        if not link.confirmed:
            if uow.contacts.linked_to(link.owner, actor) is not None:
                raise InvalidInput("another contact in their book already stands for you; "
                                   "decline this one, or unlink that one first.", field="link")
            uow.links.confirm(link.id, actor, clock.now())
            uow.contacts.link_member(link.owner, link.contact_id, actor)
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
        for link in uow.links.involving(actor, _member(uow, actor).email):
            mine = link.owner == actor
            contact = uow.contacts.get(link.owner, link.contact_id) if mine else None
            views.append(LinkView(
                id=link.id, other_name=_other_name(uow, link, mine),
                contact_name=contact.name if contact else None, proposed_by_me=mine,
                confirmed=link.confirmed, created_at=link.created_at))
        return views


def _other_name(uow: UnitOfWork, link: MemberLink, mine: bool) -> str:
    """Who is on the other side: the owner sees the email they named until the member
    confirms (a member's name would tell them the email has an account)."""
    if mine and not link.confirmed:
        return link.email or "a member"
    other_id = link.member if mine else link.owner
    other = uow.members.get(other_id) if other_id else None
    return other.name if other else "a former member"
