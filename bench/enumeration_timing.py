"""Does proposing a link, or inviting someone, take longer for a member's email than for
a stranger's? A difference a script can measure tells it who has an account.

Each round proposes a link (then invites) once with a member's email and once with an
email that has no account, in turn, through the services on a real database; printed:
the median and 90th percentile of each, in microseconds, and the ratio of the medians
(member / stranger; 1.00 is no difference). The HTTP face adds the same work to both.

Run from the project root (PostgreSQL optional, in a throw-away schema):

    python bench/enumeration_timing.py [--rounds 500] [--postgres postgresql://…]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import KithbookError
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.services.facade import Kithbook


def _member(kb: Kithbook, name: str, role: Role = Role.MEMBER) -> Member:
    member = Member(id=MemberId(new_id()), name=name, email=f"{name.lower()}@example.org",
                    role=role, created_at=kb.clock.now())
    with kb.uow() as uow:
        uow.members.add(member)
        uow.accounts.add(member.id, "not a usable hash", kb.clock.now())
        uow.commit()
    return member


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    try:
        work()
    except KithbookError:  # a refusal is an answer too, and is timed as one
        pass
    return (time.perf_counter() - start) * 1e6


def _row(what: str, member: list[float], stranger: list[float]) -> str:
    def p90(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=10)[-1]

    m, s = statistics.median(member), statistics.median(stranger)
    return (f"{what:<10} {m:>9.0f} {p90(member):>9.0f} {s:>9.0f} {p90(stranger):>9.0f}"
            f" {m / s:>7.2f}")


def measure(url: str, rounds: int) -> list[str]:
    kb = bootstrap(Settings(database_url=url), migrate=True)
    try:
        ana, ben = _member(kb, "Ana", Role.ADMIN), _member(kb, "Ben")
        to_member = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
        to_stranger = kb.book.add_contact(ana.id, ContactFields(name="Zed Nobody")).id
        times: dict[str, list[float]] = {k: [] for k in ("lm", "ls", "im", "is")}
        for n in range(rounds):
            # Alternate which goes first, so neither always meets a warmer cache.
            pairs = [("lm", lambda: kb.community.propose_link(ana.id, to_member, ben.email or "")),
                     ("ls", lambda: kb.community.propose_link(ana.id, to_stranger,
                                                              "zed@example.org"))]
            pairs += [("im", lambda: kb.accounts.invite(ana.id, ben.email or "")),
                      ("is", lambda new=f"zed{n}@example.org": kb.accounts.invite(ana.id, new))]
            for key, work in (pairs if n % 2 else pairs[::-1]):
                times[key].append(_timed(work))
        return [_row("link", times["lm"], times["ls"]),
                _row("invite", times["im"], times["is"])]
    finally:
        kb.close()


def _postgres_schema(base: str) -> tuple[str, Callable[[], None]]:
    url = database_url_from(base)
    schema = f"kb_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure on as well")
    args = parser.parse_args()
    print(f"{'':<10} {'member':>9} {'p90':>9} {'stranger':>9} {'p90':>9} {'ratio':>7}"
          "   (µs; ratio of medians)")
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite, {args.rounds} rounds")
        for line in measure(database_url_from(str(Path(folder) / "book.sqlite")),
                            args.rounds):
            print(line)
    if args.postgres:
        url, drop = _postgres_schema(args.postgres)
        try:
            print(f"PostgreSQL, {args.rounds} rounds")
            for line in measure(url, args.rounds):
                print(line)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
