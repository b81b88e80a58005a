"""Full import speed: a LinkedIn CSV and a vCard file into a book, SQLite and PostgreSQL.

    python bench/import_load.py [--rows 100000] [--cards 20000] [--postgres URL] [--profile]
    python bench/import_load.py --quick     # seconds: 5,000 rows and 1,000 cards, for CI

Generates the same files as bench/import_bench.py, then imports each with
`Kithbook.import_file` (read, check, duplicate finding, bulk write, one transaction) into
a fresh SQLite file and into a throw-away schema of PostgreSQL (skipped, with a line
saying so, when unreachable). Side by side, in the same process and over the same bytes,
the peer is the reader alone (parsing and checking, nothing written): the ratio says how
much of the reader's speed survives writing. `--profile` prints where SQLite's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from import_bench import write_linkedin, write_vcards
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.io.linkedin import read_linkedin
from kithbook.io.vcard import read_vcards


def import_into(url: str, path: Path, profile: bool = False) -> tuple[float, int]:
    kb = bootstrap(Settings(database_url=url))
    try:
        me, _ = kb.init_local_member("Bench")
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        report = kb.import_file(me.id, path)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return time.perf_counter() - start, report.contacts_added
    finally:
        kb.close()


def parse_only(path: Path, reader: Callable[..., object]) -> tuple[float, int]:
    start = time.perf_counter()
    with path.open("rb") as f:
        count = sum(1 for _ in reader(f))  # type: ignore[attr-defined]
    return time.perf_counter() - start, count


def line(database: str, label: str, ours: tuple[float, int], peer: tuple[float, int]) -> str:
    rate, peer_rate = ours[1] / ours[0], peer[1] / peer[0]
    return (f"{database:<11} {label:<13} {ours[1]:>8,} rows  {ours[0]:6.2f} s  "
            f"{rate:>8,.0f} rows/s   reader alone {peer_rate:>8,.0f} rows/s   ratio "
            f"{rate / peer_rate:4.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="5,000 rows and 1,000 cards: seconds, enough to see a ratio fall")
    parser.add_argument("--postgres", default=os.environ.get(
        "KITHBOOK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    if args.quick:
        args.rows, args.cards = 5_000, 1_000
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        files = {"LinkedIn CSV": (Path(folder) / "Connections.csv", read_linkedin),
                 "vCard 3.0": (Path(folder) / "contacts.vcf", read_vcards)}
        write_linkedin(files["LinkedIn CSV"][0], args.rows, rng)
        write_vcards(files["vCard 3.0"][0], args.cards, rng)
        for label, (path, reader) in files.items():
            url = database_url_from(str(Path(folder) / f"{uuid.uuid4().hex}.sqlite"))
            ours = import_into(url, path, args.profile)
            print(line("SQLite", label, ours, parse_only(path, reader)), flush=True)
        admin = create_engine(database_url_from(args.postgres))
        try:
            with admin.connect():
                pass
        except Exception as exc:
            print(f"PostgreSQL  skipped: {args.postgres} is not reachable "
                  f"({exc.__class__.__name__})")
            return
        try:
            for label, (path, reader) in files.items():
                with throwaway_schema(admin) as url:
                    ours = import_into(url, path)
                print(line("PostgreSQL", label, ours, parse_only(path, reader)), flush=True)
        finally:
            admin.dispose()


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
