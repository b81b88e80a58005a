"""Strength of every tie in a 1,000,000-interaction book: arrays vs a plain Python loop.

    .venv/bin/python bench/strength_bench.py [--interactions 1000000] [--ties 20000]

The book is synthetic with the skew of a real one: a few deep ties carry most of the
history (advice, help, introductions both ways), most ties are a meeting or two and a
note. About one interaction in ten is a group meeting with 2-5 contacts, so there are
more (interaction, contact) rows than interactions. Both computations run side by side
in this process on the same rows; their strengths must agree to 1e-9.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

import numpy as np

from kithbook.domain.interactions import Kind
from kithbook.graph.strength import KINDS, day_number, tie_strength
from kithbook.lab.strength_reference import strength_by_loop

AS_OF = day_number(date(2026, 6, 1))
YEARS = 10

# Kinds as logged by weak and by deep ties: deep ties trade advice and help.
_WEAK = {Kind.MET: .35, Kind.TALKED: .15, Kind.KNOWLEDGE_SHARED: .07, Kind.RESOURCE_SHARED: .05,
         Kind.CONTACT_SHARED: .02, Kind.ADVICE: .04, Kind.HELP: .02, Kind.NOTE: .30}
_DEEP = {Kind.MET: .20, Kind.TALKED: .20, Kind.KNOWLEDGE_SHARED: .12, Kind.RESOURCE_SHARED: .08,
         Kind.CONTACT_SHARED: .06, Kind.ADVICE: .14, Kind.HELP: .12, Kind.NOTE: .08}


def synthetic_book(interactions: int, ties: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    # Heavy-tailed activity: tie popularity follows a Pareto law.
    popularity = rng.pareto(1.1, ties) + 0.05
    popularity /= popularity.sum()
    deep = popularity > np.quantile(popularity, 0.95)

    group_size = np.where(rng.random(interactions) < 0.1, rng.integers(2, 6, interactions), 1)
    rows = int(group_size.sum())
    event = np.repeat(np.arange(interactions), group_size)
    tie = rng.choice(ties, size=rows, p=popularity).astype(np.int32)

    # Everyone at one event shares its day, kind and direction.
    event_day = AS_OF - rng.integers(0, YEARS * 365, interactions)
    weak_p = np.array([_WEAK[k] for k in KINDS])
    deep_p = np.array([_DEEP[k] for k in KINDS])
    event_kind_weak = rng.choice(len(KINDS), size=interactions, p=weak_p)
    event_kind_deep = rng.choice(len(KINDS), size=interactions, p=deep_p)
    kind = np.where(deep[tie], event_kind_deep[event], event_kind_weak[event]).astype(np.int8)
    direction = rng.choice(3, size=interactions, p=[0.45, 0.3, 0.25])[event].astype(np.int8)
    day = event_day[event].astype(np.int32)

    trust = np.where(rng.random(ties) < 0.3, rng.integers(1, 6, ties), 0).astype(np.int8)
    trust[deep] = rng.integers(3, 6, int(deep.sum()))
    start = np.where(rng.random(ties) < 0.4, AS_OF - rng.integers(0, YEARS * 365 + 400, ties),
                     -1).astype(np.int32)
    corrected = rng.random(ties) < 0.02
    correction = np.where(corrected, rng.random(ties), np.nan)
    correction_day = np.where(corrected, AS_OF - rng.integers(0, 2 * 365, ties), -1)
    return {"tie": tie, "kind": kind, "direction": direction, "day": day,
            "stated_trust": trust, "start_day": start, "correction": correction,
            "correction_day": correction_day.astype(np.int32)}


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall-clock seconds over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--ties", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7,
                        help="runs of the array version per round")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds, each timing both versions once")
    args = parser.parse_args(argv)

    book = synthetic_book(args.interactions, args.ties, args.seed)
    rows = len(book["tie"])
    per_tie = np.bincount(book["tie"], minlength=args.ties)
    top = np.sort(per_tie)[::-1]
    print(f"book: {args.interactions:,} interactions, {rows:,} (interaction, contact) rows, "
          f"{args.ties:,} ties")
    print(f"skew: top 5% of ties hold {top[: args.ties // 20].sum() / rows:.0%} of rows; "
          f"median tie has {int(np.median(per_tie))} rows, busiest {int(top[0]):,}")

    lists = {k: v.tolist() for k, v in book.items()}  # the loop's natural input

    # Rounds interleave the two, so a burst of load from elsewhere hits both alike.
    ratios, arrays_ms, loop_ms, worst = [], [], [], 0.0
    for n in range(1, args.rounds + 1):
        t_arrays, result = timed(lambda: tie_strength(**book, as_of=AS_OF), args.repeat)
        t_loop, expected = timed(lambda: strength_by_loop(**lists, as_of=AS_OF), 1)
        got = result.strength  # type: ignore[attr-defined]
        worst = max(worst, float(np.max(np.abs(got - np.asarray(expected)))))
        ratios.append(t_loop / t_arrays)
        arrays_ms.append(t_arrays * 1000)
        loop_ms.append(t_loop * 1000)
        print(f"round {n}: arrays {t_arrays * 1000:7.1f} ms (median of {args.repeat}), "
              f"plain loop {t_loop * 1000:7.1f} ms, ratio {t_loop / t_arrays:5.1f}x")
    print(f"arrays (kithbook.graph.strength): {statistics.median(arrays_ms):8.1f} ms")
    print(f"plain Python loop:                {statistics.median(loop_ms):8.1f} ms")
    print(f"ratio: {statistics.median(ratios):.1f}x faster (median of {args.rounds} rounds); "
          f"largest difference {worst:.1e}")
    if worst > 1e-9:
        print("error: the two computations disagree by more than 1e-9", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
