"""A slow, obviously-correct warm-path search: the specification the fast one must meet.

It walks every simple path of up to four hops with plain Python over a dict of ties, and
applies the policy rules hop by hop exactly as docs/paths.md states them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kithbook.graph.policy import ANYONE, HIDDEN, NAMED, TRUSTED, agree_chance
from kithbook.graph.snapshot import PeopleArrays, Snapshot, TieArrays


@dataclass(frozen=True)
class Tie:
    strength: float
    trust: int = 0
    visibility: int = NAMED
    ask_rule: int = ANYONE
    min_trust: int = 0
    no_intro: bool = False


Ties = dict[tuple[int, int], Tie]


def reference_paths(ties: Ties, searcher: int, targets: Iterable[int], *, named: bool,
                    k: int = 5, max_intermediaries: int = 3,
                    vouch: Sequence[float] | None = None,
                    unnamed: float = 1.0) -> list[tuple[tuple[int, ...], float]]:
    """Top-k (people, score), ordered by score, then hops, then person numbers.

    Each intermediary's trust factor (`vouch[person]`, or `unnamed` when the tie that
    reaches them is anonymous; the searcher's own ties always name) multiplies the score
    right after their agree chance."""
    out: dict[int, list[int]] = {}
    for u, v in sorted(ties):
        out.setdefault(u, []).append(v)
    wanted = set(targets)
    if not named:
        wanted -= set(out.get(searcher, ())) | {searcher}
    found: list[tuple[tuple[int, ...], float]] = []

    def back(u: int, asker: int) -> Tie | None:
        tie = ties.get((u, asker))
        return None if tie is None or tie.visibility == HIDDEN else tie

    def factor(u: int, v: int, own: bool) -> float:
        if vouch is None:
            return 1.0
        return vouch[v] if own or ties[(u, v)].visibility == NAMED else unnamed

    def walk(path: list[int], agrees: list[float], factors: list[float]) -> None:
        u = path[-1]
        for v in out.get(u, ()):
            if v in path:
                continue
            tie = ties[(u, v)]
            if len(path) == 1:  # the searcher's own tie
                if not (named and v in wanted):
                    walk([*path, v], agrees, [factor(u, v, True)])
                continue
            asker = path[-2]
            mine = back(u, asker)
            trust_of_asker = mine.trust if mine else 0
            if tie.visibility == HIDDEN or tie.no_intro:
                continue
            if not (tie.ask_rule == ANYONE or (tie.ask_rule == TRUSTED
                                               and trust_of_asker >= tie.min_trust)):
                continue
            agree = float(agree_chance(mine.strength, mine.trust)) if mine else 0.0
            if agree == 0:
                continue
            now = [*agrees, agree]
            if v in wanted and not (named and tie.visibility != NAMED):
                score = 1.0
                for a, f in zip(now, factors, strict=True):
                    score = score * a * f
                score = score * float(np.float32(tie.strength))
                if score > 0:
                    found.append(((*path, v), score))
            if len(path) <= max_intermediaries and not (named and v in wanted):
                walk([*path, v], now, [*factors, factor(u, v, False)])

    walk([searcher], [], [])

    def key(item: tuple[tuple[int, ...], float]) -> tuple[float, int, int, int, int, int]:
        people, score = item
        mids = [*people[1:-1], -1, -1][:3]
        return (-score, len(people) - 1, mids[0], mids[1], mids[2], people[-1])

    return sorted(found, key=key)[:k]


def snapshot_of(ties: Ties, people: PeopleArrays | int) -> Snapshot:
    """The same ties as a snapshot."""
    keys = list(ties)
    rows = [ties[key] for key in keys]
    return Snapshot.build(TieArrays.of(
        src=[u for u, _ in keys], dst=[v for _, v in keys],
        strength=[r.strength for r in rows], trust=[r.trust for r in rows],
        visibility=[r.visibility for r in rows], ask_rule=[r.ask_rule for r in rows],
        min_trust=[r.min_trust for r in rows], no_intro=[r.no_intro for r in rows]), people)
