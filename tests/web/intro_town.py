"""A small community for the introduction faces: Ben asks Ana, who knows Cleo; Dan is a
member with nothing to do with it. The web app acts as whoever `act_as` names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi.testclient import TestClient

from community_members import bare_member
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook

PURPOSE = "I'd like Cleo's advice on structuring a first data team at a 20-person company."
SECRET = "Ben oversold his last startup to me"


@dataclass
class Town:
    ana: Member  # introduces
    ben: Member  # asks
    cleo: Member  # is asked for
    dan: Member  # no party
    cleo_contact: str  # Cleo in Ana's book
    hal: str  # hidden in Ana's book


def _member(kb: Kithbook, name: str) -> Member:
    return bare_member(kb, name, f"{name.lower()}@example.org")


def build_town(kb: Kithbook, *, cleo_is_member: bool = True) -> Town:
    """With `cleo_is_member`, Ana's contact Cleo is linked to Cleo's account (so Cleo
    answers for herself); without, Cleo is someone off the platform."""
    ana, ben, cleo, dan = (_member(kb, n) for n in ("Ana", "Ben", "Cleo", "Dan"))
    kb.intros.fair_use = FairUseLimits(max_open_requests=50, cooldown_after_decline=timedelta(0))
    cleo_contact = kb.book.add_contact(ana.id, ContactFields(
        name="Cleo Park", organization="Acme", emails=[Labeled("cleo@acme.example")]),
        TieFields(stated_trust=4)).id
    kb.book.set_contact_policy(ana.id, cleo_contact, PolicyChange(
        visibility=Visibility.ANONYMOUS, ask_rule=AskRule.ANYONE,
        welcomes="happy to talk about data teams and hiring"))
    hal = kb.book.add_contact(ana.id, ContactFields(name="Hal Hidden", organization="Acme")).id
    ben_contact = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz"),
                                      TieFields(stated_trust=4)).id
    with kb.uow() as uow:  # links as if confirmed
        uow.contacts.link_member(ana.id, ben_contact, ben.id)
        if cleo_is_member:
            uow.contacts.link_member(ana.id, cleo_contact, cleo.id)
        uow.commit()
    return Town(ana, ben, cleo, dan, cleo_contact, hal)


def act_as(client: TestClient, member: Member) -> TestClient:
    """Later requests come from `member` (the app's one seam for who is asking)."""
    client.app.state.local_member = member  # type: ignore[attr-defined]
    return client


def ask(client: TestClient, town: Town, purpose: str = PURPOSE) -> dict[str, object]:
    act_as(client, town.ben)
    response = client.post("/api/v1/introductions", json={
        "kind": "member", "introducer": town.ana.id, "target": town.cleo_contact,
        "purpose": purpose, "note": "Thanks for considering"})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body
