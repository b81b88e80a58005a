"""A small community, seeded through the repositories of any unit of work: Ana shows her
contact Cleo by name to anyone who asks; Ben is a member and Ana's contact, linked;
Dan is a member nobody knows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.ids import ContactId, MemberId, new_id
from kithbook.domain.members import Member
from kithbook.domain.ties import AskRule, SharingPolicy, Tie, Visibility
from kithbook.services.ports import Clock, UnitOfWork

SHOWN = SharingPolicy(visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE)


@dataclass(frozen=True)
class World:
    ana: Member
    ben: Member
    dan: Member
    cleo: ContactId  # in Ana's book, shown and askable
    hidden: ContactId  # in Ana's book, on her (hidden) defaults


def seed(uow: Callable[[], UnitOfWork], clock: Clock) -> World:
    now = clock.now()
    ana, ben, dan = (Member(id=MemberId(new_id()), name=name,
                            email=f"{name.lower()}@example.org", created_at=now)
                     for name in ("Ana", "Ben", "Dan"))
    cleo, ben_in_ana, hidden = (ContactId(new_id()) for _ in range(3))
    with uow() as u:
        for member in (ana, ben, dan):
            u.members.add(member)
        for contact, name, policy in ((cleo, "Cleo Park", SHOWN), (ben_in_ana, "Ben Ortiz", None),
                                      (hidden, "Hana Sato", None)):
            u.contacts.add(Contact(id=contact, owner=ana.id, name=name,
                                   created_at=now, updated_at=now,
                                   emails=[Labeled(f"{name.split()[0].lower()}@example.net")]))
            u.ties.add(Tie(owner=ana.id, contact=contact, stated_trust=4, policy=policy))
        u.contacts.link_member(ana.id, ben_in_ana, ben.id)
        u.commit()
    return World(ana, ben, dan, cleo, hidden)
