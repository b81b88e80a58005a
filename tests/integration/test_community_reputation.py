"""Community-wide reputation in the risk brief (SQLite and PostgreSQL).

Ana is the admin. She invited Ben, Dee and Cat; Dee introduced Ben to Cat and Cat rated
it, so Ben and Dee have a history here. Mal joined through nobody and twenty accounts
made with him vouch for him fully. The community's reputation starts from Ana, Ben and
Dee, so Mal's twenty vouches count for nothing while Ben's one vouch for Cat counts.
"""

from __future__ import annotations

from datetime import timedelta

from tests.integration.test_path_services import OPEN, know

from community_members import add_member, bare_member
from kithbook.domain.accounts import Invitation
from kithbook.domain.contacts import ContactFields
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.introductions import Rating
from kithbook.domain.members import Role
from kithbook.domain.reputation import Standing
from kithbook.services.facade import Kithbook

PURPOSE = "I would like advice on hiring a first data engineer for our team."


def _invite(kb: Kithbook, by: MemberId, email: str) -> None:
    now = kb.clock.now()
    invitation = Invitation(new_id(), email, Role.MEMBER, by, now, now + timedelta(days=7))
    with kb.uow() as uow:
        uow.accounts.add_invitation(invitation, new_id() * 5)
        uow.accounts.accept_invitation(invitation.id, now)
        uow.commit()


def _standing(kb: Kithbook, introducer: MemberId, requester: MemberId, target: str
              ) -> tuple[Standing, str]:
    asked = kb.intros.request(requester, introducer, target, PURPOSE)
    brief = kb.intros.risk_brief(introducer, asked.id)
    kb.intros.withdraw(requester, asked.id)
    assert brief.reputation.community is not None
    record = next(line for line in brief.lines() if line.startswith("Their record:"))
    return brief.reputation.community, record


def test_reputation_starts_from_real_members_and_moves_with_outcomes(kb: Kithbook) -> None:
    kb.intros.fair_use = FairUseLimits(max_open_requests=50, cooldown_after_decline=timedelta(0))
    ana = add_member(kb, "Ana", Role.ADMIN).id
    ben, dee, cat = (add_member(kb, n).id for n in ("Ben", "Dee", "Cat"))
    for name in ("ben", "dee", "cat"):
        _invite(kb, ana, f"{name}@example.org")
    mal = add_member(kb, "Mal").id
    fakes = [bare_member(kb, f"Fake {i}").id for i in range(20)]
    know(kb, ana, ben, "Ben", 4)
    know(kb, ana, dee, "Dee", 4)
    know(kb, dee, ben, "Ben", 4)
    know(kb, ben, dee, "Dee", 4)
    know(kb, ben, cat, "Cat", 4)
    for fake in fakes:
        know(kb, fake, mal, "Mal", 5)
        know(kb, mal, fake, "Fake", 5)
    target = kb.book.add_contact(ana, ContactFields(name="Cleo Park", organization="Acme")).id
    kb.book.set_contact_policy(ana, target, OPEN)

    before, _ = _standing(kb, ana, ben, target)
    assert before.seeds == 1  # only the admin: nobody else has a history yet
    cat_in_dee = know(kb, dee, cat, "Cat", 3)
    asked = kb.intros.request(ben, dee, cat_in_dee, PURPOSE)
    kb.intros.forward(dee, asked.id)
    kb.intros.accept(cat, asked.id)
    kb.intros.record_outcome(cat, asked.id, Rating.POSITIVE, comment="helpful")

    ben_now, said = _standing(kb, ana, ben, target)
    assert ben_now.seeds == 3  # Ana, and Ben and Dee whom she invited, with a history
    assert ben_now.score != before.score  # the outcome moved Dee's vouch for Ben
    assert "community reputation" in said and "from 2 members' vouches" in said
    cat_standing, _ = _standing(kb, ana, cat, target)
    mal_standing, mal_said = _standing(kb, ana, mal, target)
    assert cat_standing.score > 0.1
    assert mal_standing.score < 0.01 < cat_standing.score
    assert "from 0 members' vouches" in mal_said  # the twenty are counted, not heard
    assert "20 more from members it does not reach" in mal_said
    assert mal_standing.evidence < cat_standing.evidence
