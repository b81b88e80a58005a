"""Finding likely duplicates in a book: names compared through the filter, against
comparing every pair of names at each organization.

    .venv/bin/kithbook -d /tmp/d10k.sqlite demo --size 10000 --no-serve
    PYTHONPATH=src .venv/bin/python bench/duplicates_bench.py /tmp/d10k.sqlite [--rounds 3]

Peers, side by side in this process on the same candidates (every contact of the book's
member, read once): `find_duplicates` as it runs, whose `_close_pairs` compares only the
names that could be alike, and the same function comparing every pair
(`itertools.combinations`, what it did before). Both must give the same groups and the
same evidence; the second is skipped past --all-pairs-limit pairs (it is quadratic).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain import duplicates
from kithbook.domain.duplicates import Candidate, DuplicateGroup, find_duplicates, fold


def _best(rounds: int, run: Callable[[], list[DuplicateGroup]]
          ) -> tuple[float, list[DuplicateGroup]]:
    times, found = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        found = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


def _every_pair(people: list[Candidate]) -> list[DuplicateGroup]:
    real = duplicates._close_pairs
    duplicates._close_pairs = lambda members, _names, _t: list(combinations(members, 2))
    try:
        return find_duplicates(people)
    finally:
        duplicates._close_pairs = real


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="a SQLite book (kithbook demo --size N)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--all-pairs-limit", type=int, default=20_000_000)
    args = parser.parse_args()
    if not Path(args.database).exists():
        print(f"no book at {args.database}; build one with: kithbook -d {args.database} "
              "demo --size 10000 --no-serve", file=sys.stderr)
        return 2
    kb = bootstrap(Settings(database_url=database_url_from(args.database)), migrate=False)
    me = kb.local_member().id
    with kb.uow().reading() as uow:
        people = [Candidate.of(c) for c in uow.contacts.all(me)]
    sizes = Counter(fold(p.organization) for p in people if p.organization)
    pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    print(f"{len(people):,} contacts at {len(sizes):,} organizations: {pairs:,} pairs of "
          f"names at the same organization; median of {args.rounds}")
    filtered, found = _best(args.rounds, lambda: find_duplicates(people))
    print(f"{'filtered (_close_pairs)':28} {filtered:8.2f} s  {len(found):,} groups")
    if pairs > args.all_pairs_limit:
        print(f"{'every pair':28} skipped: more than {args.all_pairs_limit:,} pairs")
        return 0
    every, reference = _best(args.rounds, lambda: _every_pair(people))
    same = "the same groups and evidence" if reference == found else "DIFFERENT ANSWERS"
    print(f"{'every pair':28} {every:8.2f} s  {len(reference):,} groups  "
          f"({every / filtered:.1f}× the filtered time; {same})")
    return 0 if reference == found else 1


if __name__ == "__main__":
    sys.exit(main())
