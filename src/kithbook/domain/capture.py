"""Capture: which messages are a relationship, and the interactions they make.

A message is read as its headers only (`MessageHeaders`); `classify` says whether it is
correspondence between people or something to skip (a newsletter, an auto-reply, a
no-reply sender, a large list of recipients), and who the other people are.
`group_messages` then folds what passed into one exchange per other person, day and
thread: "emailed 3 times" counts days and threads, not every reply.

Pure: no database, no network. The rules are written down in docs/capture.md, before
the labelled set that measures them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property

from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import Direction

DEFAULT_MAX_RECIPIENTS = 10
# A stranger appears in the review queue once this many exchanges were seen with them.
DEFAULT_REVIEW_THRESHOLD = 3
MAX_RULES = 2_000

# Local parts of senders nobody answers: "noreply@", "no-reply@", "do-not-reply@",
# "mailer-daemon@", "notifications@" and the like.
_NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.+].*|.*[-_.+]noreply"
    r"|mailer[-_.]?daemon|postmaster|bounces?(?:[-_.+].*)?|notifications?|notify"
    r"|alerts?|newsletters?|news|marketing|automated|auto[-_.]?confirm|daemon)$")
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk", "auto_reply"})


class Skip(StrEnum):
    """Why a message makes no interaction, in words a member reads in the summary."""

    BULK = "a newsletter or mailing list"
    AUTOMATIC = "an automatic reply or notification"
    NO_REPLY = "from a no-reply address"
    LARGE = "sent to too many people"
    BLOCKED = "from a blocked address"
    NOT_YOURS = "neither from nor to you"
    NO_ONE = "no one else on it"
    NO_DATE = "without a readable date"


@dataclass(frozen=True)
class Address:
    email: str  # normalized: see `normalize_email`
    name: str | None = None


@dataclass(frozen=True)
class MessageHeaders:
    """What capture reads of a message: headers only, never the body."""

    message_id: str | None
    sender: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    sent_at: datetime | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    has_list_headers: bool = False  # List-Id, List-Unsubscribe, List-Post...
    precedence: str | None = None
    auto_submitted: str | None = None
    subject: str | None = None  # read only when the member opted in

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc

    @property
    def thread(self) -> str:
        """A stable key of the conversation, hashed: a message id says too much to keep.

        The first of References is the thread's root; without it the message replied to,
        then the message itself. A message with no id at all is its own thread.
        """
        root = (self.references[0] if self.references else self.in_reply_to
                or self.message_id)
        if root is None:
            sender = self.sender.email if self.sender else ""
            root = f"{sender}|{self.sent_at.isoformat() if self.sent_at else ''}"
        return hashlib.sha256(root.strip().lower().encode()).hexdigest()[:32]


def normalize_email(text: str) -> str:
    """The form addresses are compared in: trimmed, brackets off, NFC, lower case.

    Lower case on both sides of the @ is what `contact_emails.address_key` holds too:
    no mail server in practice treats two cases of one local part as two people.
    """
    value = unicodedata.normalize("NFC", text).strip().strip("<>").strip()
    return value.lower()


def _domain(email: str) -> str:
    return email.rpartition("@")[2]


def _matches(email: str, patterns: frozenset[str]) -> bool:
    """An address matches itself, its domain ("acme.org") and any parent ("@acme.org"
    matches mail.acme.org too)."""
    if not patterns:
        return False
    if email in patterns:
        return True
    domain = _domain(email)
    parts = domain.split(".")
    return any(".".join(parts[i:]) in patterns or "@" + ".".join(parts[i:]) in patterns
               for i in range(len(parts)))


class RuleKind(StrEnum):
    OWN = "own"  # another address of the member: never a counterpart
    ALLOW = "allow"  # captured even when it looks automatic or bulk
    BLOCK = "block"  # never captured, never in the review queue


def parse_rule_pattern(text: str) -> str:
    """An address ("dana@acme.org") or a domain ("acme.org" or "@acme.org")."""
    value = normalize_email(text)
    if not value or len(value) > 320 or any(c.isspace() or c == "\x00" for c in value):
        raise InvalidInput(f"{text!r} is not an address or a domain; write one like "
                           "dana@acme.org or acme.org.", field="pattern")
    local, at, domain = value.rpartition("@")
    host = domain if at else value
    if not host or "." not in host or host.startswith(".") or host.endswith("."):
        raise InvalidInput(f"{text!r} is not an address or a domain; write one like "
                           "dana@acme.org or acme.org.", field="pattern")
    if at and not local:
        return "@" + host
    return value


@dataclass(frozen=True)
class CaptureRules:
    """A member's choices: own addresses, allow and block lists, the CC limit."""

    own: frozenset[str] = frozenset()
    allow: frozenset[str] = frozenset()
    block: frozenset[str] = frozenset()
    max_recipients: int = DEFAULT_MAX_RECIPIENTS

    def __post_init__(self) -> None:
        if not 1 <= self.max_recipients <= 1000:
            raise InvalidInput("the recipient limit must be between 1 and 1000.",
                               field="max_recipients")

    @cached_property
    def _own_domains(self) -> frozenset[str]:
        return frozenset(p for p in self.own if p.startswith("@"))

    def is_own(self, email: str) -> bool:
        return email in self.own or (bool(email) and _matches(email, self._own_domains))

    def allowed(self, email: str) -> bool:
        return _matches(email, self.allow)

    def blocked(self, email: str) -> bool:
        return _matches(email, self.block) and not self.allowed(email)


def is_no_reply(email: str) -> bool:
    return bool(_NO_REPLY.match(email.partition("@")[0]))


@dataclass(frozen=True)
class Verdict:
    """What one message means: who wrote (`wrote` True when the member did) and the
    other people in it, or why it is skipped."""

    skip: Skip | None
    wrote: bool = False
    others: tuple[Address, ...] = ()

    @property
    def kept(self) -> bool:
        return self.skip is None


def classify(message: MessageHeaders, rules: CaptureRules) -> Verdict:
    """Is this message correspondence between the member and people they know?

    The member wrote it when the sender is one of their addresses; then everyone on
    To and Cc (but them) is someone they wrote to. Otherwise only the sender is someone
    who wrote to them: being copied alongside others is not a relationship with them.
    """
    if message.sent_at is None:
        return Verdict(Skip.NO_DATE)
    sender = message.sender
    wrote = sender is not None and rules.is_own(sender.email)
    allowed = sender is not None and rules.allowed(sender.email)
    if not wrote and not allowed:
        if message.auto_submitted and message.auto_submitted.strip().lower() != "no":
            return Verdict(Skip.AUTOMATIC)
        if (message.precedence or "").strip().lower() in _BULK_PRECEDENCE:
            return Verdict(Skip.BULK)
        if message.has_list_headers:
            return Verdict(Skip.BULK)
        if sender is not None and is_no_reply(sender.email):
            return Verdict(Skip.NO_REPLY)
    if wrote:
        people = [a for a in message.recipients if not rules.is_own(a.email)]
        if len(message.recipients) > rules.max_recipients:
            return Verdict(Skip.LARGE, wrote=True)
        # The member writing to themselves, or to a list, leaves no one to count.
        others = [a for a in people if not rules.blocked(a.email)
                  and not is_no_reply(a.email)]
    else:
        if sender is None or not sender.email:
            return Verdict(Skip.NO_ONE)
        if rules.blocked(sender.email):
            return Verdict(Skip.BLOCKED)
        if rules.own and not any(rules.is_own(a.email) for a in message.recipients):
            # Blind-copied, or to a list under another name: the same as a list.
            if not allowed:
                return Verdict(Skip.NOT_YOURS)
        if len(message.recipients) > rules.max_recipients and not allowed:
            return Verdict(Skip.LARGE)
        others = [sender]
    unique = tuple({a.email: a for a in others if a.email}.values())
    if not unique:
        return Verdict(Skip.NO_ONE, wrote=wrote)
    return Verdict(None, wrote=wrote, others=unique)


@dataclass
class Exchange:
    """Mail with one person on one day in one thread: becomes one `emailed` interaction
    (or a sighting in the review queue while the person is not in the book)."""

    email: str
    day: date
    thread: str
    name: str | None = None
    wrote: bool = False  # the member wrote at least once
    received: bool = False  # the other person wrote at least once
    messages: int = 0
    subject: str | None = None

    @cached_property
    def key(self) -> str:
        """The same for the same person, day and thread whichever source saw it, so two
        sources of one mailbox (IMAP and its export) never count it twice."""
        text = f"{self.email}|{self.day.isoformat()}|{self.thread}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    @property
    def direction(self) -> Direction:
        if self.wrote and self.received:
            return Direction.MUTUAL
        return Direction.GAVE if self.wrote else Direction.RECEIVED

    def absorb(self, other: Exchange) -> None:
        self.wrote |= other.wrote
        self.received |= other.received
        self.messages += other.messages
        self.name = self.name or other.name
        self.subject = self.subject or other.subject


@dataclass
class Tally:
    """What a batch of messages came to: kept exchanges and counts of skips."""

    exchanges: dict[str, Exchange] = field(default_factory=dict)
    messages: int = 0
    kept: int = 0
    duplicates: int = 0
    skipped: dict[Skip, int] = field(default_factory=dict)

    def add(self, message: MessageHeaders, rules: CaptureRules, *,
            keep_subjects: bool = False) -> Verdict:
        self.messages += 1
        verdict = classify(message, rules)
        if verdict.skip is not None:
            self.skipped[verdict.skip] = self.skipped.get(verdict.skip, 0) + 1
            return verdict
        assert message.sent_at is not None  # classify skips undated messages
        day = message.sent_at.date()
        self.kept += 1
        for person in verdict.others:
            exchange = Exchange(person.email, day, message.thread, person.name,
                                wrote=verdict.wrote, received=not verdict.wrote, messages=1,
                                subject=message.subject if keep_subjects else None)
            known = self.exchanges.get(exchange.key)
            if known is None:
                self.exchanges[exchange.key] = exchange
            else:
                known.absorb(exchange)
        return verdict


def group_messages(messages: Iterable[MessageHeaders], rules: CaptureRules, *,
                   keep_subjects: bool = False,
                   progress: Callable[[int], None] = lambda read: None) -> Tally:
    """Fold messages into exchanges; a message seen twice (same Message-ID) is read twice
    but folded once. `progress` hears how many messages have been read after each."""
    tally = Tally()
    seen: set[str] = set()
    for message in messages:
        if message.message_id is not None and message.message_id in seen:
            tally.duplicates += 1
            tally.messages += 1
        else:
            if message.message_id is not None:
                seen.add(message.message_id)
            tally.add(message, rules, keep_subjects=keep_subjects)
        progress(tally.messages)
    return tally


class ReviewChoice(StrEnum):
    ACCEPT = "accept"
    IGNORE_ONCE = "ignore_once"  # gone until more mail with them arrives
    IGNORE_ALWAYS = "ignore_always"  # never again; their mail is no longer counted


def parse_review_choice(text: str) -> ReviewChoice:
    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"accept": ReviewChoice.ACCEPT, "add": ReviewChoice.ACCEPT,
               "ignore": ReviewChoice.IGNORE_ONCE, "ignore_once": ReviewChoice.IGNORE_ONCE,
               "skip": ReviewChoice.IGNORE_ONCE, "ignore_always": ReviewChoice.IGNORE_ALWAYS,
               "never": ReviewChoice.IGNORE_ALWAYS, "block": ReviewChoice.IGNORE_ALWAYS}
    if word in aliases:
        return aliases[word]
    raise InvalidInput(f"unknown choice {text!r}; use accept, ignore-once or ignore-always.",
                       field="choice")


@dataclass(frozen=True)
class Stranger:
    """Someone a source saw often who is not in the book: one row of the review queue."""

    email: str
    name: str | None
    wrote: int  # exchanges where the member wrote
    received: int  # exchanges where they wrote
    first_on: date
    last_on: date
    busiest_month: date  # first day of the month with the most exchanges
    in_busiest_month: int

    @property
    def exchanges(self) -> int:
        return self.wrote + self.received

    def describe(self) -> str:
        """ "you wrote to Dana 6 times in March 2026" — the reason they are in the queue."""
        who = self.name or self.email
        month = self.busiest_month.strftime("%B %Y")
        count = self.in_busiest_month
        times = {1: "once", 2: "twice"}.get(count, f"{count} times")
        if self.wrote >= self.received:
            return f"you wrote to {who} {times} in {month}"
        return f"{who} wrote to you {times} in {month}"


def strangers(sightings: Iterable[tuple[str, str | None, date, Direction]], *,
              threshold: int = DEFAULT_REVIEW_THRESHOLD,
              dismissed: dict[str, int] | None = None) -> list[Stranger]:
    """The review queue from exchanges with people not in the book, busiest first.

    `dismissed` maps an address to how many exchanges had been seen when the member
    ignored it once: it comes back only when there are more.
    """
    by_email: dict[str, list[tuple[str | None, date, Direction]]] = {}
    for email, name, day, direction in sightings:
        by_email.setdefault(email, []).append((name, day, direction))
    dismissed = dismissed or {}
    out: list[Stranger] = []
    for email, seen in by_email.items():
        if len(seen) < threshold or len(seen) <= dismissed.get(email, -1):
            continue
        months: dict[date, int] = {}
        for _, day, _ in seen:
            month = day.replace(day=1)
            months[month] = months.get(month, 0) + 1
        busiest = max(months.items(), key=lambda item: (item[1], item[0]))
        names = [n for n, _, _ in seen if n]
        out.append(Stranger(
            email=email, name=max(set(names), key=names.count) if names else None,
            wrote=sum(1 for _, _, d in seen if d is not Direction.RECEIVED),
            received=sum(1 for _, _, d in seen if d is Direction.RECEIVED),
            first_on=min(d for _, d, _ in seen), last_on=max(d for _, d, _ in seen),
            busiest_month=busiest[0], in_busiest_month=busiest[1]))
    out.sort(key=lambda s: (-s.exchanges, s.email))
    return out
