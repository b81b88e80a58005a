"""Warm paths on a small hand-built network, where every expected path is worked out."""

from __future__ import annotations

import numpy as np
import pytest
from reference_paths import Tie, Ties, reference_paths, snapshot_of

from kithbook.domain.errors import InvalidInput
from kithbook.graph.explain import explain_paths, render
from kithbook.graph.paths import find_paths
from kithbook.graph.policy import ANONYMOUS, HIDDEN, NOBODY, TRUSTED, agree_chance
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter

YOU, BOB, CAROL, DAN, ERIN, FRANK, GINA = range(7)
NAMES = ["you", "Bob", "Carol", "Dan", "Erin", "Frank", "Gina"]
ACME, GLOBEX = 0, 1
CTO = 0


def agree(strength: float, trust: int = 0) -> float:
    return float(agree_chance(strength, trust))


def f32(x: float) -> float:
    return float(np.float32(x))


def people() -> PeopleArrays:
    org = np.array([-1, ACME, GLOBEX, ACME, -1, ACME, GLOBEX], dtype=np.int32)
    role = np.array([-1, -1, -1, CTO, -1, CTO, -1], dtype=np.int32)
    blank = PeopleArrays.blank(7)
    return PeopleArrays(org, role, blank.location, blank.tag_indptr, blank.tag_codes,
                        organization_names=("Acme", "Globex"), role_names=("CTO",))


def network() -> Ties:
    return {
        (YOU, BOB): Tie(0.9), (BOB, YOU): Tie(0.8, trust=4),
        (BOB, CAROL): Tie(0.6), (CAROL, BOB): Tie(0.7, trust=4),
        (CAROL, DAN): Tie(0.7, ask_rule=TRUSTED, min_trust=3),
        (BOB, DAN): Tie(0.3),
        (YOU, ERIN): Tie(0.5), (ERIN, YOU): Tie(0.5),
        (ERIN, DAN): Tie(0.9, visibility=HIDDEN),
        (ERIN, GINA): Tie(0.8), (GINA, ERIN): Tie(0.9, trust=5),
        (GINA, DAN): Tie(0.8, ask_rule=TRUSTED, min_trust=4),
        (GINA, FRANK): Tie(0.8, visibility=ANONYMOUS),
    }


def paths_to_dan(ties: Ties) -> list[tuple[int, ...]]:
    return [p.people for p in find_paths(snapshot_of(ties, people()), YOU, to=DAN)]


def test_paths_to_a_person_come_in_score_order() -> None:
    paths = find_paths(snapshot_of(network(), people()), YOU, to=DAN)
    assert [p.people for p in paths] == [(YOU, BOB, CAROL, DAN), (YOU, ERIN, GINA, DAN),
                                         (YOU, BOB, DAN)]
    bob, carol, erin, gina = agree(0.8, 4), agree(0.7, 4), agree(0.5), agree(0.9, 5)
    assert paths[0].score == bob * carol * f32(0.7)
    assert paths[1].score == erin * gina * f32(0.8)
    assert paths[2].score == bob * f32(0.3)
    assert paths[0].agrees == (bob, carol)


def test_a_hidden_tie_is_never_used() -> None:
    assert (YOU, ERIN, DAN) not in paths_to_dan(network())


def test_trusted_rule_refuses_an_asker_below_the_threshold() -> None:
    ties = network()
    ties[(CAROL, DAN)] = Tie(0.7, ask_rule=TRUSTED, min_trust=5)
    assert (YOU, BOB, CAROL, DAN) not in paths_to_dan(ties)


def test_unstated_trust_never_meets_a_trusted_rule() -> None:
    ties = network()
    ties[(CAROL, BOB)] = Tie(0.7)
    assert (YOU, BOB, CAROL, DAN) not in paths_to_dan(ties)


def test_nobody_rule_and_no_introductions_close_a_hop() -> None:
    ties = network()
    ties[(BOB, DAN)] = Tie(0.3, no_intro=True)
    ties[(GINA, DAN)] = Tie(0.8, ask_rule=NOBODY)
    assert paths_to_dan(ties) == [(YOU, BOB, CAROL, DAN)]


def test_an_introducer_who_hid_their_tie_to_the_asker_does_not_agree() -> None:
    ties = network()
    ties[(CAROL, BOB)] = Tie(0.7, trust=4, visibility=HIDDEN)
    assert (YOU, BOB, CAROL, DAN) not in paths_to_dan(ties)


def test_an_introducer_without_a_tie_back_does_not_agree() -> None:
    ties = network()
    del ties[(CAROL, BOB)]
    assert (YOU, BOB, CAROL, DAN) not in paths_to_dan(ties)


def test_your_own_hidden_tie_is_yours_to_use() -> None:
    ties = network()
    ties[(YOU, BOB)] = Tie(0.9, visibility=HIDDEN)
    assert paths_to_dan(ties)[0] == (YOU, BOB, CAROL, DAN)


def test_an_anonymous_tie_cannot_end_a_search_for_a_named_person() -> None:
    ties = network()
    ties[(GINA, DAN)] = Tie(0.8, visibility=ANONYMOUS, ask_rule=TRUSTED, min_trust=4)
    assert (YOU, ERIN, GINA, DAN) not in paths_to_dan(ties)


def test_a_search_by_organization_skips_people_you_already_know() -> None:
    snap = snapshot_of(network(), people())
    found = find_paths(snap, YOU, where=PeopleFilter(organization=ACME))
    # Dan and Frank tie on score and hops: the lower number comes first.
    assert [p.people for p in found] == [(YOU, BOB, CAROL, DAN), (YOU, ERIN, GINA, DAN),
                                         (YOU, ERIN, GINA, FRANK), (YOU, BOB, DAN)]
    assert all(BOB != p.target for p in found)


def test_filters_combine_and_anonymous_targets_are_marked() -> None:
    snap = snapshot_of(network(), people())
    found = find_paths(snap, YOU, where=PeopleFilter(organization=ACME, role=CTO), k=3)
    assert [p.people for p in found] == [(YOU, BOB, CAROL, DAN), (YOU, ERIN, GINA, DAN),
                                         (YOU, ERIN, GINA, FRANK)]
    assert [p.anonymous[-1] for p in found] == [False, False, True]


def test_k_limits_the_answer_to_the_best() -> None:
    snap = snapshot_of(network(), people())
    assert [p.people for p in find_paths(snap, YOU, to=DAN, k=1)] == [(YOU, BOB, CAROL, DAN)]


def test_fewer_intermediaries_can_be_asked_for() -> None:
    snap = snapshot_of(network(), people())
    found = find_paths(snap, YOU, to=DAN, max_intermediaries=1)
    assert [p.people for p in found] == [(YOU, BOB, DAN)]


def test_four_hop_paths_are_found() -> None:
    ties = {(0, 1): Tie(1.0), (1, 0): Tie(1.0), (1, 2): Tie(1.0), (2, 1): Tie(1.0),
            (2, 3): Tie(1.0), (3, 2): Tie(1.0), (3, 4): Tie(0.5)}
    snap = snapshot_of(ties, 5)
    assert [p.people for p in find_paths(snap, 0, to=4)] == [(0, 1, 2, 3, 4)]
    assert find_paths(snap, 0, to=4, max_intermediaries=2) == []


def test_equal_scores_prefer_fewer_hops_then_lower_numbers() -> None:
    ties = {(0, 1): Tie(1.0), (1, 0): Tie(1.0), (0, 2): Tie(1.0), (2, 0): Tie(1.0),
            (1, 5): Tie(0.5), (2, 5): Tie(0.5), (1, 3): Tie(1.0), (3, 1): Tie(1.0),
            (3, 5): Tie(0.5)}
    found = find_paths(snapshot_of(ties, 6), 0, to=5)
    assert [p.people for p in found] == [(0, 1, 5), (0, 2, 5), (0, 1, 3, 5)]


def test_hand_built_network_agrees_with_the_reference() -> None:
    snap = snapshot_of(network(), people())
    got = [(p.people, p.score) for p in find_paths(snap, YOU, to=DAN, k=10)]
    assert got == reference_paths(network(), YOU, [DAN], named=True, k=10)


def test_explanation_says_why_each_path_ranks_where_it_does() -> None:
    # In a local book every tie and link is the searcher's own record: all the figures.
    snap = snapshot_of(network(), people())
    paths = find_paths(snap, YOU, to=DAN)
    text = [render(snap, e, NAMES.__getitem__, all_ties_mine=True)
            for e in explain_paths(snap, paths)]
    assert text[0].splitlines() == [
        f"#1: score {paths[0].score:.3f} = Bob agrees 0.72 × Carol agrees 0.63 × "
        "Carol–Dan tie 0.70.",
        "Bob knows you well (0.80), trusts you at 4 and lets anyone ask.",
        "Carol knows Bob well (0.70), trusts Bob at 4 and lets people they trust at 3 or "
        "more ask (4 ≥ 3).",
        "Carol's tie to Dan is strong (0.70).",
        f"Weakest link: whether Carol agrees (0.63). Above #2 ({paths[1].score:.3f}).",
    ]
    assert "Below #1" in text[1]


def test_other_members_ties_are_told_in_words_without_their_figures() -> None:
    # In a community Bob's and Carol's ties are theirs: no strength, agree chance or
    # stated trust of theirs, only what Carol's own rule says (trusted at 3 or more).
    snap = snapshot_of(network(), people())
    paths = find_paths(snap, YOU, to=DAN)
    text = [render(snap, e, NAMES.__getitem__) for e in explain_paths(snap, paths)]
    assert text[0].splitlines() == [
        f"#1: score {paths[0].score:.3f}, from how readily Bob and Carol would agree and "
        "how well Carol knows Dan.",
        "You know Bob well (0.90).",
        "Bob knows you well and lets anyone ask.",
        "Carol knows Bob well and lets people they trust at 3 or more ask; Bob is one of "
        "them.",
        "Carol's tie to Dan is strong.",
        f"Weakest link: whether Carol agrees. Above #2 ({paths[1].score:.3f}).",
    ]
    assert "Below #1" in text[1]


def test_rendering_never_names_an_anonymous_contact() -> None:
    snap = snapshot_of(network(), people())
    paths = find_paths(snap, YOU, where=PeopleFilter(organization=ACME))
    asked: list[int] = []

    def name_of(person: int) -> str:
        asked.append(person)
        return NAMES[person]

    texts = [render(snap, e, name_of) for e in explain_paths(snap, paths)]
    assert FRANK not in asked
    assert "a contact at Acme" in texts[2]
    assert "Frank" not in "".join(texts)


@pytest.mark.parametrize("kwargs", [
    {"to": YOU}, {"to": 99}, {}, {"to": DAN, "where": PeopleFilter(organization=ACME)},
    {"where": PeopleFilter()}, {"to": DAN, "k": 0}, {"to": DAN, "max_intermediaries": 4},
])
def test_bad_searches_say_what_to_fix(kwargs: dict[str, object]) -> None:
    snap = snapshot_of(network(), people())
    with pytest.raises(InvalidInput):
        find_paths(snap, YOU, **kwargs)  # type: ignore[arg-type]


def test_a_person_nobody_can_reach_gives_no_paths() -> None:
    ties = network()
    assert find_paths(snapshot_of(ties, people()), DAN, to=YOU) == []
