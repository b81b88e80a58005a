"""Import parsing speed: rows per second for a LinkedIn CSV and a vCard file.

    python bench/import_bench.py [--rows 100000] [--cards 20000] [--repeat 3]

Generates a LinkedIn `Connections.csv` (notes preamble, BOM, a third of rows with an
email, non-ASCII names) and a vCard 3.0 file (folded notes, two emails, a phone,
categories) in a temporary folder, then times Kithbook's readers, which check and
normalize every field, side by side with the peers they build on, run in the same process
over the same bytes: Python's `csv.DictReader` (no checks) for the CSV and
`vobject.readComponents` (parse only) for the vCards. Parsing only: nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import vobject

from kithbook.io.linkedin import read_linkedin
from kithbook.io.vcard import read_vcards

FIRST = ["Ada", "Grace", "José", "Zoë", "Søren", "Marie", "Alan", "Hedy", "Chidi", "Aiko",
         "Łukasz", "Ingrid", "Mateo", "Priya", "Olúwásèyí", "Minh"]
LAST = ["Lovelace", "Hopper", "Núñez", "Ångström", "Kierkegaard", "Curie", "Turing",
        "Lamarr", "Okafor", "Tanaka", "Wójcik", "Bergström", "García", "Sharma", "Adébáyọ̀"]
COMPANIES = [f"{w} {s}" for w in ("Globex", "Initech", "Umbrella", "Hooli", "Nordlys",
                                  "Analytical", "Vandelay", "Soylent")
             for s in ("Corp", "Labs", "AB", "GmbH", "Partners", "Studio")]
ROLES = ["Engineer", "Head of Research", "CTO", "Product Manager, Payments",
         "Founder & CEO", "Designer", "Partner", "Recruiter"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
NOTES_PREAMBLE = (
    'Notes:\r\n"When exporting your connection data, you may notice that some of the email '
    'addresses are missing. You will only see email addresses for connections who have '
    'allowed their connections to see or download their email address using this setting '
    'https://www.linkedin.com/psettings/privacy/email."\r\n\r\n')


def write_linkedin(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("\ufeff" + NOTES_PREAMBLE)
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company",
                         "Position", "Connected On"])
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first.lower()[:3]}.{i}@example.org" if i % 3 == 0 else ""
            writer.writerow([first, last, f"https://www.linkedin.com/in/p-{i:06d}", email,
                             rng.choice(COMPANIES), rng.choice(ROLES),
                             f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} "
                             f"{rng.randint(2008, 2025)}"])


def write_vcards(path: Path, cards: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        for i in range(cards):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            role = rng.choice(ROLES).replace(",", "\\,")
            f.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
                f"N:{last};{first};;;\r\nFN:{first} {last}\r\n"
                f"ORG:{rng.choice(COMPANIES)};\r\nTITLE:{role}\r\n"
                f"item1.EMAIL;type=INTERNET;type=pref:c{i}@example.org\r\n"
                "item1.X-ABLabel:_$!<Other>!$_\r\n"
                f"EMAIL;type=INTERNET;type=WORK:c{i}@work.example\r\n"
                f"TEL;type=CELL;type=VOICE;type=pref:+1 202 555 {i % 10000:04d}\r\n"
                f"NOTE:Met {first} at the spring meetup; follow up about the hiring plan a\r\n"
                " nd the lab tour next quarter.\r\n"
                "CATEGORIES:meetup,founders\r\nEND:VCARD\r\n")


def best(repeat: int, work: Callable[[], int]) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = work()
        times.append(time.perf_counter() - start)
    return min(times), count


def report(label: str, ours: tuple[float, int], peer_name: str,
           peer: tuple[float, int]) -> None:
    ours_rate, peer_rate = ours[1] / ours[0], peer[1] / peer[0]
    print(f"{label:<26} kithbook {ours_rate:>9,.0f} rows/s  {peer_name} {peer_rate:>9,.0f} "
          f"rows/s  ratio {ours_rate / peer_rate:4.2f}  ({ours[1]:,} rows, best of "
          f"{ours[0]:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        connections, contacts = Path(folder) / "Connections.csv", Path(folder) / "contacts.vcf"
        write_linkedin(connections, args.rows, rng)
        write_vcards(contacts, args.cards, rng)

        def ours_csv() -> int:
            with connections.open("rb") as f:
                return sum(1 for _ in read_linkedin(f))

        def peer_csv() -> int:
            with connections.open(encoding="utf-8-sig", newline="") as f:
                for _ in range(4):  # the notes lines and the blank line before the header
                    next(f)
                return sum(1 for _ in csv.DictReader(f))

        def ours_vcf() -> int:
            with contacts.open("rb") as f:
                return sum(1 for _ in read_vcards(f))

        def peer_vcf() -> int:
            with contacts.open(encoding="utf-8", newline="") as f:
                return sum(1 for _ in vobject.readComponents(f))

        report("LinkedIn CSV", best(args.repeat, ours_csv), "csv.DictReader",
               best(args.repeat, peer_csv))
        report("vCard 3.0", best(args.repeat, ours_vcf), "vobject",
               best(args.repeat, peer_vcf))


if __name__ == "__main__":
    main()
