"""The network map of a large book: the first view after a write, and a warm view.

    kithbook --database /tmp/mapfast.sqlite demo --size 100000 --no-serve
    PYTHONPATH=src .venv/bin/python bench/map_bench.py --database /tmp/mapfast.sqlite

Two ways to draw the same map run side by side in this process on the same database:

- stored: the map as it is (services/network_map.py): the strongest ties chosen from the
  strength and stage stored with each tie, then only those contacts and their links;
- whole book: the map as it was at commit 263cf29 (read from git), which read every
  interaction of the book and scored every tie before choosing.

Each round logs one interaction (a write, as a user would) and then asks each way for the
map, taking turns at going first; then asks each again with nothing written (warm). The
two maps of a round must draw the same people with the same strengths and stages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

from kithbook.bootstrap import bootstrap
from kithbook.config import load_settings
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.network_map import NetworkMap
from kithbook.domain.ties import Stage
from kithbook.services import network_map as stored
from kithbook.services.paths import PathsCache

BEFORE = "263cf29"
REPO = Path(__file__).resolve().parent.parent


def whole_book_module() -> types.ModuleType:
    """services/network_map.py as it was before stored strengths were used."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{BEFORE}:src/kithbook/services/network_map.py"],
        check=True, capture_output=True, text=True).stdout
    module = types.ModuleType("network_map_whole_book")
    module.__dict__["__name__"] = "network_map_whole_book"
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "network_map_whole_book.py", "exec"), module.__dict__)
    return module


def timed(call: Callable[[], NetworkMap]) -> tuple[float, NetworkMap]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def same(a: NetworkMap, b: NetworkMap) -> bool:
    """The same counts, the same shown strengths, and each contact drawn in both with the
    same strength and stage. Among ties of equal shown strength at the limit, the whole
    book took the first by name and the stored way the strongest to more decimals."""
    mine = {n.contact: (n.strength, n.stage) for n in a.nodes}
    return ((a.book_size, a.matching) == (b.book_size, b.matching)
            and [n.strength for n in a.nodes] == [n.strength for n in b.nodes]
            and all(mine[n.contact] == (n.strength, n.stage) for n in b.nodes
                    if n.contact in mine))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5, help="warm views per way and round")
    args = parser.parse_args()

    kb = bootstrap(load_settings().with_database(args.database))
    me = kb.book.local_member()
    old = whole_book_module()
    ways: dict[str, tuple[PathsCache, Callable[[PathsCache, object], NetworkMap]]] = {
        "stored": (PathsCache(), lambda cache, query: stored.paths.network_map(
            kb.uow(), cache, me.id, query, kb.clock, kb.strength_params)),  # type: ignore[arg-type]
        "whole book": (PathsCache(), lambda cache, query: old.paths.network_map(
            kb.uow(), cache, me.id, query, kb.clock, kb.strength_params)),
    }
    with kb.uow().reading() as uow:
        someone = uow.depth.strongest(me.id, 400)[0][-1].contact
    queries = {
        "everyone (150)": stored.MapQuery(),
        "stage trusted": stored.MapQuery(stage=Stage.TRUSTED),
        "tag mentor": stored.MapQuery(tag="mentor"),
        "organization 'bank'": stored.MapQuery(organization="bank"),
    }
    first: dict[tuple[str, str], list[float]] = {}
    warm: dict[tuple[str, str], list[float]] = {}
    for label, query in queries.items():
        for round_ in range(args.rounds):
            kb.book.log_interaction(me.id, [someone], Kind.MET, Direction.MUTUAL, kb.clock.today())
            order = list(ways) if round_ % 2 == 0 else list(reversed(ways))
            drawn = {}
            for name in order:
                cache, draw = ways[name]
                seconds, drawn[name] = timed(lambda: draw(cache, query))  # noqa: B023
                first.setdefault((label, name), []).append(seconds)
            if not same(drawn["stored"], drawn["whole book"]):
                print(f"the two maps differ for {label}", file=sys.stderr)
                return 1
            for name in order:
                cache, draw = ways[name]
                for _ in range(args.warm):
                    seconds, _map = timed(lambda: draw(cache, query))  # noqa: B023
                    warm.setdefault((label, name), []).append(seconds)
        print(f"done: {label}", file=sys.stderr, flush=True)

    load = os.getloadavg()
    print(f"network map, {args.database}; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; medians of {args.rounds} first views and "
          f"{args.rounds * args.warm} warm views")
    print(f"{'filters':22} {'view':6} {'stored':>10} {'whole book':>11} {'ratio':>8}")
    for label in queries:
        for view, times in (("first", first), ("warm", warm)):
            a = statistics.median(times[(label, "stored")])
            b = statistics.median(times[(label, "whole book")])
            print(f"{label:22} {view:6} {a * 1000:8.1f}ms {b * 1000:9.1f}ms {b / a:7.1f}x")
    kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
