"""A deterministic, realistic demo book: people at organizations, two years of history.

Relationships follow what real books look like: a few deep ties with advice and help
flowing both ways, many weak ones that met once. Who knows whom is recorded too
(colleagues, people met together, a few cross-links), so warm paths and the map's
dashed lines work on the first click. Arrays are drawn with numpy so that
100,000 contacts and 1,000,000 interactions take seconds, then written in bulk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

import numpy as np

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ALPHABET, ID_LENGTH, ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.knows import ContactLink
from kithbook.domain.ties import Tie
from kithbook.services.ports import BulkBook, Clock, UnitOfWork

FIRST = (
    "Ada Alan Amara Ana Andrei Aiko Bea Ben Carla Chen Chiara Dana Daniel Dev Diego Elena "
    "Emeka Emma Farah Felix Grace Hana Hugo Ines Ivan Jada Jamal Jon Julia Kai Kenji Lara "
    "Leila Liam Lucia Malik Maya Mei Mina Nadia Noah Nora Olu Omar Pia Priya Rafael Rosa "
    "Ravi Sara Sven Tariq Tess Tomas Uma Vera Wei Yara Yusuf Zoe Amir Bruno Camille Dario "
    "Eitan Freya Gustavo Hiro Imani Jonas Karin Lena Marco Nia Oscar Paula Quinn Ruth Sami"
).split()
LAST = (
    "Adeyemi Alvarez Andersen Baker Bauer Chen Costa Dubois Eriksson Fernandes Fischer "
    "Garcia Gupta Haddad Hansen Ibrahim Ivanova Jensen Kato Khan Kim Kowalski Larsen Lopez "
    "Martin Mensah Moreau Nakamura Novak Okafor Olsen Park Patel Petrov Quintero Rahman Reyes "
    "Rossi Sato Schmidt Silva Singh Sousa Tanaka Torres Ueda Varga Wagner Walsh Wang Weber "
    "Yamamoto Yilmaz Zhang Zimmermann Abebe Bianchi Castro Diallo Nguyen Osei Lindqvist"
).split()
ORG_A = ("North Blue Bright Open Clear Iron Silver Quiet Swift Green Red Deep Far High Kind "
         "True Little Stone Cedar Harbor").split()
ORG_B = ("wind field river labs works forge path loop grid bridge leaf frame signal spark "
         "harvest light").split()
ORG_C = ["Labs", "Health", "Capital", "Systems", "Foundation", "Studio", "Analytics",
         "Robotics", "Energy", "Bank", "University", "Media", "Logistics", "Bio"]
ROLES = ("CTO;CEO;Founder;Engineer;Senior Engineer;Product Manager;Designer;Data Scientist;"
         "Researcher;Professor;Recruiter;Investor;Head of Sales;Marketing Lead;"
         "Operations Manager;Community Manager;Consultant;Lawyer;Doctor;Teacher;Journalist;"
         "Student;VP Engineering;Head of People").split(";")
CITIES = ("Lisbon;Berlin;London;New York;San Francisco;Nairobi;Lagos;São Paulo;Toronto;"
          "Bangalore;Singapore;Tokyo;Paris;Amsterdam;Stockholm;Madrid;Mexico City;Seoul;"
          "Sydney;Boston;Austin;Zürich;Warsaw;Cape Town").split(";")
TAGS = ("mentor;founder;investor;friend;alumni;climate;health;ai;design;hiring;community;"
        "research;open source;family;neighbor;conference").split(";")
HOW = ["met at a conference", "introduced by a friend", "former colleague",
       "university classmate", "met at a meetup", "neighbor", "worked on a project together",
       "online community", "customer of my old company", None]
NOTES = ["loves hiking", "two kids", "writing a book on pricing", "moving to Berlin soon",
         "asked me about hiring designers", "great at fundraising advice", None, None, None]
# Kind mix for weak and for deep ties (order as in Kind); no mail: the demo types its
# history, it captures none.
KINDS = list(Kind)
_WEAK = np.array([0.45, 0.2, 0.08, 0.06, 0.02, 0.04, 0.03, 0.12, 0.0])
_DEEP = np.array([0.18, 0.24, 0.14, 0.1, 0.06, 0.12, 0.1, 0.06, 0.0])
DIRECTIONS = list(Direction)


@dataclass(frozen=True)
class DemoReport:
    contacts: int
    interactions: int
    generate_seconds: float
    write_seconds: float

    @property
    def rows_per_second(self) -> float:
        return (self.contacts + self.interactions) / max(self.write_seconds, 1e-9)


def generate_book(owner: MemberId, size: int, seed: int, today: date) -> BulkBook:
    """`size` contacts and about ten interactions each, always the same for a seed."""
    if not 1 <= size <= 2_000_000:
        raise InvalidInput("demo size must be between 1 and 2,000,000 contacts.", field="size")
    rng = np.random.default_rng(seed)
    ids = [ContactId(i) for i in _seeded_ids(rng, size)]
    created = datetime.combine(today, dtime(9, 0), tzinfo=UTC)
    orgs = [f"{a} {b.title()} {c}" if i % 3 else f"{a}{b} {c}"
            for i, (a, b, c) in enumerate(zip(rng.choice(ORG_A, 400), rng.choice(ORG_B, 400),
                                              rng.choice(ORG_C, 400), strict=True))]
    orgs = list(dict.fromkeys(orgs))
    # Zipf-like popularity of organizations: a few big employers, a long tail.
    org_p = 1.0 / np.arange(1, len(orgs) + 1) ** 0.9
    org_idx = rng.choice(len(orgs), size, p=org_p / org_p.sum())
    first = rng.choice(FIRST, size)
    last = rng.choice(LAST, size)
    role_idx = rng.integers(0, len(ROLES), size)
    city_idx = rng.integers(0, len(CITIES), size)
    # Depth of each relationship: heavy-tailed, so few deep ties and many weak ones.
    depth = rng.pareto(1.6, size)
    counts = np.maximum(1, np.round(depth * 6.4)).astype(np.int64)
    counts = np.minimum(counts, 400)
    deep = depth > np.quantile(depth, 0.9)
    trust = np.where(deep, rng.integers(3, 6, size), np.where(rng.random(size) < 0.2,
                                                              rng.integers(1, 4, size), 0))
    span = 730
    started = rng.integers(0, span, size)  # days before today the relationship began
    contacts: list[Contact] = []
    ties: list[Tie] = []
    for i in range(size):
        name = f"{first[i]} {last[i]}"
        domain = orgs[org_idx[i]].lower().replace(" ", "") + ".example"
        tags = [str(t) for t in rng.choice(TAGS, int(rng.integers(0, 3)), replace=False)]
        contacts.append(Contact(
            id=ids[i], owner=owner, name=name,
            emails=[Labeled(f"{first[i].lower()}.{last[i].lower()}@{domain}", "work")],
            phones=[Labeled(f"+1202555{int(rng.integers(0, 10000)):04d}", "mobile")]
            if i % 4 == 0 else [],
            tags=tags, organization=orgs[org_idx[i]], role=ROLES[role_idx[i]],
            location=CITIES[city_idx[i]], how_we_met=HOW[i % len(HOW)],
            notes=NOTES[i % len(NOTES)], created_at=created, updated_at=created,
        ))
        ties.append(Tie(owner=owner, contact=ids[i],
                        stated_trust=int(trust[i]) or None,
                        cadence_days=int(rng.choice([14, 30, 90])) if deep[i] else None,
                        started_on=today - timedelta(days=int(started[i]))))
    # How much of its lifetime a relationship stays active: weak ties fade after meeting,
    # deep ones go on to the present.
    active = np.clip(depth / 3.0, 0.03, 1.0)
    interactions = _interactions(rng, owner, ids, counts, deep, started, active, today,
                                 created)
    knows = _who_knows_whom(rng, owner, ids, org_idx, orgs, interactions, created)
    return BulkBook(contacts=contacts, ties=ties, interactions=interactions, knows=knows)


# Colleagues each know this many others at their organization (fewer in a small one).
COLLEAGUES = 2
# Share of contacts with one more acquaintance anywhere in the book.
CROSS_LINKS = 0.05


def _who_knows_whom(rng: np.random.Generator, owner: MemberId, ids: list[ContactId],
                    org_idx: np.ndarray, orgs: list[str], interactions: list[Interaction],
                    created: datetime) -> list[ContactLink]:
    """Who knows whom, as a member would record it, so warm paths work on the first
    click: colleagues at the same organization (each knows the next few in a random
    order), people met together in one logged interaction, and a few cross-links."""
    n = len(ids)
    order = np.lexsort((rng.random(n), org_idx))  # by organization, shuffled within
    pairs: dict[tuple[int, int], tuple[float, str]] = {}
    for step in range(1, COLLEAGUES + 1):
        a, b = order[:-step], order[step:]
        same = org_idx[a] == org_idx[b]
        strength = np.round(rng.uniform(0.4, 0.85, int(same.sum())), 2)
        for x, y, w in zip(a[same].tolist(), b[same].tolist(), strength.tolist(),
                           strict=True):
            pairs[(min(x, y), max(x, y))] = (w, f"work together at {orgs[org_idx[x]]}")
    number = {c: i for i, c in enumerate(ids)}
    for meeting in interactions:
        if len(meeting.contact_ids) == 2:
            x, y = sorted(number[c] for c in meeting.contact_ids)
            pairs.setdefault((x, y), (0.5, "met together"))
    cross = int(n * CROSS_LINKS)
    for x, y, w in zip(rng.integers(0, n, cross).tolist(), rng.integers(0, n, cross).tolist(),
                       np.round(rng.uniform(0.2, 0.6, cross), 2).tolist(), strict=True):
        if x != y:
            pairs.setdefault((min(x, y), max(x, y)), (w, "know each other"))
    return [ContactLink(owner, ids[x], ids[y], w, note, created)
            for (x, y), (w, note) in sorted(pairs.items())]


def _interactions(rng: np.random.Generator, owner: MemberId, ids: list[ContactId],
                  counts: np.ndarray, deep: np.ndarray, started: np.ndarray,
                  active: np.ndarray, today: date, created: datetime) -> list[Interaction]:
    who = np.repeat(np.arange(len(ids)), counts)
    total = len(who)
    # The first interaction opens the relationship; later ones spread over its active
    # part, denser towards the present for the ties that are still alive.
    into = rng.random(total) ** 0.7 * active[who] * started[who]
    first = np.r_[True, who[1:] != who[:-1]]
    into[first] = 0.0
    days_ago = np.maximum(0, started[who] - np.floor(into)).astype(np.int64)
    is_deep = deep[who]
    kinds = np.where(is_deep, rng.choice(len(KINDS), total, p=_DEEP / _DEEP.sum()),
                     rng.choice(len(KINDS), total, p=_WEAK / _WEAK.sum()))
    directions = rng.choice(3, total, p=[0.4, 0.35, 0.25])
    # Some meetings bring two people from the book together.
    partner = np.where(rng.random(total) < 0.04, rng.integers(0, len(ids), total), -1)
    interaction_ids = _seeded_ids(rng, total)
    out: list[Interaction] = []
    for n in range(total):
        people = [ids[who[n]]]
        if partner[n] >= 0 and partner[n] != who[n]:
            people.append(ids[partner[n]])
        kind = KINDS[kinds[n]]
        out.append(Interaction(
            id=InteractionId(interaction_ids[n]), owner=owner, kind=kind,
            direction=DIRECTIONS[directions[n]] if kind not in (Kind.MET, Kind.NOTE)
            else Direction.MUTUAL,
            occurred_on=today - timedelta(days=int(days_ago[n])), contact_ids=people,
            created_at=created,
        ))
    return out


def _seeded_ids(rng: np.random.Generator, count: int) -> list[str]:
    """Ids like `new_ids`, but drawn from the seed so the demo is the same every time."""
    table = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    text = table[rng.integers(0, len(ALPHABET), (count, ID_LENGTH))].tobytes().decode("ascii")
    return [text[i:i + ID_LENGTH] for i in range(0, count * ID_LENGTH, ID_LENGTH)]


def build_demo(uow: UnitOfWork, owner: MemberId, size: int, seed: int,
               clock: Clock) -> DemoReport:
    """Replace nothing: write a demo book for `owner` (whose book must be empty)."""
    with uow.reading():
        if uow.contacts.count(owner) > 0:
            raise InvalidInput("this book already has contacts; build the demo in a new "
                               "database with --database demo.sqlite.", field="database")
    started = time.perf_counter()
    book = generate_book(owner, size, seed, clock.today())
    generated = time.perf_counter()
    with uow:
        uow.bulk.write(owner, book)
        uow.commit()
    written = time.perf_counter()
    return DemoReport(len(book.contacts), len(book.interactions), generated - started,
                      written - generated)
