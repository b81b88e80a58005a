"""On random networks the fast search returns exactly what exhaustive search returns."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_paths import Tie, Ties, reference_paths, snapshot_of

from examples import examples
from kithbook.graph.paths import find_paths
from kithbook.graph.policy import ANONYMOUS, ANYONE, HIDDEN, NAMED, NOBODY, TRUSTED
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter

STRENGTHS = [0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0]  # repeats make equal scores common

tie_strategy = st.builds(
    Tie,
    strength=st.sampled_from(STRENGTHS),
    trust=st.sampled_from([0, 1, 2, 3, 3, 4, 4, 5]),
    visibility=st.sampled_from([HIDDEN, ANONYMOUS, NAMED, NAMED, NAMED]),
    ask_rule=st.sampled_from([NOBODY, TRUSTED, TRUSTED, ANYONE, ANYONE, ANYONE]),
    min_trust=st.integers(1, 5),
    no_intro=st.sampled_from([False, False, False, False, True]),
)


@st.composite
def networks(draw: st.DrawFn) -> tuple[int, Ties, list[int]]:
    """Small communities where most ties are mutual, as between people who know each other."""
    n = draw(st.integers(3, 10))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                          .filter(lambda p: p[0] < p[1]), min_size=2 * n, max_size=4 * n,
                          unique=True))
    ties: Ties = {}
    for u, v in pairs:
        both, forward = draw(st.sampled_from([(True, True)] * 4 + [(False, True), (False, False)]))
        if both or forward:
            ties[(u, v)] = draw(tie_strategy)
        if both or not forward:
            ties[(v, u)] = draw(tie_strategy)
    orgs = draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n))
    return n, ties, orgs


def _people(orgs: list[int]) -> PeopleArrays:
    blank = PeopleArrays.blank(len(orgs))
    return PeopleArrays(np.array(orgs, dtype=np.int32), blank.role, blank.location,
                        blank.tag_indptr, blank.tag_codes, organization_names=("A", "B", "C"))


@settings(max_examples=examples(100, 300), deadline=None)
@given(networks(), st.data())
def test_search_for_a_person_matches_exhaustive_search(
        net: tuple[int, Ties, list[int]], data: st.DataObject) -> None:
    n, ties, orgs = net
    s = data.draw(st.integers(0, n - 1))
    t = data.draw(st.integers(0, n - 1).filter(lambda x: x != s))
    k = data.draw(st.integers(1, 6))
    hops = data.draw(st.integers(1, 3))
    got = find_paths(snapshot_of(ties, _people(orgs)), s, to=t, k=k, max_intermediaries=hops)
    assert [(p.people, p.score) for p in got] == reference_paths(
        ties, s, [t], named=True, k=k, max_intermediaries=hops)


@settings(max_examples=examples(100, 300), deadline=None)
@given(networks(), st.data())
def test_search_by_organization_matches_exhaustive_search(
        net: tuple[int, Ties, list[int]], data: st.DataObject) -> None:
    n, ties, orgs = net
    s = data.draw(st.integers(0, n - 1))
    org = data.draw(st.integers(0, 2))
    k = data.draw(st.integers(1, 6))
    got = find_paths(snapshot_of(ties, _people(orgs)), s, where=PeopleFilter(organization=org),
                     k=k)
    targets = [i for i, o in enumerate(orgs) if o == org]
    assert [(p.people, p.score) for p in got] == reference_paths(ties, s, targets, named=False,
                                                                 k=k)


FACTORS = [0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0]  # trust factors; repeats tie scores


@settings(max_examples=examples(100, 300), deadline=None)
@given(networks(), st.data())
def test_search_weighed_by_trust_matches_exhaustive_search(
        net: tuple[int, Ties, list[int]], data: st.DataObject) -> None:
    """Trust factors per person (and one for anyone reached anonymously) change which
    paths win, never whether the fast search finds the same ones as exhaustive search."""
    n, ties, orgs = net
    s = data.draw(st.integers(0, n - 1))
    vouch = data.draw(st.lists(st.sampled_from(FACTORS), min_size=n, max_size=n))
    unnamed = data.draw(st.sampled_from(FACTORS))
    k = data.draw(st.integers(1, 6))
    snap = snapshot_of(ties, _people(orgs))
    org = data.draw(st.integers(0, 2))
    got = find_paths(snap, s, where=PeopleFilter(organization=org), k=k, vouch=vouch,
                     unnamed=unnamed)
    targets = [i for i, o in enumerate(orgs) if o == org]
    assert [(p.people, p.score) for p in got] == reference_paths(
        ties, s, targets, named=False, k=k, vouch=vouch, unnamed=unnamed)
    t = data.draw(st.integers(0, n - 1).filter(lambda x: x != s))
    got = find_paths(snap, s, to=t, k=k, vouch=vouch, unnamed=unnamed)
    assert [(p.people, p.score) for p in got] == reference_paths(
        ties, s, [t], named=True, k=k, vouch=vouch, unnamed=unnamed)
    for p in got:
        assert p.vouches == tuple(vouch[m] if not p.anonymous[i] else unnamed
                                  for i, m in enumerate(p.people[1:-1], start=1))


@settings(max_examples=examples(75, 200), deadline=None)
@given(networks(), st.data())
def test_every_returned_path_is_simple_short_and_permitted(
        net: tuple[int, Ties, list[int]], data: st.DataObject) -> None:
    n, ties, orgs = net
    s = data.draw(st.integers(0, n - 1))
    org = data.draw(st.integers(0, 2))
    for path in find_paths(snapshot_of(ties, _people(orgs)), s,
                           where=PeopleFilter(organization=org), k=10):
        people = path.people
        assert len(set(people)) == len(people) and 3 <= len(people) <= 5
        assert orgs[people[-1]] == org and (s, people[-1]) not in ties
        assert path.score > 0
        for i in range(1, len(people) - 1):
            hop = ties[(people[i], people[i + 1])]
            back = ties.get((people[i], people[i - 1]))
            assert hop.visibility != HIDDEN and not hop.no_intro and hop.ask_rule != NOBODY
            assert back is not None and back.visibility != HIDDEN and back.strength > 0
            if hop.ask_rule == TRUSTED:
                assert back.trust >= hop.min_trust
            assert path.anonymous[i + 1] == (hop.visibility == ANONYMOUS)


@settings(max_examples=examples(100, 300), deadline=None)
@given(networks(), st.data())
def test_only_people_tied_to_by_others_can_be_reached(
        net: tuple[int, Ties, list[int]], data: st.DataObject) -> None:
    """A local book searches each match as a person, but only those someone other than
    the searcher has a tie to: every other search finds nothing."""
    n, ties, orgs = net
    s = data.draw(st.integers(0, n - 1))
    snap = snapshot_of(ties, _people(orgs))
    everyone = np.array([t for t in range(n) if t != s], dtype=np.int32)
    kept = set(snap.tied_to_by_others(everyone, s).tolist())
    assert kept == {t for (u, t) in ties if u != s and t != s}
    for t in everyone.tolist():
        if t not in kept:
            assert find_paths(snap, s, to=t, k=6) == []
