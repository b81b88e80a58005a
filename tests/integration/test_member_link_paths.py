"""Warm paths travel across confirmed member links, and unlinking removes them at once."""

from __future__ import annotations

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery


def test_a_path_needs_a_confirmed_link_and_ends_when_unlinked(kb: Kithbook) -> None:
    ann = add_member(kb, "Ann")
    bea = add_member(kb, "Bea")
    # Ann knows Bea; Bea knows Ann well, and Carol at Acme, and lets anyone ask.
    kb.book.add_contact(ann.id, ContactFields(name="Bea Baker"), TieFields(stated_trust=4))
    kb.book.add_contact(bea.id, ContactFields(name="Ann Archer"), TieFields(stated_trust=5))
    kb.book.add_contact(bea.id, ContactFields(name="Carol Diaz", organization="Acme"),
                        TieFields(stated_trust=4))
    kb.book.set_default_policy(bea.id, PolicyChange(visibility=Visibility.NAMED,
                                                    ask_rule=AskRule.ANYONE))
    for owner, contact, member in ((ann, "Bea", bea), (bea, "Ann", ann)):
        kb.community.propose_link(owner.id, contact, member.email or "")

    def paths_to_acme() -> list[str]:
        found = kb.paths.find_paths(ann.id, PathQuery(organization="Acme")).paths
        return [" → ".join(step.label for step in p.steps) for p in found]

    # Proposed but not confirmed: the contacts do not stand for members yet.
    assert paths_to_acme() == []
    for member in (bea, ann):
        asked = [v for v in kb.community.member_links(member.id)
                 if not v.confirmed and not v.proposed_by_me]
        kb.community.confirm_link(member.id, asked[0].id)
    assert len(paths_to_acme()) == 1 and "Carol Diaz" in paths_to_acme()[0]

    link = next(v for v in kb.community.member_links(ann.id) if v.confirmed and v.proposed_by_me)
    kb.community.unlink(ann.id, link.id)
    assert paths_to_acme() == []
