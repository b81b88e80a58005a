"""The snapshot holds every tie once, in both directions, and refreshes like a rebuild."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples import examples
from kithbook.domain.errors import InvalidInput
from kithbook.graph.policy import ANONYMOUS, HIDDEN, NAMED, NEVER, TRUSTED, agree_chance
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter, Snapshot, TieArrays


def _assert_same(a: Snapshot, b: Snapshot) -> None:
    for f in fields(Snapshot):
        if f.name in ("people", "_indexes", "_derived"):
            continue
        left, right = getattr(a, f.name), getattr(b, f.name)
        assert left.dtype == right.dtype, f.name
        np.testing.assert_array_equal(left, right, err_msg=f.name)
    np.testing.assert_array_equal(a.best_onward(), b.best_onward(), err_msg="best_onward")
    for left, right in zip(a.onward_rows(), b.onward_rows(), strict=True):
        assert left.dtype == right.dtype
        np.testing.assert_array_equal(left, right, err_msg="onward_rows")


def test_ties_are_sorted_by_owner_then_contact_with_both_directions() -> None:
    ties = TieArrays.of(src=[2, 0, 1, 0], dst=[0, 2, 0, 1], strength=[0.3, 0.5, 0.6, 0.7],
                        trust=[0, 4, 5, 0])
    snap = Snapshot.build(ties, 3)
    assert snap.indptr.tolist() == [0, 2, 3, 4]
    assert snap.dst.tolist() == [1, 2, 0, 0]
    assert snap.rev.tolist() == [2, 3, 0, 1]  # 0→1 pairs with 1→0, 0→2 with 2→0
    assert snap.in_indptr.tolist() == [0, 2, 3, 4]
    assert snap.in_src.tolist() == [1, 2, 0, 0]
    assert snap.dst[snap.in_eid].tolist() == [0, 0, 1, 2]
    assert snap.agree_back[0] == agree_chance(0.6, 5)  # 1's readiness to help 0


def test_a_later_row_for_the_same_tie_wins() -> None:
    ties = TieArrays.of(src=[0, 0], dst=[1, 1], strength=[0.2, 0.9])
    snap = Snapshot.build(ties, 2)
    assert snap.num_ties == 1 and snap.strength[0] == np.float32(0.9)


def test_a_hidden_tie_back_gives_no_readiness_to_help() -> None:
    ties = TieArrays.of(src=[0, 1], dst=[1, 0], strength=[0.5, 0.9], visibility=[NAMED, HIDDEN])
    snap = Snapshot.build(ties, 2)
    assert snap.agree_back.tolist() == [0.0, float(agree_chance(0.5, 0))]
    assert snap.need.tolist() == [0, NEVER]


@pytest.mark.parametrize(("column", "value"), [
    ("dst", 7), ("dst", 0), ("strength", 1.5), ("strength", float("nan")), ("trust", 6),
    ("visibility", 3), ("ask_rule", -1),
])
def test_bad_rows_are_refused_with_the_column_named(column: str, value: float) -> None:
    values: dict[str, object] = {"src": [0], "dst": [1], "strength": [0.5]}
    values[column] = [value]
    with pytest.raises(InvalidInput) as raised:
        Snapshot.build(TieArrays.of(**values), 3)  # type: ignore[arg-type]
    assert raised.value.field == column


def test_a_trusted_rule_needs_its_level() -> None:
    with pytest.raises(InvalidInput, match="min_trust"):
        Snapshot.build(TieArrays.of([0], [1], [0.5], ask_rule=TRUSTED, min_trust=0), 2)


def test_people_match_on_every_given_code() -> None:
    people = PeopleArrays(np.array([0, 0, 1, 0], np.int32), np.array([5, 6, 5, 5], np.int32),
                          np.full(4, -1, np.int32), np.array([0, 1, 1, 3, 3]),
                          np.array([9, 9, 8], np.int32))
    snap = Snapshot.build(TieArrays.empty(), people)
    assert snap.people_matching(PeopleFilter(organization=0, role=5)).tolist() == [0, 3]
    assert snap.people_matching(PeopleFilter(tag=9)).tolist() == [0, 2]
    assert snap.people_matching(PeopleFilter(organization=0, tag=8)).tolist() == []


def test_memory_is_counted_from_the_arrays() -> None:
    snap = Snapshot.build(TieArrays.of([0, 1], [1, 0], [0.5, 0.5]), 2)
    assert 40 < snap.nbytes < 400


tie_rows = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from(
    [0.0, 0.25, 0.5, 1.0]), st.integers(0, 5), st.sampled_from([HIDDEN, ANONYMOUS, NAMED])),
    max_size=40).map(lambda rows: [r for r in rows if r[0] != r[1]])


def _arrays(rows: list[tuple[int, int, float, int, int]]) -> TieArrays:
    return TieArrays.of(src=[r[0] for r in rows], dst=[r[1] for r in rows],
                        strength=[r[2] for r in rows], trust=[r[3] for r in rows],
                        visibility=[r[4] for r in rows])


@pytest.mark.parametrize("rebuild_above", [np.inf, 0.0])
@settings(max_examples=examples(100, 300), deadline=None)
@given(base=tie_rows, changes=tie_rows, newcomers=st.integers(0, 3),
       removals=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=6))
def test_refreshing_gives_the_snapshot_a_rebuild_would(
        base: list[tuple[int, int, float, int, int]],
        changes: list[tuple[int, int, float, int, int]],
        removals: list[tuple[int, int]], newcomers: int, rebuild_above: float) -> None:
    snap = Snapshot.build(_arrays(base), 8)
    snap.onward_rows()  # made before the refresh, so that a refresh carries it over
    refreshed = snap.with_changes(_arrays(changes), np.array(removals).reshape(-1, 2),
                                  PeopleArrays.blank(8 + newcomers), rebuild_above=rebuild_above)
    gone = set(removals)
    rows = {(r[0], r[1]): r for r in base}
    rows.update({(r[0], r[1]): r for r in changes})
    rows = {key: r for key, r in rows.items() if key not in gone}
    _assert_same(refreshed, Snapshot.build(_arrays(list(rows.values())), 8 + newcomers))


def test_refreshing_leaves_the_old_snapshot_alone() -> None:
    snap = Snapshot.build(TieArrays.of([0, 1], [1, 0], [0.5, 0.5]), 3)
    before = snap.ties()
    before_arrays = [getattr(before, f.name).copy() for f in fields(before)]
    snap.with_changes(TieArrays.of([0], [2], [0.9]), [(1, 0)])
    after = snap.ties()
    for old, f in zip(before_arrays, fields(after), strict=True):
        np.testing.assert_array_equal(old, getattr(after, f.name))


def test_refreshing_splices_a_few_changes_into_a_large_network() -> None:
    rng = np.random.default_rng(7)
    src = rng.integers(0, 500, 5000)
    dst = (src + rng.integers(1, 500, 5000)) % 500
    base = TieArrays.of(src, dst, rng.random(5000).astype(np.float32),
                        trust=rng.integers(0, 6, 5000))
    snap = Snapshot.build(base, 500)
    live = snap.ties()
    change = TieArrays.of([3, 3, live.src[10]], [4, 5, live.dst[10]], [0.1, 0.2, 0.3],
                          visibility=[HIDDEN, NAMED, ANONYMOUS])
    removed = [(int(live.src[20]), int(live.dst[20])), (int(live.dst[20]), int(live.src[20]))]
    refreshed = snap.with_changes(change, removed)
    expected = snap.ties().concat(change)
    key = expected.src.astype(np.int64) * 500 + expected.dst
    drop = np.isin(key, [u * 500 + v for u, v in removed])
    _assert_same(refreshed, Snapshot.build(expected.take(~drop), 500))


def test_changing_existing_ties_only_patches_them_and_their_reverses() -> None:
    rng = np.random.default_rng(11)
    src = rng.integers(0, 300, 3000)
    dst = (src + rng.integers(1, 300, 3000)) % 300
    snap = Snapshot.build(TieArrays.of(src, dst, rng.random(3000).astype(np.float32),
                                       trust=rng.integers(0, 6, 3000)), 300)
    live = snap.ties()
    snap.onward_rows()
    pick = rng.choice(snap.num_ties, 12, replace=False)
    change = TieArrays.of(live.src[pick], live.dst[pick], rng.random(12), trust=3,
                          visibility=rng.choice([HIDDEN, ANONYMOUS, NAMED], 12),
                          ask_rule=TRUSTED, min_trust=rng.integers(1, 6, 12))
    refreshed = snap.with_changes(change)
    assert refreshed.indptr is snap.indptr  # no structural change: the structure is shared
    _assert_same(refreshed, Snapshot.build(live.concat(change), 300))
