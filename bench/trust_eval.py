"""Edge-weight prediction on a trust network: Kithbook against the baselines, side by side.

Prints one line per method and split with RMSE and Pearson correlation (ratings scaled
to [-1, 1]), the time each took, and how far the first-order leave-one-out for
Fairness/Goodness is from an exact re-run on a sample of ratings.

Run from the project root:

    python bench/trust_eval.py [FILE] [--split loo|time|both] [--fg-sample N]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from kithbook.domain.errors import InvalidInput
from kithbook.lab.trust_eval import (
    evaluate,
    fairness_goodness_exact,
    fairness_goodness_gap,
    load_ratings,
    score,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "soc-sign-bitcoinotc.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--split", choices=("loo", "time", "both"), default="both")
    parser.add_argument(
        "--fg-sample",
        type=int,
        default=200,
        help="ratings on which to re-run F/G exactly (0 to skip)",
    )
    parser.add_argument(
        "--fg-exact",
        action="store_true",
        help="also score F/G with an exact re-run for every rating (minutes)",
    )
    args = parser.parse_args()
    try:
        ratings = load_ratings(args.file)
    except InvalidInput as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    print(
        f"{args.file}: {ratings.size} members, {len(ratings)} ratings "
        f"(scaled by 1/{ratings.scale:g})"
    )
    splits = ("loo", "time") if args.split == "both" else (args.split,)
    for split in splits:
        began = time.perf_counter()
        result = evaluate(ratings, split)
        total = time.perf_counter() - began
        if result.cut is not None:
            cut = datetime.fromtimestamp(result.cut, UTC).strftime("%Y-%m-%d")
            print(
                f"-- time split: learn from {result.known} ratings before {cut}, "
                f"predict the {result.predicted} after"
            )
        else:
            print(f"-- leave-one-out over {result.predicted} ratings")
        for row in result.scores:
            pcc = "  n/a  " if math.isnan(row.pcc) else f"{row.pcc:+.4f}"
            print(
                f"{split:>4}  {row.method:<22} RMSE {row.rmse:.4f}  PCC {pcc}  ({row.seconds:.1f}s)"
            )
        print(f"{split:>4}  whole run {total:.1f}s")
    if args.fg_sample and "loo" in splits:
        began = time.perf_counter()
        mean_gap, max_gap = fairness_goodness_gap(ratings, sample=args.fg_sample)
        print(
            f"F/G first-order vs exact leave-one-out on {args.fg_sample} ratings: "
            f"mean |gap| {mean_gap:.2e}, max {max_gap:.2e} "
            f"({time.perf_counter() - began:.1f}s)"
        )
    if args.fg_exact and "loo" in splits:
        began = time.perf_counter()
        exact = fairness_goodness_exact(ratings, np.arange(len(ratings)))
        rmse, pcc = score(exact, ratings.weight)
        print(
            f" loo  F/G, exact re-run       RMSE {rmse:.4f}  PCC {pcc:+.4f}"
            f"  ({time.perf_counter() - began:.1f}s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
