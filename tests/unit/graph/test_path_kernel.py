"""The compiled search at sizes the small property tests do not reach, and in threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from reference_paths import Tie, Ties, reference_paths, snapshot_of

from kithbook.graph import path_kernel
from kithbook.graph.paths import MAX_K, find_paths
from kithbook.graph.policy import ANONYMOUS, ANYONE, HIDDEN, NAMED, NOBODY, TRUSTED
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter, Snapshot


def dense_community(n: int, ties_each: int, seed: int,
                    open_share: float = 0.5) -> tuple[Ties, PeopleArrays]:
    """A community dense enough that hundreds of paths tie or nearly tie for the top k,
    so the candidate lists, the frontier and the middle hops all outgrow their first
    buffers; strengths come from a few values so equal scores are common."""
    rng = np.random.default_rng(seed)
    ties: Ties = {}

    def tie() -> Tie:
        return Tie(float(rng.choice([0.3, 0.5, 0.7, 0.9, 1.0])),
                   trust=int(rng.integers(0, 6)),
                   visibility=int(rng.choice([HIDDEN, ANONYMOUS, NAMED, NAMED])
                                  if rng.random() > open_share else NAMED),
                   ask_rule=int(rng.choice([NOBODY, TRUSTED, ANYONE, ANYONE])
                                if rng.random() > open_share else ANYONE),
                   min_trust=int(rng.integers(1, 6)),
                   no_intro=bool(rng.random() < 0.05))

    # Mostly mutual, as between people who know each other.
    for u in range(n):
        for v in rng.choice(n, ties_each, replace=False).tolist():
            if u != v:
                ties[(u, v)] = tie()
                if rng.random() < 0.8:
                    ties[(v, u)] = tie()
    orgs = rng.integers(-1, 4, n).astype(np.int32)
    blank = PeopleArrays.blank(n)
    return ties, PeopleArrays(orgs, blank.role, blank.location, blank.tag_indptr,
                              blank.tag_codes, organization_names=("A", "B", "C", "D"))


def as_reference(paths: list) -> list[tuple[tuple[int, ...], float]]:  # type: ignore[type-arg]
    return [(p.people, p.score) for p in paths]


@pytest.mark.parametrize(("seed", "open_share"), [(1, 0.5), (2, 0.9), (3, 0.95)])
def test_many_near_equal_paths_match_exhaustive_search(seed: int, open_share: float) -> None:
    ties, people = dense_community(40, 12, seed, open_share)
    snap = snapshot_of(ties, people)
    rng = np.random.default_rng(seed + 100)
    found = 0
    for s in rng.choice(40, 4, replace=False).tolist():
        got = find_paths(snap, s, where=PeopleFilter(organization=1), k=MAX_K)
        targets = [i for i in range(40) if people.organization[i] == 1]
        assert as_reference(got) == reference_paths(ties, s, targets, named=False, k=MAX_K)
        t = int((s + 7) % 40)
        got = find_paths(snap, s, to=t, k=MAX_K)
        assert as_reference(got) == reference_paths(ties, s, [t], named=True, k=MAX_K)
        found += len(got)
    assert found > 4 * 64, "enough paths to outgrow the first candidate buffers"


def test_many_near_equal_paths_weighed_by_trust_match_exhaustive_search() -> None:
    ties, people = dense_community(40, 12, 2, 0.9)
    snap = snapshot_of(ties, people)
    rng = np.random.default_rng(8)
    vouch = rng.choice([0.25, 0.5, 0.75, 1.0], 40).tolist()
    for s in rng.choice(40, 4, replace=False).tolist():
        got = find_paths(snap, s, where=PeopleFilter(organization=1), k=MAX_K, vouch=vouch,
                         unnamed=0.5)
        targets = [i for i in range(40) if people.organization[i] == 1]
        assert as_reference(got) == reference_paths(ties, s, targets, named=False, k=MAX_K,
                                                    vouch=vouch, unnamed=0.5)


def _community(n: int, seed: int) -> Snapshot:
    ties, people = dense_community(n, 10, seed)
    return snapshot_of(ties, people)


def test_searches_in_threads_agree_with_searches_one_at_a_time() -> None:
    snap = _community(300, 7)
    queries = [(s, PeopleFilter(organization=s % 4)) for s in range(0, 300, 5)]
    alone = [find_paths(snap, s, where=w, k=10) for s, w in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: find_paths(snap, q[0], where=q[1], k=10), queries))
    assert together == alone
    assert any(alone), "the community should have some paths to compare"


def test_a_search_leaves_its_scratch_tables_clean() -> None:
    snap = _community(200, 11)
    for s in range(0, 200, 3):
        find_paths(snap, s, where=PeopleFilter(organization=2), k=20)
        find_paths(snap, s, to=(s + 1) % 200, k=20)
    tables, bits = path_kernel.SCRATCH.take(snap.num_people)  # a Tables bundle
    try:
        assert (tables == -1).all()
        assert (bits == 0).all()
    finally:
        path_kernel.SCRATCH.give(path_kernel.Tables(tables, bits))


def test_prepare_compiles_the_signature_searches_use() -> None:
    path_kernel.prepare()
    signatures = path_kernel.signatures()
    snap = _community(30, 3)
    find_paths(snap, 0, to=5)
    find_paths(snap, 1, where=PeopleFilter(organization=1), k=7, named_last=True)
    assert path_kernel.signatures() == signatures
    assert len(signatures) == 1


def test_the_scratch_pool_keeps_no_sets_for_sizes_a_growing_network_left_behind() -> None:
    pool = path_kernel.Scratch()
    for n in range(100, 2_000, 100):  # a network that grows with every refresh
        tables = pool.take(n)
        assert tables.table.shape[1] >= n and tables.bits.shape[1] * 8 > n
        pool.give(tables)
    assert pool.held() == 1
    big = pool.take(1_900)
    small = pool.take(50)  # while the big set is out, a small network gets its own
    pool.give(big)
    pool.give(small)
    assert pool.take(1_900) is big  # only a set that large serves this network
    assert pool.held() == 0  # and the one for 50 people was dropped on the way
