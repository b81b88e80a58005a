"""Reading a whole book for relationship depth: the reports from each tie's stored facts
against the same reports from every tie's history, and both against the driver's bare
fetch.

    .venv/bin/kithbook -d /tmp/big.sqlite demo --size 100000 --no-serve
    .venv/bin/python bench/depth_read.py /tmp/big.sqlite [--rounds 3]

The book is copied first (the last rows log interactions into the copy). Peers, side by
side in this process on the same copy:

- `sqlite3 fetchall`: the standard library driver running the plain join of
  interaction_contacts and interactions and returning its tuples — the least any read
  of the whole log can cost;
- `snapshot` and `strength`: `SqlDepth.snapshot` (the log coded in SQL, through
  SQLAlchemy, into numpy arrays) and the engine over it, which every report used to
  start from;
- `… from history`: the digest, the keep-in-touch list and the health report as they
  were made before facts were stored: every tie summarized from the snapshot, every
  interaction read with its note;
- `… from facts`: the same reports as the app makes them now (`services.depth`,
  nothing kept between rounds): stored facts, screened and counted in SQL;
- `after a write`: what a member waits for on the first visit after logging an
  interaction (the app's kept answers are dropped by the write): the tie's strength
  and facts computed again, then the report;
- `one tie`: the contact page's depth.

Every report from facts is checked equal to its peer from history first.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.digest import Budget, weekly_digest
from kithbook.domain.health import HealthReport, health_report
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.keep_in_touch import losing_touch
from kithbook.domain.tie_summary import TieSummary
from kithbook.services import depth, stored_strength
from kithbook.services.ports import DepthSnapshot
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


def _named(report: HealthReport) -> HealthReport:
    return dataclasses.replace(report, dormant=tuple(  # type: ignore[arg-type]
        (t.contact, t.name, t.strength, t.last_contact) for t in report.dormant))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a SQLite book built by `kithbook demo`")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.database.exists():
        print(f"no database at {args.database}: build one with `kithbook -d {args.database} "
              "demo --size 100000 --no-serve`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "book.sqlite"
        shutil.copyfile(args.database, copy)
        return _run(copy, args.rounds)


def _run(database: Path, rounds: int) -> int:
    kb = bootstrap(Settings(database_url=database_url_from(str(database))))
    me = kb.book.local_member()
    raw = sqlite3.connect(database)
    uow = kb.uow()
    clock, params = kb.clock, kb.strength_params
    today = clock.today()
    print("bringing the stored strengths and facts up to date…", flush=True)
    stored_strength.bring_up_to_date(uow, me.id, today, params)

    def history() -> tuple[list[TieSummary], dict[str, int]]:
        with uow.reading():
            snapshot = uow.depth.snapshot(me.id)
            return (depth._summaries(snapshot, today, params),
                    uow.depth.tag_cadences(me.id))

    def digest_from_history() -> object:
        ties, cadences = history()
        return weekly_digest(ties, cadences, today, Budget())

    def losing_touch_from_history() -> object:
        ties, cadences = history()
        return losing_touch(ties, cadences, today, limit=50)

    def health_from_history() -> HealthReport:
        ties, _ = history()
        with uow.reading():
            logged = uow.depth.logged(me.id)
        return health_report(ties, logged, today)

    def digest() -> object:
        return depth.digest(uow, me.id, clock, params, Budget())

    def lost() -> object:
        return depth.losing_touch_list(uow, me.id, clock, params, limit=50)

    def health() -> HealthReport:
        return depth.health(uow, me.id, clock, params)

    assert digest() == digest_from_history(), "the digests differ"
    assert lost() == losing_touch_from_history(), "the losing-touch lists differ"
    assert _named(health()) == _named(health_from_history()), "the health reports differ"

    def snapshot() -> DepthSnapshot:
        with uow.reading():
            return uow.depth.snapshot(me.id)

    snap = snapshot()
    some = snap.contacts[len(snap.contacts) // 2]

    def after_a_write(report: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            kb.book.log_interaction(me.id, [some], Kind.TALKED, Direction.MUTUAL, today,
                                    exact=True)
            return report()
        return run

    results = {
        "sqlite3 fetchall": _best(rounds, lambda: raw.execute(JOIN, (me.id,)).fetchall()),
        "snapshot": _best(rounds, snapshot),
        "strength": _best(rounds, lambda: compute_strength(snap, today, params)),
        "digest from history": _best(rounds, digest_from_history),
        "digest from facts": _best(rounds, digest),
        "losing touch from history": _best(rounds, losing_touch_from_history),
        "losing touch from facts": _best(rounds, lost),
        "health from history": _best(rounds, health_from_history),
        "health from facts": _best(rounds, health),
        "digest after a write": _best(rounds, after_a_write(lambda: kb.depth.digest(me.id))),
        "health after a write": _best(rounds, after_a_write(lambda: kb.depth.health(me.id))),
        "one tie": _best(rounds, lambda: kb.depth.tie_depth(me.id, some, exact=True)),
    }
    floor = results["sqlite3 fetchall"][0]
    print(f"{len(snap.contacts):,} ties, {len(snap.tie):,} interaction rows; "
          f"best of {rounds} (median)")
    for name, (best, median) in results.items():
        print(f"  {name:<26} {best:8.3f} s ({median:.3f})  {best / floor:6.2f}x the bare fetch")
    for report in ("digest", "losing touch", "health"):
        old, new = results[f"{report} from history"][0], results[f"{report} from facts"][0]
        print(f"  {report} from facts: {old / new:.1f}x faster than from history")
    kb.close()
    raw.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
