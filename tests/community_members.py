"""Members with accounts, made directly for tests (no Argon2 work unless a password is given)."""

from __future__ import annotations

from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import ContactId, MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services import passwords
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook


def bare_member(kb: Kithbook, name: str, email: str | None = None) -> Member:
    """A member row and nothing else: what the services see of someone who never signed
    in (local mode's owner, a member made by an import)."""
    return _stored(kb, Member(id=MemberId(new_id()), name=name, email=email,
                              created_at=kb.clock.now()))


def add_member(kb: Kithbook, name: str, role: Role = Role.MEMBER, *,
               password: str | None = None) -> Member:
    """A member with an account, emailed at <name>@example.org."""
    member = Member(id=MemberId(new_id()), name=name, email=f"{name.lower()}@example.org",
                    role=role, created_at=kb.clock.now())
    stored = passwords.hash_password(password) if password else "not a usable hash"
    return _stored(kb, member, stored)


def _stored(kb: Kithbook, member: Member, password_hash: str | None = None) -> Member:
    with kb.uow() as uow:
        uow.members.add(member)
        if password_hash is not None:
            uow.accounts.add(member.id, password_hash, kb.clock.now())
        uow.commit()
    return member


def ben_may_ask_ana_about_cleo(kb: Kithbook) -> tuple[Member, Member, ContactId]:
    """Ana, who shows her contact Cleo by name to anyone who asks, and Ben, a member
    linked to his entry in Ana's book: (Ana, Ben, Cleo's id in Ana's book)."""
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park"),
                               TieFields(stated_trust=4)).id
    kb.book.set_contact_policy(ana.id, cleo, PolicyChange(visibility=Visibility.NAMED,
                                                          ask_rule=AskRule.ANYONE))
    ben_in_ana = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz"),
                                     TieFields(stated_trust=4)).id
    with kb.uow() as uow:
        uow.contacts.link_member(ana.id, ben_in_ana, ben.id)
        uow.commit()
    return ana, ben, cleo


def know_each_other(kb: Kithbook, a: Member, b: Member) -> None:
    """Each of `a` and `b` keeps a card for the other, and the two cards are confirmed
    member links: the way two members come to know each other on a community server."""
    for owner, member in ((a, b), (b, a)):
        kb.book.add_contact(owner.id, ContactFields(name=f"Card {member.name}"),
                            TieFields(stated_trust=4))
    for owner, member in ((a, b), (b, a)):
        kb.community.propose_link(owner.id, f"Card {member.name}", member.email or "")
    for member in (a, b):
        for view in kb.community.member_links(member.id):
            if not view.confirmed and not view.proposed_by_me:
                kb.community.confirm_link(member.id, view.id)
