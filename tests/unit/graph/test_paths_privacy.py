"""A curious member probes the path search: hidden ties must leave no trace.

For every tie some member hid in a generated community, every other member searches for
every person and every organization, with the hidden tie as it is, with it changed to say
anything else, and with it gone. Paths, their count, scores, order, explanations and errors
must be the same, so nothing a searcher sees can tell the hidden tie exists.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from reference_paths import Tie, Ties, snapshot_of

from kithbook.domain.errors import KithbookError
from kithbook.graph.explain import explain_paths, render
from kithbook.graph.paths import find_paths
from kithbook.graph.policy import ANONYMOUS, ANYONE, HIDDEN, NAMED, NOBODY, TRUSTED
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter, Snapshot, TieArrays

SIZE = 20
ORGS = ("Acme", "Globex", "Initech")


def community(seed: int) -> tuple[Ties, PeopleArrays]:
    rnd = random.Random(seed)
    ties: Ties = {}
    for u in range(SIZE):
        for v in rnd.sample([p for p in range(SIZE) if p != u], 5):
            ties[(u, v)] = _random_tie(rnd)
            if rnd.random() < 0.8:
                ties[(v, u)] = _random_tie(rnd)
    orgs = np.array([rnd.randrange(-1, len(ORGS)) for _ in range(SIZE)], dtype=np.int32)
    blank = PeopleArrays.blank(SIZE)
    people = PeopleArrays(orgs, blank.role, blank.location, blank.tag_indptr, blank.tag_codes,
                          organization_names=ORGS)
    return ties, people


def _random_tie(rnd: random.Random) -> Tie:
    return Tie(strength=rnd.choice([0.2, 0.4, 0.6, 0.8, 1.0]), trust=rnd.randrange(6),
               visibility=rnd.choice([HIDDEN, ANONYMOUS, NAMED, NAMED, NAMED]),
               ask_rule=rnd.choice([NOBODY, TRUSTED, ANYONE, ANYONE]),
               min_trust=rnd.randrange(1, 6), no_intro=rnd.random() < 0.1)


def _name(person: int) -> str:
    return f"<person {person}>"


def _seen(snap: Snapshot, searcher: int, **query: object) -> object:
    """Everything a searcher can see of one search: the paths as shown, or the error."""
    try:
        paths = find_paths(snap, searcher, k=10, **query)  # type: ignore[arg-type]
    except KithbookError as error:
        return ("error", type(error).__name__, error.message)
    shown = []
    for path, explanation in zip(paths, explain_paths(snap, paths), strict=True):
        people = tuple(None if anon else p for p, anon in zip(path.people, path.anonymous,
                                                               strict=True))
        shown.append((people, path.score, render(snap, explanation, _name)))
    return shown


def _everything_seen(snap: Snapshot, searcher: int) -> list[object]:
    return ([_seen(snap, searcher, to=t) for t in [*range(SIZE), SIZE]]
            + [_seen(snap, searcher, where=PeopleFilter(organization=o))
               for o in range(len(ORGS))])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_search_reveals_a_hidden_tie(seed: int) -> None:
    ties, people = community(seed)
    hidden = [key for key, tie in ties.items() if tie.visibility == HIDDEN]
    assert len(hidden) > 10
    hidden = random.Random(seed).sample(hidden, 10)  # a sample keeps the suite quick
    base = snapshot_of(ties, people)
    seen = {s: _everything_seen(base, s) for s in range(SIZE)}
    assert sum(len(v) for views in seen.values() for v in views if isinstance(v, list)) > 100
    for owner, contact in hidden:
        without = dict(ties)
        del without[(owner, contact)]
        altered = dict(ties)
        altered[(owner, contact)] = Tie(1.0, trust=5, visibility=HIDDEN, ask_rule=ANYONE)
        for variant in (without, altered):
            snap = snapshot_of(variant, people)
            for searcher in range(SIZE):
                if searcher != owner:  # an owner may use their own hidden ties
                    assert _everything_seen(snap, searcher) == seen[searcher], (
                        f"hidden tie {owner}→{contact} shows in searches by {searcher}")


def test_hiding_a_tie_by_refresh_hides_it_at_once() -> None:
    ties, people = community(4)
    named = [key for key, tie in ties.items() if tie.visibility == NAMED][:4]
    snap = snapshot_of(ties, people)
    for owner, contact in named:
        tie = ties[(owner, contact)]
        refreshed = snap.with_changes(
            TieArrays.of([owner], [contact], [tie.strength], visibility=HIDDEN))
        without = dict(ties)
        del without[(owner, contact)]
        gone = snapshot_of(without, people)
        for searcher in range(SIZE):
            if searcher != owner:
                assert _everything_seen(refreshed, searcher) == _everything_seen(gone, searcher)


def test_anonymous_contacts_are_never_named() -> None:
    ties, people = community(5)
    snap = snapshot_of(ties, people)
    shown_anonymous = 0
    for searcher in range(SIZE):
        for org in range(len(ORGS)):
            paths = find_paths(snap, searcher, where=PeopleFilter(organization=org), k=10)
            for path, explanation in zip(paths, explain_paths(snap, paths), strict=True):
                text = render(snap, explanation, _name)
                for person, anonymous in zip(path.people, path.anonymous, strict=True):
                    if anonymous:
                        shown_anonymous += 1
                        assert _name(person) not in text
                        assert "a contact" in text
    assert shown_anonymous > 0
