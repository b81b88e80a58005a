"""Names on the network map: how many of the strongest are named, and what drawing costs.

    PYTHONPATH=src .venv/bin/python bench/map_labels_bench.py [--sizes 250 2000] [--seeds 5]

Demo books of each size and seed are built in a temporary SQLite file; the map of each
(everyone, the 150 strongest, twelve of them to be named) is drawn twice in this process,
by the drawing as it is (io/network_map.py) and as it was at `--before` (read from git),
each taking turns at going first. Reported: names written of those to be named, how many
reach their circle by a leader line, and the median time to draw the SVG.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.ids import ContactId
from kithbook.domain.network_map import ColourBy, NetworkMap
from kithbook.io import network_map as now
from kithbook.services.network_map import MapQuery

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def drawing_at(revision: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{revision}:src/kithbook/io/network_map.py"],
        check=True, capture_output=True, text=True).stdout
    module = types.ModuleType("network_map_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "network_map_before.py", "exec"), module.__dict__)
    return module


def maps(sizes: list[int], seeds: int) -> list[tuple[int, NetworkMap]]:
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            for seed in range(seeds):
                path = Path(folder) / f"book-{size}-{seed}.sqlite"
                kb = bootstrap(Settings(database_url=database_url_from(str(path))))
                me, _ = kb.book.init_local_member("Sam")
                kb.book.build_demo(me.id, size, seed)
                out.append((size, kb.paths.network_map(me.id, MapQuery())))
                kb.close()
    return out


def named(svg: str, network: NetworkMap) -> tuple[int, int]:
    root = ET.fromstring(svg)
    names = {t.text for t in root.iter(f"{SVG}text")}
    labelled = [n for n in network.nodes if n.labelled]
    shown = sum(1 for n in labelled if now._short(n.name) in names)
    leaders = sum(1 for line in root.iter(f"{SVG}line") if line.get("class") == "leader")
    return shown, leaders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 2000])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--before", default="main~1")
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args()
    before = drawing_at(args.before)

    def href(contact: ContactId) -> str:
        return f"/contacts/{contact}"

    ways: dict[str, Callable[[NetworkMap], str]] = {
        "now": lambda m: now.map_svg(m, ColourBy.ORGANIZATION, href, with_legend=True),
        f"at {args.before}": lambda m: before.map_svg(m, ColourBy.ORGANIZATION, href,
                                                      with_legend=True),
    }
    results: dict[tuple[int, str], list[tuple[int, int, int, float]]] = {}
    for size, network in maps(args.sizes, args.seeds):
        times: dict[str, list[float]] = {name: [] for name in ways}
        for draw in range(args.draws):
            for name in (list(ways) if draw % 2 == 0 else list(reversed(ways))):
                start = time.perf_counter()
                ways[name](network)
                times[name].append(time.perf_counter() - start)
        for name, way in ways.items():
            shown, leaders = named(way(network), network)
            wanted = sum(1 for n in network.nodes if n.labelled)
            results.setdefault((size, name), []).append(
                (shown, wanted, leaders, statistics.median(times[name])))
    load = os.getloadavg()
    print(f"network map names; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.seeds} demo books a size, {args.draws} draws a map and way")
    print(f"{'book':>6} {'drawing':14} {'named':>12} {'leaders':>8} {'draw (median)':>14}")
    for (size, name), rows in results.items():
        shown = sum(r[0] for r in rows)
        wanted = sum(r[1] for r in rows)
        leaders = sum(r[2] for r in rows)
        took = statistics.median(r[3] for r in rows)
        print(f"{size:>6} {name:14} {shown:>5} of {wanted:<4} {leaders:>8} "
              f"{took * 1000:11.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
