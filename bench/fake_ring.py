"""How much trust a ring of fake accounts gains, as it grows from 10 to 1,000 accounts.

The honest network is a real trust network (Bitcoin OTC by default). The ring's accounts
each vouch (+1) for the next ten accounts of the ring; two honest members were fooled
into vouching (+1) for one ring account each, and the ring vouches back for them. We
look at the ring through honest eyes:

* reputation seeded by the honest members (the community's view);
* personalized trust from 50 honest viewers chosen at random (each member's own view);
* for contrast, reputation seeded by everyone, fakes included (what seeding prevents),
  and Fairness/Goodness: the ring's mean goodness against the honest median.

Columns: the ring's mean score, the median score of honest members, the ring's share of
all reach; for viewers, the share of them for whom the ring's mean is below the honest
median ("below") and the share whose honest median is exactly 0 because they reach too
few members to rank ("med 0": there a ring mean of 0 ties, it cannot be below).

Run from the project root:

    python bench/fake_ring.py [FILE] [--fooled top|random]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from kithbook.domain.errors import InvalidInput
from kithbook.graph.trust import build_trust_graph, personalized_trust, reputation
from kithbook.lab.ratings import Ratings
from kithbook.lab.trust_eval import fairness_goodness, load_ratings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "soc-sign-bitcoinotc.csv"
SIZES = (10, 30, 100, 300, 1000)
VIEWERS = 50
VOUCHES = 10


def with_ring(
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    members: int,
    ring_size: int,
    fooled: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The honest ties plus a ring numbered members..members+ring_size-1."""
    ring = np.arange(members, members + ring_size)
    k = min(VOUCHES, ring_size - 1)
    by = np.repeat(np.arange(ring_size), k)
    to = (by + np.tile(np.arange(1, k + 1), ring_size)) % ring_size
    entry = ring[: fooled.size]
    s = np.concatenate([src, ring[by], fooled, entry])
    d = np.concatenate([dst, ring[to], entry, fooled])
    w = np.concatenate([weight, np.ones(by.size + 2 * fooled.size)])
    return s, d, w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument(
        "--fooled",
        choices=("top", "random"),
        default="top",
        help="fool the two most reputable members (worst case) or two at random",
    )
    args = parser.parse_args()
    try:
        ratings = load_ratings(args.file)
    except InvalidInput as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    n = ratings.size
    honest = build_trust_graph(ratings.src, ratings.dst, ratings.weight, n)
    rng = np.random.default_rng(7)
    if args.fooled == "top":
        fooled = np.argsort(-reputation(honest).reach)[:2]
    else:
        fooled = rng.choice(n, size=2, replace=False)
    viewers = rng.choice(np.setdiff1d(np.arange(n), fooled), size=VIEWERS, replace=False)
    print(
        f"honest network {args.file}: {n} members, {len(ratings)} ratings; "
        f"fooled members {fooled.tolist()} ({args.fooled}); {VIEWERS} honest viewers"
    )
    print(
        f"{'ring':>5} | {'seeded reputation':^36} | {'personalized (mean of viewers)':^44} | "
        f"{'unseeded':>8} | {'F/G goodness':^20}"
    )
    print(
        f"{'size':>5} | {'ring mean':>9} {'honest med':>10} {'ring reach':>11}   | "
        f"{'ring mean':>9} {'honest med':>10} {'ring reach':>11} {'below':>5} {'med 0':>5} | "
        f"{'ring mean':>9} | {'ring mean':>9} {'honest med':>10}"
    )
    for size in SIZES:
        began = time.perf_counter()
        ties = with_ring(ratings.src, ratings.dst, ratings.weight, n, size, fooled)
        graph = build_trust_graph(*ties, size=n + size)
        _, good = fairness_goodness(
            Ratings(
                ties[0], ties[1], ties[2].astype(np.float64), np.zeros(ties[0].size), n + size, 1.0
            )
        )
        seeded = reputation(graph, seeds=np.arange(n))
        everyone = reputation(graph)
        ring_means, honest_medians, ring_reach = [], [], []
        for viewer in viewers:
            trust = personalized_trust(graph, int(viewer))
            others = np.delete(trust.score[:n], viewer)
            ring_means.append(float(trust.score[n:].mean()))
            honest_medians.append(float(np.median(others)))
            ring_reach.append(float(trust.reach[n:].sum()))
        below = float(np.mean(np.array(ring_means) < np.array(honest_medians)))
        blind = float(np.mean(np.array(honest_medians) == 0.0))
        print(
            f"{size:>5} | {seeded.score[n:].mean():>9.4f} {np.median(seeded.score[:n]):>10.4f} "
            f"{seeded.reach[n:].sum():>10.2%}   | {np.mean(ring_means):>9.4f} "
            f"{np.mean(honest_medians):>10.4f} {np.mean(ring_reach):>10.2%} {below:>5.0%} "
            f"{blind:>5.0%} | "
            f"{everyone.score[n:].mean():>9.4f} | {good[n:].mean():>9.4f} "
            f"{np.median(good[:n]):>10.4f}   ({time.perf_counter() - began:.1f}s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
