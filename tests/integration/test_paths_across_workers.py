"""A community server runs several worker processes over one database, each with its own
cache of the path network. A tie hidden, or a link ended, through one worker must vanish
at once from the paths every other worker finds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from community_members import add_member
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery


@pytest.fixture
def other_worker(settings: Settings, clock: FixedClock) -> Iterator[Kithbook]:
    """A second server process's services: its own engine and its own caches."""
    services = bootstrap(settings, clock=clock, migrate=False)
    yield services
    services.close()


def test_a_tie_hidden_through_one_worker_vanishes_from_paths_found_by_another(
        kb: Kithbook, other_worker: Kithbook) -> None:
    ann, bea = add_member(kb, "Ann"), add_member(kb, "Bea")
    kb.book.add_contact(ann.id, ContactFields(name="Bea Baker"), TieFields(stated_trust=4))
    kb.book.add_contact(bea.id, ContactFields(name="Ann Archer"), TieFields(stated_trust=5))
    carol = kb.book.add_contact(bea.id, ContactFields(name="Carol Diaz", organization="Acme"),
                                TieFields(stated_trust=4))
    kb.book.set_default_policy(bea.id, PolicyChange(visibility=Visibility.NAMED,
                                                    ask_rule=AskRule.ANYONE))
    for owner, contact, member in ((ann, "Bea", bea), (bea, "Ann", ann)):
        kb.community.propose_link(owner.id, contact, member.email or "")
    for member in (bea, ann):
        [asked] = [v for v in kb.community.member_links(member.id)
                   if not v.confirmed and not v.proposed_by_me]
        kb.community.confirm_link(member.id, asked.id)

    def labels(services: Kithbook) -> list[str]:
        found = services.paths.find_paths(ann.id, PathQuery(organization="Acme")).paths
        return [step.label for p in found for step in p.steps]

    assert any("Carol Diaz" in label for label in labels(other_worker))  # now cached there
    kb.book.set_contact_policy(bea.id, carol.id, PolicyChange(visibility=Visibility.HIDDEN))
    assert labels(kb) == []
    assert labels(other_worker) == [], "another worker still shows the tie Bea just hid"
