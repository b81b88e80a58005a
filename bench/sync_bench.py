"""CardDAV sync against a local Radicale: the first sync of a large address book, a sync
after the phone changed a few cards, and one with nothing to do.

    .venv/bin/python bench/sync_bench.py [--cards 5000] [--changes 10]

Radicale (the dev dependency) runs on loopback with its cards written straight into its
storage folder, and is warmed up (its caches of the cards and of sync tokens built)
before anything is timed. Peers, side by side in this process:

- `transfer only`: the same `sync-collection` and `addressbook-multiget` requests,
  with nothing done with the answers: what the server and HTTP cost;
- `vCard import`: the same cards as one `.vcf` file imported into an empty book
  (`kithbook import`): the book's side of the work without a server.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from kithbook.bootstrap import bootstrap  # noqa: E402
from kithbook.config import Settings, database_url_from  # noqa: E402
from kithbook.io import carddav  # noqa: E402
from kithbook.services.secrets import new_key  # noqa: E402
from radicale_server import PASSWORD, USER, running_radicale  # noqa: E402


def card(i: int) -> str:
    return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nFN:Person {i:05d} Müller\r\n"
            f"N:Müller;Person {i:05d};;;\r\nEMAIL;TYPE=work:person{i}@example.org\r\n"
            f"TEL;TYPE=cell:+1 415 555 {i % 10000:04d}\r\nORG:Company {i % 300}\r\n"
            f"TITLE:Engineer\r\nCATEGORIES:bench,group{i % 7}\r\nBDAY:19{50 + i % 50}-0"
            f"{1 + i % 9}-1{i % 9}\r\nNOTE:met at event {i}\r\nX-SOMETHING:kept {i}\r\n"
            "END:VCARD\r\n")


def book(folder: Path, cards: int) -> Path:
    target = folder / "collections" / "collection-root" / USER / "contacts"
    target.mkdir(parents=True, exist_ok=True)
    (target / ".Radicale.props").write_text(json.dumps({"tag": "VADDRESSBOOK",
                                                        "D:displayname": "contacts"}))
    for i in range(cards):
        (target / f"card-{i}.vcf").write_text(card(i), encoding="utf-8")
    return target


def timed(label: str, run: object) -> object:
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    with running_radicale() as server:
        book(server.root, args.cards)
        url = f"{server.url}{USER}/contacts/"
        account = carddav.CardDavAccount(url, USER, PASSWORD, timeout=900)
        # Radicale reads and hashes every card it has not seen on its first listing, and
        # builds its sync-token history on the first sync-collection: both done once
        # before anything is timed, as on a server that has held the book for a while.
        timed("server warm-up (a listing and a first transfer)",
              lambda: (carddav.listing(account, url), carddav.changes(account, url, None)))

        def transfer() -> int:
            found = carddav.changes(account, url, None)
            return len(carddav.fetch(account, url, found.changed))

        assert timed(f"transfer only ({args.cards} cards)", transfer) == args.cards
        vcf = work / "cards.vcf"
        vcf.write_text("".join(card(i) for i in range(args.cards)), encoding="utf-8")
        imported = bootstrap(Settings(database_url=database_url_from(str(work / "i.sqlite"))))
        me = imported.book.init_local_member("Me")[0]
        timed("vCard import of the same cards", lambda: imported.transfer.import_file(me.id, vcf))
        imported.close()

        kb = bootstrap(Settings(database_url=database_url_from(str(work / "s.sqlite"))))
        kb.settings = replace(kb.settings, capture_key=new_key())
        me = kb.book.init_local_member("Me")[0]
        source = kb.sync().add_carddav(me.id, url=url, username=USER, password=PASSWORD)
        first = timed("first sync", lambda: kb.sync().run(me.id, source.id))
        report = first[0][1]  # type: ignore[index]
        print(f"  added here {report.added_here}, moved {report.transferred} cards")
        for i in range(args.changes):
            href = f"/{USER}/contacts/card-{i * 7}.vcf"
            text, etag = server.read(href)
            server.write(href, text.replace("TITLE:Engineer", "TITLE:Lead"), if_match=etag)
        again = timed(f"sync after {args.changes} changes on the phone",
                      lambda: kb.sync().run(me.id, source.id))
        report = again[0][1]  # type: ignore[index]
        print(f"  changed here {report.changed_here}, moved {report.transferred} cards")
        idle = timed("sync with nothing changed", lambda: kb.sync().run(me.id, source.id))
        print(f"  moved {idle[0][1].transferred} cards")  # type: ignore[index]
        kb.close()


if __name__ == "__main__":
    main()
