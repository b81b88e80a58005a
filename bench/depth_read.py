"""Reading a whole book for relationship depth, against the driver's bare fetch.

    .venv/bin/kithbook -d /tmp/big.sqlite demo --size 100000 --no-serve
    .venv/bin/python bench/depth_read.py /tmp/big.sqlite [--rounds 3]

Peers, side by side in this process on the same SQLite file:

- `sqlite3 fetchall`: the standard library driver running the plain join of
  interaction_contacts and interactions and returning its tuples — the least any read
  of the log can cost;
- `snapshot`: `SqlDepth.snapshot`, the same rows with kind, direction and day coded
  in SQL, through SQLAlchemy, into numpy arrays with each row's tie number, plus the
  contacts and tags;
- `strength`: the engine over the snapshot;
- `digest`, `health` and `one tie` (the contact page): the use cases end to end.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.digest import Budget
from kithbook.services.tie_strength import compute_strength

JOIN = ("SELECT ic.contact_id, i.kind, i.direction, i.occurred_on FROM interaction_contacts ic "
        "JOIN interactions i ON ic.interaction_id = i.id WHERE i.owner_id = ?")


def _best(rounds: int, run: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a SQLite book built by `kithbook demo`")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.database.exists():
        print(f"no database at {args.database}: build one with `kithbook -d {args.database} "
              "demo --size 100000 --no-serve`", file=sys.stderr)
        return 2
    kb = bootstrap(Settings(database_url=database_url_from(str(args.database))))
    me = kb.local_member()
    raw = sqlite3.connect(args.database)
    uow = kb.uow()

    def snapshot() -> object:
        with uow.reading():
            return uow.depth.snapshot(me.id)

    snap = snapshot()
    rows = len(snap.tie)  # type: ignore[attr-defined]
    some = snap.contacts[len(snap.contacts) // 2]  # type: ignore[attr-defined]
    results = {
        "sqlite3 fetchall": _best(args.rounds, lambda: raw.execute(JOIN, (me.id,)).fetchall()),
        "snapshot": _best(args.rounds, snapshot),
        "strength": _best(args.rounds, lambda: compute_strength(
            snap, kb.clock.today(), kb.strength_params)),  # type: ignore[arg-type]
        "digest": _best(args.rounds, lambda: kb.digest(me.id, Budget())),
        "health": _best(args.rounds, lambda: kb.health(me.id)),
        "one tie": _best(args.rounds, lambda: kb.tie_depth(me.id, some, exact=True)),
    }
    floor = results["sqlite3 fetchall"][0]
    print(f"{len(snap.contacts):,} ties, {rows:,} interaction rows; "  # type: ignore[attr-defined]
          f"best of {args.rounds} (median)")
    for name, (best, median) in results.items():
        print(f"  {name:<17} {best:8.3f} s ({median:.3f})  {best / floor:6.2f}x the bare fetch")
    kb.close()
    raw.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
