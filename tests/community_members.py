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


def add_member(kb: Kithbook, name: str, role: Role = Role.MEMBER, *,
               password: str | None = None) -> Member:
    member = Member(id=MemberId(new_id()), name=name, email=f"{name.lower()}@example.org",
                    role=role, created_at=kb.clock.now())
    stored = passwords.hash_password(password) if password else "not a usable hash"
    with kb.uow() as uow:
        uow.members.add(member)
        uow.accounts.add(member.id, stored, kb.clock.now())
        uow.commit()
    return member


def ben_may_ask_ana_about_cleo(kb: Kithbook) -> tuple[Member, Member, ContactId]:
    """Ana, who shows her contact Cleo by name to anyone who asks, and Ben, a member
    linked to his entry in Ana's book: (Ana, Ben, Cleo's id in Ana's book)."""
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    cleo = kb.add_contact(ana.id, ContactFields(name="Cleo Park"), TieFields(stated_trust=4)).id
    kb.set_contact_policy(ana.id, cleo, PolicyChange(visibility=Visibility.NAMED,
                                                     ask_rule=AskRule.ANYONE))
    ben_in_ana = kb.add_contact(ana.id, ContactFields(name="Ben Ortiz"),
                                TieFields(stated_trust=4)).id
    with kb.uow() as uow:
        uow.contacts.link_member(ana.id, ben_in_ana, ben.id)
        uow.commit()
    return ana, ben, cleo
