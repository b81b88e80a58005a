"""Full import speed: a LinkedIn CSV and a vCard file into a book, SQLite and PostgreSQL.

    python bench/import_load.py [--rows 100000] [--cards 20000] [--postgres URL] [--profile]
    python bench/import_load.py --quick     # seconds: 5,000 rows and 1,000 cards, for CI
    python bench/import_load.py --against main --rounds 2   # another revision, side by side

Generates the same files as bench/import_bench.py, then imports each with
`import_file` (read, check, duplicate finding, bulk write, one transaction) into
a fresh SQLite file and into a throw-away schema of PostgreSQL (skipped, with a line
saying so, when unreachable). Side by side, over the same bytes, the peer is the reader
alone (parsing and checking, nothing written): the ratio says how much of the reader's
speed survives writing. `--profile` prints where SQLite's time goes.

With `--against REV`, the `src` of git revision REV (from `git archive`) imports the same
files into its own fresh databases, and each measurement runs in a process of its own,
this tree and REV taking turns (`--rounds`, alternating which goes first), so both see
the same machine; the last column is REV's time over this tree's. The load average is
printed before and after: on a shared machine, read the ratios.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from import_bench import write_linkedin, write_vcards

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
FILES = {"LinkedIn CSV": "Connections.csv", "vCard 3.0": "contacts.vcf"}
THIS = "this tree"


Timing = tuple[float, float, int]  # wall seconds, this process's CPU seconds, records


def import_into(url: str, path: Path, profile: bool = False) -> Timing:
    from kithbook.bootstrap import bootstrap
    from kithbook.config import Settings

    kb = bootstrap(Settings(database_url=url))
    try:
        me, _ = _case(kb, "book", "init_local_member")("Bench")
        profiler = cProfile.Profile() if profile else None
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        report = _case(kb, "transfer", "import_file")(me.id, path)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return (time.perf_counter() - start, time.process_time() - cpu,
                report.contacts_added)
    finally:
        kb.close()


def _case(kb: object, feature: str, name: str) -> Callable[..., Any]:
    """`kb.feature.name`, the use cases grouped by feature, or `kb.name` in a revision from
    before they were: `--against` runs older revisions with this same file."""
    return getattr(getattr(kb, feature, kb), name)  # type: ignore[no-any-return]


def parse_only(path: Path) -> Timing:
    from kithbook.io.linkedin import read_linkedin
    from kithbook.io.vcard import read_vcards

    reader: Callable[..., Iterator[object]] = \
        read_vcards if path.suffix == ".vcf" else read_linkedin
    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as f:
        count = sum(1 for _ in reader(f))
    return time.perf_counter() - start, time.process_time() - cpu, count


def measured(src: Path, what: str, path: Path, url: str = "") -> Timing:
    """One measurement in a process of its own, with the code of `src`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(BENCH)])}
    out = subprocess.run([sys.executable, __file__, "--measure", what, "--file", str(path),
                          "--url", url], env=env, check=True, capture_output=True, text=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return float(found["seconds"]), float(found["cpu"]), int(found["count"])


def line(database: str, label: str, ours: Timing, peer: Timing) -> str:
    rate, peer_rate = ours[2] / ours[0], peer[2] / peer[0]
    return (f"{database:<11} {label:<13} {ours[2]:>8,} rows  {ours[0]:6.2f} s  "
            f"{rate:>8,.0f} rows/s   reader alone {peer_rate:>8,.0f} rows/s   ratio "
            f"{rate / peer_rate:4.2f}")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="5,000 rows and 1,000 cards: seconds, enough to see a ratio fall")
    parser.add_argument("--against", help="a git revision to run side by side (its src)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --against: turns each, alternating which goes first")
    parser.add_argument("--only", choices=["sqlite", "postgresql"],
                        help="one database only")
    parser.add_argument("--postgres", default=os.environ.get(
        "KITHBOOK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--measure", choices=["import", "read"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # a child process of --against: one measurement, as JSON
        seconds, cpu, count = (import_into(args.url, args.file) if args.measure == "import"
                               else parse_only(args.file))
        print(json.dumps({"seconds": seconds, "cpu": cpu, "count": count}))
        return
    if args.quick:
        args.rows, args.cards = 5_000, 1_000
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        paths = {label: folder / name for label, name in FILES.items()}
        write_linkedin(paths["LinkedIn CSV"], args.rows, rng)
        write_vcards(paths["vCard 3.0"], args.cards, rng)
        ways = {THIS: REPO / "src"}
        if args.against:
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.against, "src"],
                                     check=True, capture_output=True).stdout
            (folder / "peer").mkdir()
            subprocess.run(["tar", "-x", "-C", str(folder / "peer")], input=archive,
                           check=True)
            ways[args.against] = folder / "peer" / "src"
            print(f"{load()}; peer: {args.against}, {args.rounds} round(s) each", flush=True)
        else:
            print(load(), flush=True)
        databases = ["sqlite", "postgresql"] if args.only is None else [args.only]
        admin = create_engine(database_url_from(args.postgres)) \
            if "postgresql" in databases else None
        if admin is not None:
            try:
                with admin.connect():
                    pass
            except Exception as exc:
                print(f"PostgreSQL  skipped: {args.postgres} is not reachable "
                      f"({exc.__class__.__name__})")
                databases.remove("postgresql")
        try:
            for database in databases:
                for label, path in paths.items():
                    run_one(database, label, path, folder, ways, args, admin)
        finally:
            if admin is not None:
                admin.dispose()
        print(load(), flush=True)


def run_one(database: str, label: str, path: Path, folder: Path, ways: dict[str, Path],
            args: argparse.Namespace, admin: Engine | None) -> None:
    shown = "SQLite" if database == "sqlite" else "PostgreSQL"
    if len(ways) == 1:  # in this process, as before: --profile works here
        with fresh_database(database, folder, admin) as url:
            ours = import_into(url, path, args.profile and database == "sqlite")
        print(line(shown, label, ours, parse_only(path)), flush=True)
        return
    imports: dict[str, list[Timing]] = {way: [] for way in ways}
    reads: dict[str, list[Timing]] = {way: [] for way in ways}
    for turn in range(args.rounds):
        order = list(ways) if turn % 2 == 0 else list(reversed(ways))
        for way in order:
            with fresh_database(database, folder, admin) as url:
                imports[way].append(measured(ways[way], "import", path, url))
            reads[way].append(measured(ways[way], "read", path))
    for way in ways:
        best, read = min(imports[way]), min(reads[way])
        cpu, read_cpu = min(t[1] for t in imports[way]), min(t[1] for t in reads[way])
        print(f"{line(shown, label[:13], best, read)}   CPU {best[2] / cpu:>8,.0f} rows/s, "
              f"reader {read[2] / read_cpu:>8,.0f}   [{way[:12]}]", flush=True)
    peer = next(way for way in ways if way != THIS)
    wall = min(imports[peer])[0] / min(imports[THIS])[0]
    cpu = min(t[1] for t in imports[peer]) / min(t[1] for t in imports[THIS])
    print(f"{'':25} {peer[:12]} / this tree, best of {args.rounds}: wall {wall:4.2f}x, "
          f"CPU of the importing process {cpu:4.2f}x; turns (wall s): this tree "
          f"{', '.join(f'{t[0]:.2f}' for t in imports[THIS])}, {peer[:12]} "
          f"{', '.join(f'{t[0]:.2f}' for t in imports[peer])}", flush=True)


@contextmanager
def fresh_database(database: str, folder: Path, admin: Engine | None) -> Iterator[str]:
    if database == "sqlite":
        yield database_url_from(str(folder / f"{uuid.uuid4().hex}.sqlite"))
        return
    assert admin is not None
    with throwaway_schema(admin) as url:
        yield url


def database_url_from(value: str) -> str:
    from kithbook.config import database_url_from as url_from

    return url_from(value)


@contextmanager
def throwaway_schema(admin: Engine) -> Iterator[str]:
    """A fresh, empty schema for one measurement, dropped afterwards."""
    schema = f"kb_bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{admin.url.render_as_string(hide_password=False)}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
