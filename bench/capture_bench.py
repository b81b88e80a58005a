"""Capture throughput: message headers into a demo book on SQLite, from a local Dovecot
over IMAP and from the same mail as an mbox file, side by side; then an incremental IMAP
run with nothing new. First, the header parsing alone, Kithbook's reader beside the
standard library's email package (the reader it replaced, kept as its fallback).

    python bench/capture_bench.py [--messages 100000] [--contacts 10000]
    python bench/capture_bench.py --quick     # 2,000 messages, 2,000 contacts

Needs `dovecot` (apt-get install dovecot-imapd); the mbox part runs without it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dovecot import PASSWORD, USER, running_dovecot  # noqa: E402
from kithbook.bootstrap import bootstrap  # noqa: E402
from kithbook.config import Settings  # noqa: E402
from kithbook.domain.capture import RuleKind  # noqa: E402
from kithbook.io.imap import Security  # noqa: E402
from kithbook.io.mail.headers import (  # noqa: E402
    parse_headers,
    parse_headers_by_email_package,
)
from kithbook.services.secrets import new_key  # noqa: E402
from mail_samples import write_mbox  # noqa: E402

ME = USER


def messages(addresses: list[str], n: int, seed: int) -> list[bytes]:
    """Threads with known people, a stranger now and then, a newsletter in ten."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        when = format_datetime(start + timedelta(minutes=7 * i))
        who = addresses[rng.randrange(len(addresses))] if rng.random() > 0.05 \
            else f"stranger{rng.randrange(500)}@else.example"
        mine = rng.random() < 0.4
        extra = "List-Id: <news.example>\r\n" if rng.random() < 0.1 else ""
        thread = f"<t{rng.randrange(n // 3 + 1)}@bench>"
        out.append((f"From: {ME if mine else who}\r\nTo: {who if mine else ME}\r\n"
                    f"Date: {when}\r\nMessage-ID: <m{i}@bench>\r\nReferences: {thread}\r\n"
                    f"Subject: bench {i}\r\n{extra}\r\nbody {i}\r\n").encode())
    return out


def parsing(mail: list[bytes]) -> None:
    """Headers alone, both readers over the same messages, each twice (the better run)."""
    for name, read in (("email package", parse_headers_by_email_package),
                       ("Kithbook's reader", parse_headers)):
        took = []
        for _ in range(2):
            began = time.perf_counter()
            for raw in mail:
                read(raw)
            took.append(time.perf_counter() - began)
        print(f"headers  {name:<18} {len(mail):>8,} messages in {min(took):6.2f} s: "
              f"{len(mail) / min(took):>7,.0f} messages/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true",
                        help="2,000 messages into 2,000 contacts: seconds, for CI")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.contacts = 2_000, 2_000
    parsing(messages([f"person{n}@org{n % 50}.example" for n in range(args.contacts)],
                     args.messages, args.seed))
    with tempfile.TemporaryDirectory() as folder:
        for name in ("imap", "mbox"):
            url = f"sqlite:///{folder}/{name}.sqlite"
            kb = bootstrap(Settings(database_url=url, capture_key=new_key()))
            me, _ = kb.book.init_local_member("Bench")
            kb.book.build_demo(me.id, args.contacts, args.seed)
            cap = kb.capture()
            cap.set_rule(me.id, ME, RuleKind.OWN)
            with kb.uow() as uow:
                addresses = sorted(uow.capture.email_index(me.id))
            mail = messages(addresses, args.messages, args.seed)
            if name == "mbox":
                path = write_mbox(Path(folder) / "all.mbox", mail)
                began = time.perf_counter()
                report = cap.capture_mail(me.id, str(path))
                took = time.perf_counter() - began
                print(f"mbox  {report.messages:>8,} messages in {took:6.1f} s: "
                      f"{report.messages / took:>7,.0f} messages/s, "
                      f"{report.added:,} interactions added")
            else:
                try:
                    with running_dovecot() as server:
                        server.deliver(mail)
                        source = cap.add_imap(me.id, host="127.0.0.1", port=server.port,
                                              username=USER, password=PASSWORD,
                                              security=Security.PLAIN)
                        for run in ("first", "nothing new"):
                            began = time.perf_counter()
                            (outcome,) = cap.run(me.id, source.id)
                            took = time.perf_counter() - began
                            assert outcome.report is not None, outcome.error
                            read = outcome.report.messages
                            print(f"imap  {run:<11} {read:>8,} messages in {took:6.2f} s"
                                  + (f": {read / took:>7,.0f} messages/s, "
                                     f"{outcome.report.added:,} interactions added"
                                     if read else ""))
                except BaseException as exc:  # pytest.skip without the binary
                    print(f"imap  skipped: {exc}")
            kb.close()


if __name__ == "__main__":
    main()
