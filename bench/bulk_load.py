"""Bulk load of the demo book: contacts and interactions per second, SQLite and PostgreSQL.

    python bench/bulk_load.py [--size 100000] [--postgres URL]

PostgreSQL is measured in a throw-away schema of the given database (default: the
KITHBOOK_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test); it is
skipped, with a line saying so, when unreachable.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from


def measure(url: str, size: int, seed: int) -> tuple[float, float, int, int]:
    kb = bootstrap(Settings(database_url=url))
    try:
        me, _ = kb.book.init_local_member("Bench")
        report = kb.book.build_demo(me.id, size, seed)
    finally:
        kb.close()
    return report.generate_seconds, report.write_seconds, report.contacts, report.interactions


def line(name: str, generate: float, write: float, contacts: int, interactions: int) -> str:
    return (f"{name:<11} {contacts:>9,} contacts {interactions:>10,} interactions  "
            f"generate {generate:6.1f} s  write {write:6.1f} s  "
            f"{contacts / write:>9,.0f} contacts/s  {interactions / write:>10,.0f} "
            f"interactions/s  end to end {(contacts + interactions) / (generate + write):>9,.0f}"
            " rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get(
        "KITHBOOK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = database_url_from(str(Path(folder) / "bench.sqlite"))
        print(line("SQLite", *measure(url, args.size, args.seed)))
    base = database_url_from(args.postgres)
    schema = f"kb_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        print(f"PostgreSQL  skipped: {args.postgres} is not reachable ({exc.__class__.__name__})")
        return
    try:
        url = f"{base}?options=-csearch_path%3D{schema}"
        print(line("PostgreSQL", *measure(url, args.size, args.seed)))
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
