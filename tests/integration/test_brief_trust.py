"""Trust in the risk brief, through the services (SQLite and PostgreSQL).

Ana introduces; Ben asks her. Ana trusts Dee (a member) and shows it by name; Dee
trusts Ben and shows it by name. What Ana's brief says about Ben rests on Dee, moves
when Dee's stated trust, an outcome or the link changes, equals a fresh computation of
`graph/trust.py` on the same ties, and hears nothing a member hid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from tests.integration.test_path_services import OPEN, know, member, person

from kithbook.domain.contacts import Contact, ContactFields
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import ContactId, MemberId, new_id
from kithbook.domain.introductions import Rating
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, SharingPolicy, Tie, Visibility
from kithbook.graph.trust import build_trust_graph, personalized_trust, tie_weight
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery
from kithbook.services.ports import BulkBook, ContactQuery

PURPOSE = "I would like advice on hiring a first data engineer for our team."
NAMED = OPEN


@dataclass
class Town:
    ana: MemberId
    ben: MemberId
    dee: MemberId
    eve: MemberId
    cleo: str  # whom Ben asks Ana about
    ben_in_dee: str


@pytest.fixture
def town(kb: Kithbook) -> Town:
    kb.intros.fair_use = FairUseLimits(max_open_requests=200, cooldown_after_decline=timedelta(0))
    ana, ben, dee, eve = (member(kb, n) for n in ("Ana", "Ben", "Dee", "Eve"))
    know(kb, ana, dee, "Dee", 5)
    ben_in_dee = know(kb, dee, ben, "Ben", 4)
    cleo = kb.book.add_contact(ana, ContactFields(name="Cleo Park", organization="Acme")).id
    kb.book.set_contact_policy(ana, cleo, NAMED)
    return Town(ana, ben, dee, eve, cleo, ben_in_dee)


def brief_trust(kb: Kithbook, t: Town, requester: MemberId | None = None) -> tuple[float, str]:
    asked = kb.intros.request(requester or t.ben, t.ana, t.cleo, PURPOSE)
    inferred = kb.intros.risk_brief(t.ana, asked.id).inferred_trust
    assert inferred is not None
    kb.intros.withdraw(requester or t.ben, asked.id)
    return inferred.value, inferred.explanation


def test_the_brief_says_whom_the_trust_rests_on(kb: Kithbook, town: Town) -> None:
    value, said = brief_trust(kb, town)
    assert value > 0
    assert "trusted by 1 person you trust: Dee" in said and "evidence worth" in said
    asked = kb.intros.request(town.ben, town.ana, town.cleo, PURPOSE)
    lines = "\n".join(kb.intros.risk_brief(town.ana, asked.id).lines())
    assert f"Trust through your network: {value:.2f}, trusted by 1 person" in lines


def test_the_brief_matches_a_fresh_computation_of_the_engine(kb: Kithbook,
                                                             town: Town) -> None:
    value, _ = brief_trust(kb, town)
    strengths = {}
    for owner, name in ((town.ana, "Dee"), (town.dee, "Ben")):
        [row] = [r for r in kb.book.list_contacts(owner, ContactQuery()).items
                 if r.contact.name == name]
        assert row.strength is not None
        strengths[owner] = row.strength
    # Members 0 Ana, 1 Ben, 2 Dee: Ana → Dee (5), Dee → Ben (4).
    graph = build_trust_graph([0, 2], [2, 1], [tie_weight(5, strengths[town.ana]),
                                               tie_weight(4, strengths[town.dee])], size=4)
    fresh = personalized_trust(graph, 0).score[1]
    assert value == pytest.approx(float(fresh), abs=1e-6)


def test_the_brief_moves_with_stated_trust_outcomes_and_unlinking(kb: Kithbook,
                                                                  town: Town) -> None:
    before, _ = brief_trust(kb, town)
    kb.book.edit_contact(town.dee, town.ben_in_dee, ContactFields(), TieFields(stated_trust=5))
    higher, _ = brief_trust(kb, town)
    assert higher > before
    # Dee introduced Ben to Eve, and it went badly: Dee's vouch for Ben weighs less.
    eve_in_dee = know(kb, town.dee, town.eve, "Eve", 3)
    asked = kb.intros.request(town.ben, town.dee, eve_in_dee, PURPOSE)
    kb.intros.forward(town.dee, asked.id)
    kb.intros.accept(town.eve, asked.id)
    kb.intros.record_outcome(town.eve, asked.id, Rating.NEGATIVE, comment="pushy")
    after_outcome, _ = brief_trust(kb, town)
    assert after_outcome < higher
    with kb.uow() as uow:  # Dee unlinks Ben
        uow.contacts.link_member(town.dee, ContactId(town.ben_in_dee), None)
        uow.commit()
    value, said = brief_trust(kb, town)
    assert value == 0.0 and "nobody you trust" in said


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.ANONYMOUS])
def test_a_tie_its_owner_does_not_show_by_name_reads_like_no_tie(
        kb: Kithbook, town: Town, visibility: Visibility) -> None:
    """Ana must not learn that Dee knows Ben unless Dee shows it by name."""
    kb.book.set_contact_policy(town.dee, town.ben_in_dee, PolicyChange(visibility=visibility,
                                                                       ask_rule=AskRule.ANYONE))
    kept = brief_trust(kb, town)
    kb.book.delete_contact(town.dee, town.ben_in_dee)
    gone = brief_trust(kb, town)
    assert kept == gone == (0.0, "nobody you trust is known to vouch them.")


def test_my_own_hidden_tie_counts_in_my_own_brief(kb: Kithbook, town: Town) -> None:
    know(kb, town.ana, town.ben, "Ben", 5, PolicyChange(visibility=Visibility.HIDDEN))
    value, said = brief_trust(kb, town)
    assert value > 0.5 and said.startswith("your own rating of them")


# ---- a ring of fake accounts ----------------------------------------------------------

HONEST = 40
FAKES = 1000


def _bulk_members(kb: Kithbook, names: list[str]) -> list[MemberId]:
    now = kb.clock.now()
    ids = [MemberId(new_id()) for _ in names]
    with kb.uow() as uow:
        for i, name in zip(ids, names, strict=True):
            uow.members.add(Member(id=i, name=name, email=None, created_at=now))
        uow.commit()
    return ids


def _bulk_ties(kb: Kithbook, ties: list[tuple[MemberId, MemberId, int]],
               names: dict[MemberId, str],
               at_acme: list[tuple[MemberId, str, int]] = ()) -> None:  # type: ignore[assignment]
    """Named ties, each a contact linked to the member it stands for, and named contacts
    at Acme (owner, name, stated trust) who are no member, in one write."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    contacts, rows, links = [], [], []
    for owner, name, level in at_acme:
        cid = ContactId(new_id())
        contacts.append(Contact(id=cid, owner=owner, name=name, organization="Acme",
                                created_at=now, updated_at=now))
        rows.append(Tie(owner=owner, contact=cid, stated_trust=level,
                        policy=SharingPolicy(visibility=Visibility.NAMED,
                                             ask_rule=AskRule.ANYONE)))
    for owner, other, level in ties:
        cid = ContactId(new_id())
        contacts.append(Contact(id=cid, owner=owner, name=names[other], created_at=now,
                                updated_at=now))
        rows.append(Tie(owner=owner, contact=cid, stated_trust=level,
                        policy=SharingPolicy(visibility=Visibility.NAMED,
                                             ask_rule=AskRule.ANYONE)))
        links.append((owner, cid, other))
    with kb.uow() as uow:
        uow.bulk.write(ties[0][0], BulkBook(contacts, rows))
        for owner, cid, other in links:
            uow.contacts.link_member(owner, cid, other)
        uow.commit()


def test_a_ring_of_fake_accounts_vouching_for_each_other_stays_below_honest_members(
        kb: Kithbook) -> None:
    """Briefs: every fake requester's trust below the honest requesters' median. Paths:
    the ring ties itself back to the two members it fooled and names a contact at Acme
    from every account, yet no path through it outranks a path through honest members."""
    kb.intros.fair_use = FairUseLimits(max_open_requests=500, cooldown_after_decline=timedelta(0))
    rng = np.random.default_rng(5)
    honest = _bulk_members(kb, [f"Honest {i}" for i in range(HONEST)])
    fakes = _bulk_members(kb, [f"Fake {i}" for i in range(FAKES)])
    names = {m: f"Honest {i}" for i, m in enumerate(honest)}
    names |= {m: f"Fake {i}" for i, m in enumerate(fakes)}
    ties: list[tuple[MemberId, MemberId, int]] = []
    for i, m in enumerate(honest):  # each honest member trusts a few others
        for j in rng.choice([x for x in range(HONEST) if x != i], 4, replace=False):
            ties.append((m, honest[int(j)], int(rng.integers(3, 6))))
    for i, m in enumerate(fakes):  # the ring: every fake vouches fully for its neighbours
        # on the ring (so they agree to pass each other on) and for three others
        for j in {(i + 1) % FAKES, (i - 1) % FAKES, *rng.integers(0, FAKES, 3).tolist()} - {i}:
            ties.append((m, fakes[int(j)], 5))
    for fooled in honest[1:3]:  # two members were fooled into vouching for the ring
        ties += [(fooled, fakes[int(j)], 3) for j in rng.integers(0, FAKES, 3)]
        # and the ring vouches for them fully, so its accounts agree to pass them on
        ties += [(fake, fooled, 5) for fake in fakes]
    ana = honest[0]
    for other in honest[1:3]:  # Ana knows the fooled members, and they her
        ties += [(ana, other, 4), (other, ana, 4)]
    at_acme = [(m, f"Acme person {i}", int(rng.integers(3, 6))) for i, m in
               enumerate(honest[1:])] + [(m, f"Acme fake {i}", 5) for i, m in enumerate(fakes)]
    _bulk_ties(kb, ties, names, at_acme)
    cleo = kb.book.add_contact(ana, ContactFields(name="Cleo Park", organization="Acme")).id
    kb.book.set_contact_policy(ana, cleo, NAMED)

    def trust_of(requester: MemberId) -> float:
        asked = kb.intros.request(requester, ana, cleo, PURPOSE)
        inferred = kb.intros.risk_brief(ana, asked.id).inferred_trust
        assert inferred is not None
        return inferred.value

    honest_trust = [trust_of(m) for m in honest[1:]]
    fake_trust = [trust_of(m) for m in fakes[:20]]
    assert float(np.median(honest_trust)) > 0.1  # honest members are heard at all
    assert max(fake_trust) < float(np.median(honest_trust))

    # Paths: a fake account is trusted only as far as an honest member vouched for it
    # directly (the fooled members' own word, said in the path's words); the ring's own
    # vouching for itself adds nothing, so a path resting on it ranks below every path
    # through honest members.
    ring = set(fakes)
    vouched = {other for owner, other, _ in ties if owner in set(honest) and other in ring}
    found = kb.paths.find_paths(ana, PathQuery(organization="Acme", k=60)).paths
    fakes_on = [{s.member for s in p.steps} & ring for p in found]
    honest_paths = [p for p, on in zip(found, fakes_on, strict=True) if not on]
    assert honest_paths, "honest members should offer paths to Acme"
    last_honest = max(p.rank for p in honest_paths)
    for p, on in zip(found, fakes_on, strict=True):
        if on - vouched:  # resting on the ring's word for itself: after every honest path
            assert p.rank > last_honest
        elif on:  # at a rank of its own only on a fooled member's word, and said so
            said = p.explanation.splitlines()[-1]
            assert any(f"Honest {n} trusts Fake" in said for n in (1, 2)), said
    lowest_honest = min(p.score for p in honest_paths)
    number = {m: i for i, m in enumerate(fakes)}
    deeper = sorted({(number[v] + step) % FAKES for v in vouched for step in (-1, 1)}
                    - {number[v] for v in vouched})[:8]
    assert deeper
    for i in deeper:  # people only the ring vouches for, each searched for by name
        ring_paths = kb.paths.find_paths(ana, PathQuery(to=f"Acme fake {i}", k=10)).paths
        assert ring_paths, "the ring's contacts can still be reached"
        assert max(p.score for p in ring_paths) < lowest_honest


# ---- trust in the words of a warm path ------------------------------------------------

def test_a_path_says_how_far_its_intermediaries_are_trusted(kb: Kithbook,
                                                            town: Town) -> None:
    know(kb, town.dee, town.ana, "Ana", 4)
    know(kb, town.ben, town.dee, "Dee", 4)
    person(kb, town.ben, "Zoe Named", OPEN)
    [path] = kb.paths.find_paths(town.ana, PathQuery(organization="Acme")).paths
    assert [s.label for s in path.steps] == ["Dee", "Ben", "Zoe Named (Acme)"]
    assert path.explanation.splitlines()[-1] == (
        "Trust: you know Dee yourself; Dee trusts Ben.")
