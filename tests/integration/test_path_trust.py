"""Warm paths ranked with trust, through the services (SQLite and PostgreSQL).

Ana searches for anyone at Acme. She knows Dee and Fay alike (stated trust 4 each way).
Dee knows Ben, Fay knows Gus, and Ben and Gus know Ana's two would-be targets at Acme
alike: the two paths differ only in how far Ana may trust Ben and Gus, which rests on
Dee's and Fay's vouches (and on Hal's, whom Ana also trusts). The ranking follows those
vouches as they change, and equals a fresh computation of `graph/trust.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pytest
from tests.integration.test_path_services import OPEN, know, member, person

from kithbook.domain.contacts import ContactFields
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.introductions import Rating
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.graph.trust import (
    TRUST_FLOOR,
    build_trust_graph,
    path_factors,
    personalized_trust,
    tie_weight,
)
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.network_trust import member_ties
from kithbook.services.path_network import Network
from kithbook.services.paths import FoundPath, PathQuery, community_network
from kithbook.services.ports import ContactQuery, OutcomeCount

PURPOSE = "I would like advice on hiring a first data engineer for our team."
ACME = PathQuery(organization="Acme")


@dataclass
class Town:
    ana: MemberId
    dee: MemberId
    fay: MemberId
    ben: MemberId
    gus: MemberId
    hal: MemberId
    eve: MemberId
    ben_in_dee: str
    gus_in_fay: str
    gus_in_hal: str
    links: dict[str, tuple[MemberId, MemberId, int]]  # contact: owner, member, stated trust

    def know(self, kb: Kithbook, owner: MemberId, other: MemberId, name: str,
             trust: int) -> str:
        contact = know(kb, owner, other, name, trust)
        self.links[contact] = (owner, other, trust)
        return contact


@pytest.fixture
def town(kb: Kithbook) -> Town:
    kb.intros.fair_use = FairUseLimits(max_open_requests=50, cooldown_after_decline=timedelta(0))
    ana, dee, fay, ben, gus, hal, eve = (member(kb, n) for n in (
        "Ana", "Dee", "Fay", "Ben", "Gus", "Hal", "Eve"))
    t = Town(ana, dee, fay, ben, gus, hal, eve, "", "", "", {})
    for a, b, name_b, name_a in ((ana, dee, "Dee", "Ana"), (ana, fay, "Fay", "Ana")):
        t.know(kb, a, b, name_b, 4)
        t.know(kb, b, a, name_a, 4)
    t.ben_in_dee = t.know(kb, dee, ben, "Ben", 3)
    t.know(kb, ben, dee, "Dee", 4)
    t.gus_in_fay = t.know(kb, fay, gus, "Gus", 3)
    t.know(kb, gus, fay, "Fay", 4)
    t.know(kb, ana, hal, "Hal", 4)
    t.gus_in_hal = t.know(kb, hal, gus, "Gus", 2)
    person(kb, ben, "Zoe Named", OPEN)
    person(kb, gus, "Yan Named", OPEN)
    return t


def ranked(kb: Kithbook, t: Town) -> list[str]:
    """Whom each path goes through, best first."""
    return [path.steps[1].label for path in kb.paths.find_paths(t.ana, ACME).paths]


def _fresh_factors(kb: Kithbook, t: Town, path: FoundPath,
                   outcomes: dict[tuple[MemberId, MemberId], tuple[int, int, int]]
                   ) -> list[float]:
    """The path's intermediaries' factors from `graph/trust.py` run afresh on every
    member's ties as their books store them (every tie here is shown by name)."""
    members = [t.ana, t.dee, t.fay, t.ben, t.gus, t.hal, t.eve]
    number = {m: i for i, m in enumerate(members)}
    src, dst, weight = [], [], []
    for owner in members:
        for row in kb.book.list_contacts(owner, ContactQuery()).items:
            if row.contact.id not in t.links:
                continue
            _, other, stated = t.links[row.contact.id]
            assert row.strength is not None
            src.append(number[owner])
            dst.append(number[other])
            weight.append(tie_weight(stated, row.strength,
                                     *outcomes.get((owner, other), (0, 0, 0))))
    graph = build_trust_graph(src, dst, weight, size=len(members))
    scores = personalized_trust(graph, number[t.ana]).score
    by_name = {"Dee": t.dee, "Fay": t.fay, "Ben": t.ben, "Gus": t.gus}
    return [float(path_factors(scores[number[by_name[s.label]]])) for s in path.steps[:-1]]


def _checked(kb: Kithbook, t: Town,
             outcomes: dict[tuple[MemberId, MemberId], tuple[int, int, int]] | None = None
             ) -> list[str]:
    """Whom each path goes through, best first, after checking every path's trust
    factors against a fresh computation."""
    found = kb.paths.find_paths(t.ana, ACME).paths
    for path in found:
        assert path.trust == pytest.approx(_fresh_factors(kb, t, path, outcomes or {}),
                                           abs=1e-6)
        assert min(path.trust) >= TRUST_FLOOR
    return [path.steps[1].label for path in found]


def test_paths_rank_by_trust_and_move_with_stated_trust_and_outcomes(
        kb: Kithbook, town: Town) -> None:
    # Fay (3) and Hal (2) both vouch for Gus; Dee (3) alone for Ben.
    assert _checked(kb, town) == ["Gus", "Ben"]
    # Dee now vouches fully for Ben: Ben's path goes first.
    kb.book.edit_contact(town.dee, town.ben_in_dee, ContactFields(), TieFields(stated_trust=5))
    town.links[town.ben_in_dee] = (town.dee, town.ben, 5)
    assert _checked(kb, town) == ["Ben", "Gus"]
    # Dee introduced Ben to Eve, and Eve says it went badly: Dee's vouch weighs less.
    eve_in_dee = town.know(kb, town.dee, town.eve, "Eve", 3)
    asked = kb.intros.request(town.ben, town.dee, eve_in_dee, PURPOSE)
    kb.intros.forward(town.dee, asked.id)
    kb.intros.accept(town.eve, asked.id)
    kb.intros.record_outcome(town.eve, asked.id, Rating.NEGATIVE, comment="pushy")
    assert _checked(kb, town, {(town.dee, town.ben): (0, 0, 1)}) == ["Gus", "Ben"]


def test_paths_rank_by_trust_and_move_when_a_member_is_unlinked(kb: Kithbook,
                                                                town: Town) -> None:
    # Gus rests on Hal's full vouch (5) more than on Fay's (2); Ben on Dee's 3.
    for contact, level in ((town.gus_in_fay, 2), (town.gus_in_hal, 5)):
        kb.book.edit_contact(town.links[contact][0], contact, ContactFields(),
                             TieFields(stated_trust=level))
        town.links[contact] = (*town.links[contact][:2], level)
    assert _checked(kb, town) == ["Gus", "Ben"]
    with kb.uow() as uow:  # Hal unlinks Gus: Hal's book keeps a contact, no member
        uow.contacts.link_member(town.hal, ContactId(town.gus_in_hal), None)
        uow.commit()
    del town.links[town.gus_in_hal]
    assert _checked(kb, town) == ["Ben", "Gus"]


def test_the_explanation_says_who_vouches_in_words(kb: Kithbook, town: Town) -> None:
    gus_first = kb.paths.find_paths(town.ana, ACME).paths[0]
    assert gus_first.explanation.splitlines()[-1] == (
        "Trust: you know Fay yourself; Fay trusts Gus, as does 1 more person you trust.")
    assert "how far you may trust them" in gus_first.explanation.splitlines()[0]


def test_a_hidden_vouch_moves_no_ranking(kb: Kithbook, town: Town) -> None:
    """Hal's vouch for Gus counts only while Hal shows that tie by name: hidden, the
    ranking and every figure are those of no tie at all."""
    kb.book.set_contact_policy(town.hal, town.gus_in_hal,
                               PolicyChange(visibility=Visibility.HIDDEN, ask_rule=AskRule.ANYONE))
    hidden = [(p.score, p.trust, p.explanation) for p in kb.paths.find_paths(town.ana, ACME).paths]
    kb.book.delete_contact(town.hal, town.gus_in_hal)
    gone = [(p.score, p.trust, p.explanation) for p in kb.paths.find_paths(town.ana, ACME).paths]
    assert hidden == gone


def test_trust_weights_spliced_for_the_members_who_wrote_equal_weights_read_whole(
        kb: Kithbook, town: Town) -> None:
    """The weights are refreshed by the members whose version moved, never from scratch
    per request; what that gives is what reading everything again gives."""
    def read() -> tuple[Network, list[OutcomeCount]]:
        with kb.uow().reading() as uow:
            return (community_network(uow, kb._wiring.paths),  # noqa: SLF001
                    uow.introductions.outcome_tally())

    network, tally = read()
    held = member_ties(network, tally)
    kb.book.edit_contact(town.dee, town.ben_in_dee, ContactFields(), TieFields(stated_trust=5))
    town.know(kb, town.eve, town.ana, "Ana", 2)
    with kb.uow() as uow:
        uow.contacts.link_member(town.hal, ContactId(town.gus_in_hal), None)
        uow.commit()
    network, tally = read()
    spliced, whole = member_ties(network, tally, held), member_ties(network, tally)
    assert len(spliced.src) == len(held.src)  # Eve's tie in, Hal's out
    for column in ("src", "dst", "weight", "shown"):
        assert np.array_equal(getattr(spliced, column), getattr(whole, column)), column
    assert spliced.versions == whole.versions != held.versions


def test_an_anonymous_intermediary_tells_nothing_of_their_trust(kb: Kithbook,
                                                                town: Town) -> None:
    """Fay shows Gus only as "a contact": Ana's path through him counts him at the floor
    and names nobody, whatever others say of Gus (tried as she would: the vouches for
    him changed and removed, the path read again each time). Hal's named tie still moves
    the walk, and with it the trust of the named people on other paths: that is his to
    show."""
    kb.book.set_contact_policy(town.fay, town.gus_in_fay,
                               PolicyChange(visibility=Visibility.ANONYMOUS,
                                            ask_rule=AskRule.ANYONE))

    def seen() -> list[tuple[object, ...]]:
        return [(p.score, p.trust, p.explanation, p.summary, [s.label for s in p.steps])
                for p in kb.paths.find_paths(town.ana, ACME).paths]

    for change in ("as it is", "Hal vouches fully", "Hal forgets Gus"):
        if change == "Hal vouches fully":
            kb.book.edit_contact(town.hal, town.gus_in_hal, ContactFields(),
                                 TieFields(stated_trust=5))
        elif change == "Hal forgets Gus":
            kb.book.delete_contact(town.hal, town.gus_in_hal)
        [through_gus] = [p for p in seen() if p[4][0] == "Fay"]
        assert through_gus[1][1] == TRUST_FLOOR, change  # the floor, whatever is said of him
        assert all("Gus" not in str(part) for part in through_gus), change


def test_community_reputation_hears_no_hidden_tie(kb: Kithbook, town: Town) -> None:
    """Another member's hidden vouch is no vouch to the community reputation either: the
    requester's standing, and its counts, are those with the tie deleted."""
    cleo = kb.book.add_contact(town.ana, ContactFields(name="Cleo Park", organization="Acme")).id
    kb.book.set_contact_policy(town.ana, cleo, OPEN)

    def standing() -> object:
        asked = kb.intros.request(town.gus, town.ana, cleo, PURPOSE)
        brief = kb.intros.risk_brief(town.ana, asked.id)
        kb.intros.withdraw(town.gus, asked.id)
        said = [line for line in brief.lines()  # the request counts grow with each ask
                if not line.startswith(("Their record", "Your record", "  - "))]
        return brief.reputation.community, said

    shown = standing()
    kb.book.set_contact_policy(town.hal, town.gus_in_hal,
                               PolicyChange(visibility=Visibility.HIDDEN, ask_rule=AskRule.ANYONE))
    hidden = standing()
    kb.book.delete_contact(town.hal, town.gus_in_hal)
    assert hidden == standing() != shown
