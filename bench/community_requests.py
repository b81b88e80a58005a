"""What each request kind of the community load costs in database work, in process.

    KITHBOOK_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        PYTHONPATH=src python bench/community_requests.py [--members 40] [--size 300] \\
        [--requests 600] [--profile "page: warm paths"]

Builds the community of `bench/community_load.py` in a fresh PostgreSQL schema (dropped
afterwards), then sends its traffic mix one request at a time straight to the ASGI app
(no socket), as one randomly chosen member after another, and counts per request kind
what reached PostgreSQL: statements, connections taken from the pool (each one a
transaction, and a ping of the server), commits. The first 50 requests are not counted.
With --profile, the thread pool's work runs on the event loop's thread and cProfile
prints where that request kind's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx2 as httpx
from sqlalchemy import Engine, event, pool

from community_load import COOKIE, MIX, Client, build_community, one_request, scratch_schema
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.web.app import create_app
from kithbook.web.auth import Community
from web_requests import inline_threadpool

SKIPPED = 50  # requests sent before counting starts: caches and compiled code warm up


class Counts:
    """What every engine and pool of this process sent, as running totals."""

    def __init__(self) -> None:
        self.total: Counter[str] = Counter()
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "commit", lambda *_: self.total.update(["commits"]))
        event.listen(pool.Pool, "checkout", lambda *_: self.total.update(["checkouts"]))

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.total["statements"] += 1
        verb = statement.split(None, 1)[0].upper() if statement.strip() else "?"
        if verb in ("INSERT", "UPDATE", "DELETE"):
            self.total["writes"] += 1


def inline_everywhere() -> None:
    """`inline_threadpool`, and the modules of ours that imported `run_in_threadpool`."""
    inline_threadpool()

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("kithbook.web") and hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = inline


async def run(app: Any, clients: list[Client], requests: int, profile: str | None,
              counts: Counts, seed: int) -> None:
    rng = random.Random(seed)
    today = datetime.now(UTC).date().isoformat()
    names, weights = zip(*MIX, strict=True)
    times: dict[str, list[float]] = {name: [] for name in names}
    sent: dict[str, Counter[str]] = {name: Counter() for name in names}
    profiler = cProfile.Profile()
    transport = httpx.ASGITransport(app=app)
    for n in range(requests + SKIPPED):
        what = rng.choices(names, weights)[0]
        who = clients[rng.randrange(len(clients))]
        async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                     cookies={COOKIE: who.session}) as http:
            before = counts.total.copy()
            watched = profile == what and n >= SKIPPED
            if watched:
                profiler.enable()
            started = time.perf_counter()
            response = await one_request(http, who, what, rng, today)
            took = time.perf_counter() - started
            if watched:
                profiler.disable()
        if response.status_code >= 500 or 300 <= response.status_code < 400:
            raise RuntimeError(f"{what}: {response.status_code} {response.text[:300]}")
        if n >= SKIPPED:
            times[what].append(took)
            sent[what].update(counts.total - before)
    print(f"{'request':30} {'count':>5} {'p50 ms':>7} {'statements':>10} {'writes':>6} "
          f"{'pool takes':>10} {'commits':>7}")
    for what in names:
        done = sorted(times[what])
        if not done:
            continue
        per = {k: v / len(done) for k, v in sent[what].items()}
        print(f"{what:30} {len(done):5} {done[len(done) // 2] * 1000:7.1f} "
              f"{per.get('statements', 0):10.1f} {per.get('writes', 0):6.1f} "
              f"{per.get('checkouts', 0):10.1f} {per.get('commits', 0):7.1f}")
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database", default=os.environ.get("KITHBOOK_TEST_POSTGRES_URL"),
                        help="a PostgreSQL URL; a fresh schema is made in it and dropped")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--size", type=int, default=300, help="contacts in each book")
    parser.add_argument("--requests", type=int, default=600, help="requests counted")
    parser.add_argument("--profile", choices=[name for name, _ in MIX],
                        help="print where this request kind's time goes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.database or not args.database.startswith("postgresql"):
        parser.error("give a PostgreSQL URL with --database or KITHBOOK_TEST_POSTGRES_URL")
    with scratch_schema(database_url_from(args.database), "kb_requests") as url:
        clients = build_community(url, args.members, args.size, args.seed)
        if args.profile:
            inline_everywhere()
        kb = bootstrap(Settings(database_url=url), migrate=False)
        counts = Counts()
        load = os.getloadavg()
        print(f"community: {args.members} members × {args.size} contacts on PostgreSQL; "
              f"{args.requests} requests one at a time; load average {load[0]:.1f} "
              f"{load[1]:.1f} {load[2]:.1f}")
        try:
            asyncio.run(run(create_app(kb, Community(secure_cookies=False), threads=40),
                            clients, args.requests, args.profile, counts, args.seed))
        finally:
            kb.close()


if __name__ == "__main__":
    main()
