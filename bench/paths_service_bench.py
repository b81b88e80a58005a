"""Warm paths through the services: the network read from storage, refreshed, searched.

Generates a community in a real database (members, each with contacts; some contacts
linked to other members; policies from defaults and per tie), then times, one after the
other in this process:

* `network.columns()`: the bulk read of members, contacts, tags and ties into columns;
* the cold search: that read, strengths, numbering, `Snapshot.build`, one filter search;
* the search after one member's write (a new contact, then a policy on it): the changed
  versions read, that member's part read again and spliced in, one search;
* the warm search when nothing changed: the peer that shows what a refresh costs.

    .venv/bin/python bench/paths_service_bench.py --members 2000 --contacts 50
    .venv/bin/python bench/paths_service_bench.py --members 2000 --contacts 50 \
        --database postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import bindparam, create_engine, text, update

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import Contact, ContactFields
from kithbook.domain.ids import ContactId, MemberId, new_id
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, SharingPolicy, Tie, Visibility
from kithbook.services.book import TieFields
from kithbook.services.paths import PathQuery
from kithbook.services.ports import BulkBook
from kithbook.storage.tables import contacts

ORGS = [f"Org {i}" for i in range(300)]


def populate(kb: object, members: int, per_member: int, seed: int) -> list[MemberId]:
    from kithbook.services.facade import Kithbook

    assert isinstance(kb, Kithbook)
    rng = np.random.default_rng(seed)
    ids = [MemberId(new_id()) for _ in range(members)]
    vis = [Visibility.NAMED, Visibility.ANONYMOUS, Visibility.HIDDEN]
    asks = [AskRule.ANYONE, AskRule.TRUSTED, AskRule.NOBODY]
    with kb.uow() as uow:
        for i, m in enumerate(ids):
            uow.members.add(Member(id=m, name=f"Member {i}", created_at=kb.clock.now(),
                                   default_policy=SharingPolicy(
                                       visibility=vis[int(rng.choice(3, p=[.6, .25, .15]))],
                                       ask_rule=AskRule.ANYONE)))
        uow.commit()
    links: list[tuple[MemberId, ContactId, MemberId]] = []
    now = kb.clock.now()
    for i, owner in enumerate(ids):
        book_contacts, book_ties = [], []
        known = rng.choice(members, size=min(per_member // 2, members - 1), replace=False)
        for j in range(per_member):
            cid = ContactId(new_id())
            book_contacts.append(Contact(id=cid, owner=owner, name=f"Person {i}-{j}",
                                         organization=ORGS[int(rng.integers(len(ORGS)))],
                                         created_at=now, updated_at=now))
            rule = asks[int(rng.choice(3, p=[.45, .4, .15]))]
            policy = SharingPolicy(visibility=vis[int(rng.integers(3))], ask_rule=rule,
                                   ask_min_trust=int(rng.integers(2, 5))
                                   if rule is AskRule.TRUSTED else None) \
                if rng.random() < 0.1 else None
            book_ties.append(Tie(owner=owner, contact=cid,
                                 stated_trust=int(rng.integers(1, 6)), policy=policy))
            if j < len(known) and int(known[j]) != i:
                links.append((owner, cid, ids[int(known[j])]))
        with kb.uow() as uow:
            uow.bulk.write(owner, BulkBook(book_contacts, book_ties))
            uow.commit()
    with kb.uow() as uow:
        connection = uow.contacts._c  # type: ignore[attr-defined]
        connection.execute(update(contacts).where(contacts.c.id == bindparam("cid")).values(
            linked_member_id=bindparam("mid")), [{"cid": c, "mid": m} for _, c, m in links])
        uow.commit()
    return ids


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--contacts", type=int, default=50, help="contacts per member")
    ap.add_argument("--searches", type=int, default=20)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--database", default=None, help="PostgreSQL URL (default: SQLite)")
    args = ap.parse_args(argv)
    schema = None
    if args.database:
        schema = f"kb_bench_{uuid.uuid4().hex[:8]}"
        base = database_url_from(args.database)
        with create_engine(base).begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{base}?options=-csearch_path%3D{schema}"
    else:
        url = database_url_from(str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    kb = bootstrap(Settings(database_url=url))
    try:
        members = populate(kb, args.members, args.contacts, args.seed)
        rng = np.random.default_rng(args.seed)
        searchers = [members[int(i)] for i in rng.integers(len(members), size=args.searches)]
        queries = [PathQuery(organization=ORGS[int(i)]) for i in
                   rng.integers(len(ORGS), size=args.searches)]
        reads = []
        for _ in range(3):
            with kb.uow().reading() as uow:
                start = time.perf_counter()
                columns = uow.network.columns()
                reads.append(time.perf_counter() - start)
        cold, refresh, warm = [], [], []
        for n, (searcher, query) in enumerate(zip(searchers, queries, strict=True)):
            kb._wiring.paths.changed()  # forget the network: read it all  # noqa: SLF001
            start = time.perf_counter()
            kb.paths.find_paths(searcher, query)
            cold.append(time.perf_counter() - start)
            # One member writes (a new contact, then a policy on it): the next search
            # reads that member's part again and splices it in.
            writer = members[int(rng.integers(len(members)))]
            kb.book.add_contact(writer, ContactFields(name=f"New {n}", organization=ORGS[n]),
                                TieFields(stated_trust=3))
            kb.book.set_contact_policy(writer, f"New {n}",
                                       PolicyChange(visibility=Visibility.NAMED))
            start = time.perf_counter()
            kb.paths.find_paths(searcher, query)
            refresh.append(time.perf_counter() - start)
            start = time.perf_counter()
            kb.paths.find_paths(searcher, query)
            warm.append(time.perf_counter() - start)
        print(f"{args.members} members, {len(columns.contact_id) + args.members} people and "
              f"cards, {len(columns.tie_owner)} ties "
              f"({'PostgreSQL' if schema else 'SQLite'}), load average "
              f"{os.getloadavg()[0]:.1f}")
        print(f"bulk read (columns):              median {statistics.median(reads):.3f} s")
        print(f"cold search (read + build):       median {statistics.median(cold):.3f} s")
        print(f"search after a write (refresh):   median "
              f"{statistics.median(refresh) * 1000:.1f} ms")
        print(f"warm search (nothing changed):    median {statistics.median(warm) * 1000:.2f} ms")
        print(f"ratio cold / after a write:       "
              f"{statistics.median(cold) / statistics.median(refresh):,.0f}x")
        print(f"ratio after a write / warm:       "
              f"{statistics.median(refresh) / statistics.median(warm):,.1f}x")
    finally:
        kb.close()
        if schema:
            with create_engine(database_url_from(args.database)).begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
