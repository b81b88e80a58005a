"""Finding likely duplicates in a book: names compared through the filter, against
comparing every pair of names at each organization.

    .venv/bin/kithbook -d /tmp/d10k.sqlite demo --size 10000 --no-serve
    PYTHONPATH=src .venv/bin/python bench/duplicates_bench.py /tmp/d10k.sqlite [--rounds 3]

Peers, side by side in this process on the same candidates (every contact of the book's
member, read once): `find_duplicates` as it runs, whose `_close_pairs` compares only the
names that could be alike, and the same function comparing every pair
(`itertools.combinations`, what it did before). Both must give the same groups and the
same evidence; the second is skipped past --all-pairs-limit pairs (it is quadratic).

    PYTHONPATH=src .venv/bin/python bench/duplicates_bench.py /tmp/d100k.sqlite --after-edit 5

With --after-edit N, on a copy of the book: the first read of the duplicates (and of
each report kept per member: health, digest, week, losing touch) after each
of N edits (a contact renamed like another at its organization, or given another's
email), side by side in this process: the kept list updated from what changed
(`TransferCases.list_duplicates`) and the whole book read and compared again
(`services.duplicates.list_duplicates` without a cache: every first read after a change
before the list was updated in place). Both must give the same sets.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain import duplicates
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.duplicates import Candidate, DuplicateGroup, find_duplicates, fold
from kithbook.domain.ids import MemberId
from kithbook.services.duplicates import list_duplicates
from kithbook.services.facade import Kithbook


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
    parser.add_argument("--after-edit", type=int, default=0, metavar="N",
                        help="time the first read after each of N edits (on a copy)")
    args = parser.parse_args()
    if not Path(args.database).exists():
        print(f"no book at {args.database}; build one with: kithbook -d {args.database} "
              "demo --size 10000 --no-serve", file=sys.stderr)
        return 2
    if args.after_edit:
        return _after_edits(Path(args.database), args.after_edit)
    kb = bootstrap(Settings(database_url=database_url_from(args.database)), migrate=False)
    me = kb.book.local_member().id
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


def _after_edits(book: Path, edits: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "book.sqlite"
        shutil.copyfile(book, copy)
        kb = bootstrap(Settings(database_url=database_url_from(str(copy))), migrate=False)
        me = kb.book.local_member().id
        started = time.perf_counter()
        kept = kb.transfer.list_duplicates(me)
        print(f"first read, nothing kept: {time.perf_counter() - started:.2f} s, "
              f"{len(kept):,} sets")
        reports = {"health": lambda: kb.depth.health(me),
                   "digest": lambda: kb.depth.digest(me),
                   "week": lambda: kb.depth.week(me),
                   "losing touch": lambda: kb.depth.losing_touch(me)}
        for read in reports.values():
            read()
        print(f"{'edit':46} {'kept, updated (CPU)':>20} {'whole book':>11}   "
              "first report reads: "
              + ", ".join(reports))
        r = random.Random(7)
        same = True
        for n in range(edits):
            what = _edit(kb, me, r, n)
            started, cpu = time.perf_counter(), time.process_time()
            kept = kb.transfer.list_duplicates(me)
            updated = time.perf_counter() - started
            cpu = time.process_time() - cpu
            started = time.perf_counter()
            whole = list_duplicates(kb.uow(), me)
            again = time.perf_counter() - started
            same = same and kept == whole
            firsts = []
            for read in reports.values():
                started = time.perf_counter()
                read()
                firsts.append(f"{time.perf_counter() - started:.2f}")
            print(f"{what:46} {updated:7.3f} s ({cpu:5.3f} s) {again:9.2f} s   "
                  f"{' / '.join(firsts)} s"
                  f"{'' if kept == whole else '  DIFFERENT'}")
        print("the same sets and evidence every time" if same else "DIFFERENT ANSWERS")
        return 0 if same else 1


def _edit(kb: Kithbook, me: MemberId, r: random.Random, n: int) -> str:
    """One edit that moves the duplicates: a name like another's at the same
    organization, or another contact's email."""
    with kb.uow().reading() as uow:
        names = uow.contacts.names(me)
        contact, model = (uow.contacts.get(me, names[r.randrange(len(names))][0])
                          for _ in range(2))
    assert contact is not None and model is not None
    if n % 2 == 0:
        fields = ContactFields(name=model.name, organization=model.organization)
        what = f"renamed like another at {model.organization or 'no organization'}"
    else:
        email = model.emails[0].value if model.emails else f"edit{n}@example.org"
        fields = ContactFields(emails=[*contact.emails, Labeled(email)])
        what = "given another contact's email"
    kb.book.edit_contact(me, contact.id, fields, exact=True)
    return what[:46]


if __name__ == "__main__":
    sys.exit(main())
