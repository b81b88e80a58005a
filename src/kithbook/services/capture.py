"""Use cases of capture: sources, runs that turn mail into interactions, the review queue.

A run reads messages (headers only) outside any transaction, folds them into exchanges
(`domain.capture`), then writes what they add in one transaction: a failure part way
writes nothing, and a second run of the same mail adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kithbook.domain.capture import (
    DEFAULT_MAX_RECIPIENTS,
    DEFAULT_REVIEW_THRESHOLD,
    MAX_RULES,
    CaptureRules,
    Exchange,
    MessageHeaders,
    ReviewChoice,
    RuleKind,
    Skip,
    Stranger,
    group_messages,
    normalize_email,
    parse_rule_pattern,
    strangers,
)
from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import ContactId, InteractionId, MemberId, new_id
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.sources import Source, SourceKind
from kithbook.domain.ties import Tie
from kithbook.io.records import ImportedEvent
from kithbook.services.ports import Clock, UnitOfWork

CAPTURED = "capture:"  # the start of a captured interaction's `source`


def is_captured(interaction: Interaction) -> bool:
    return (interaction.source or "").startswith(CAPTURED)


@dataclass
class CaptureReport:
    """What one run did, for the summary a member reads."""

    source: str
    messages: int = 0
    kept: int = 0
    duplicates: int = 0
    unreadable: int = 0
    skipped: dict[Skip, int] = field(default_factory=dict)
    added: int = 0  # new interactions
    updated: int = 0  # known ones now both ways
    contacts: int = 0  # contacts whose history changed
    strangers: int = 0  # exchanges with people not in the book, kept for review
    in_review: int = 0  # people waiting in the review queue after the run
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.messages} messages read from {self.source}: "
               f"{self.kept} between you and other people."]
        if self.duplicates:
            out.append(f"{self.duplicates} seen twice, counted once.")
        for skip, n in sorted(self.skipped.items(), key=lambda item: -item[1]):
            out.append(f"{n} skipped: {skip.value}.")
        if self.unreadable:
            out.append(f"{self.unreadable} could not be read and were left out.")
        out.append(f"{self.added} interactions added, {self.updated} updated, "
                   f"for {self.contacts} contacts.")
        if self.in_review:
            who = ("1 person you write with often is" if self.in_review == 1 else
                   f"{self.in_review} people you write with often are")
            out.append(f"{who} not in your book: see `kithbook capture review`.")
        return out


# ---- rules ---------------------------------------------------------------------------

def capture_rules(uow: UnitOfWork, actor: MemberId,
                  max_recipients: int = DEFAULT_MAX_RECIPIENTS) -> CaptureRules:
    """The member's rules; their account's address is always one of their own."""
    member = uow.members.get(actor)
    found: dict[RuleKind, set[str]] = {kind: set() for kind in RuleKind}
    for pattern, kind in uow.capture.rules(actor):
        found[kind].add(pattern)
    if member is not None and member.email:
        found[RuleKind.OWN].add(normalize_email(member.email))
    return CaptureRules(own=frozenset(found[RuleKind.OWN]),
                        allow=frozenset(found[RuleKind.ALLOW]),
                        block=frozenset(found[RuleKind.BLOCK]), max_recipients=max_recipients)


def list_rules(uow: UnitOfWork, actor: MemberId) -> list[tuple[str, RuleKind]]:
    with uow.reading():
        return uow.capture.rules(actor)


def set_rule(uow: UnitOfWork, actor: MemberId, pattern: str, kind: RuleKind) -> str:
    """Add an own address, or an address or domain to the allow or block list."""
    value = parse_rule_pattern(pattern)
    if kind is RuleKind.OWN and value.startswith("@"):
        value = value[1:]
    with uow:
        if len(uow.capture.rules(actor)) >= MAX_RULES:
            raise InvalidInput(f"you have {MAX_RULES} rules already; remove some first.",
                               field="pattern")
        uow.capture.put_rule(actor, value, kind)
        if kind is RuleKind.BLOCK:
            uow.capture.forget_sightings(actor, [a for a, *_ in uow.capture.sightings(actor)
                                                 if CaptureRules(block=frozenset({value}))
                                                 .blocked(a)])
        uow.commit()
    return value


def remove_rule(uow: UnitOfWork, actor: MemberId, pattern: str) -> None:
    value = normalize_email(pattern)
    with uow:
        if not uow.capture.remove_rule(actor, value):
            raise NotFound(f"no rule for {pattern!r}; `kithbook capture rules` lists them.",
                           field="pattern")
        uow.commit()


# ---- sources -------------------------------------------------------------------------

def add_source(uow: UnitOfWork, actor: MemberId, kind: SourceKind, label: str, clock: Clock,
               *, settings: dict[str, object] | None = None, secret: str | None = None,
               keep_subjects: bool = False, scheduled: bool = False) -> Source:
    """Store a source; `secret` must already be encrypted (services/secrets.py)."""
    now = clock.now()
    source = Source(id=new_id(), owner=actor, kind=kind, label=label, created_at=now,
                    settings=dict(settings or {}), secret=secret, keep_subjects=keep_subjects,
                    next_run_at=now if scheduled else None)
    with uow:
        uow.capture.add_source(source)
        uow.commit()
    return source


def file_source(uow: UnitOfWork, actor: MemberId, label: str, clock: Clock, *,
                keep_subjects: bool = False) -> Source:
    """The mail-file source named `label` (its path), made on first use."""
    with uow.reading():
        for source in uow.capture.sources(actor):
            if source.kind is SourceKind.MAIL_FILE and source.label == label:
                return source
    return add_source(uow, actor, SourceKind.MAIL_FILE, label, clock,
                      keep_subjects=keep_subjects)


def list_sources(uow: UnitOfWork, actor: MemberId) -> list[Source]:
    with uow.reading():
        return uow.capture.sources(actor)


def get_source(uow: UnitOfWork, actor: MemberId, ref: str) -> Source:
    """A source by its id or the start of it, or its exact name."""
    with uow.reading():
        return _resolve(uow, actor, ref)


def _resolve(uow: UnitOfWork, actor: MemberId, ref: str) -> Source:
    wanted = ref.strip()
    sources = uow.capture.sources(actor)
    found = [s for s in sources if s.id == wanted.lower() or s.label == wanted]
    if not found and len(wanted) >= 4:
        found = [s for s in sources if s.id.startswith(wanted.lower())]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"no source {ref!r}; `kithbook capture sources` lists yours.",
                       field="source")
    raise InvalidInput(f"{ref!r} names {len(found)} sources; use the id shown by "
                       "`kithbook capture sources`.", field="source")


@dataclass(frozen=True)
class RemovedSource:
    label: str
    interactions: int


def remove_source(uow: UnitOfWork, actor: MemberId, ref: str) -> RemovedSource:
    """Remove a source and every interaction it captured."""
    with uow:
        source = _resolve(uow, actor, ref)
        removed, touched = uow.capture.delete_source(actor, source.id)
        uow.ties.refresh_activity(touched)
        uow.commit()
    return RemovedSource(source.label, removed)


# ---- runs ----------------------------------------------------------------------------

Progress = Callable[[int], None]
# Background runs (community mode): every source runs this often; a failed run is tried
# again after a pause that doubles with each failure in a row, up to a day.
RUN_EVERY = timedelta(minutes=15)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(days=1)


def retry_after(attempts: int) -> timedelta:
    """The pause after `attempts` failures in a row: 1, 2, 4 … minutes, at most a day."""
    doubled: timedelta = FIRST_RETRY * (2 ** max(0, min(attempts - 1, 20)))
    return min(doubled, LONGEST_RETRY)


def record_failure(uow: UnitOfWork, actor: MemberId, source_id: str, error: str,
                   clock: Clock) -> Source:
    """A run failed: keep its plain-words error, count the failure and, for a scheduled
    source, when to try again; nothing it captured is touched."""
    with uow:
        source = _resolve(uow, actor, source_id)
        source.last_run_at = clock.now()
        source.last_error = error[:1000]
        source.attempts += 1
        if source.next_run_at is not None:
            source.next_run_at = source.last_run_at + retry_after(source.attempts)
        uow.capture.save_run(source)
        uow.commit()
    return source


def schedule_now(uow: UnitOfWork, actor: MemberId, ref: str, clock: Clock) -> Source:
    """Ask the background workers to run this source at their next round (the web app
    never runs one inside a request)."""
    with uow:
        source = _resolve(uow, actor, ref)
        source.next_run_at = clock.now()
        uow.capture.save_run(source)
        uow.commit()
    return source


def claim_due(uow: UnitOfWork, clock: Clock, limit: int = 4,
              lease: timedelta = timedelta(minutes=30)) -> list[Source]:
    """Scheduled sources due now, claimed for this worker (no other worker gets them
    until the lease ends or the run is stored)."""
    now = clock.now()
    with uow:
        claimed = uow.capture.claim_due(now, now + lease, limit)
        uow.commit()
    return claimed


def capture_messages(uow: UnitOfWork, actor: MemberId, source_id: str,
                     messages: Iterable[MessageHeaders], clock: Clock, *,
                     max_recipients: int = DEFAULT_MAX_RECIPIENTS,
                     unreadable: Callable[[], int] = lambda: 0,
                     progress: Progress = lambda n: None,
                     state: dict[str, object] | None = None) -> CaptureReport:
    """Turn messages into `emailed` interactions with known contacts, and sightings of
    strangers for the review queue. Idempotent: the same mail again adds nothing.

    `state` (read after the messages: where an incremental source got to) is stored with
    what the run wrote, in the same transaction, so a failed write resumes where the
    last good run ended."""
    with uow.reading():
        source = _resolve(uow, actor, source_id)
        rules = capture_rules(uow, actor, max_recipients)
    if not rules.own:
        raise InvalidInput("Kithbook does not know your own address, so it cannot tell "
                           "mail you wrote from mail you received. Add it with "
                           "`kithbook capture rule own you@example.org` and run again.",
                           field="own")
    tally = group_messages(messages, rules, keep_subjects=source.keep_subjects,
                           progress=progress)
    report = CaptureReport(source=source.label, messages=tally.messages, kept=tally.kept,
                           duplicates=tally.duplicates, skipped=dict(tally.skipped),
                           unreadable=unreadable())
    with uow:
        source = _resolve(uow, actor, source.id)
        _write(uow, actor, source, list(tally.exchanges.values()), clock, report)
        _ran(uow, source, clock.now(), report.added, state)
        report.in_review = len(_queue(uow, actor))
        uow.commit()
    return report


@dataclass(frozen=True)
class _Item:
    """An exchange to write: from this run's mail, or a stranger's sighting settled."""

    key: str
    email: str
    day: date
    direction: Direction
    subject: str | None = None


def _write(uow: UnitOfWork, actor: MemberId, source: Source, exchanges: list[Exchange],
           clock: Clock, report: CaptureReport) -> None:
    index = uow.capture.email_index(actor)
    ignored = {a for a, (choice, _) in uow.capture.decisions(actor).items()
               if choice == ReviewChoice.IGNORE_ALWAYS.value}
    known = [_Item(e.key, e.email, e.day, e.direction, e.subject)
             for e in exchanges if e.email in index]
    unknown = [e for e in exchanges if e.email not in index and e.email not in ignored]
    touched = _interactions_from(uow, actor, source.id, known, index, clock, report)
    uow.capture.add_sightings(actor, source.id, unknown)
    report.strangers = len(unknown)
    touched |= _settle(uow, actor, index, clock, report)
    report.contacts = len(touched)
    uow.ties.refresh_activity(sorted(touched))


def _interactions_from(uow: UnitOfWork, actor: MemberId, source_id: str, items: list[_Item],
                       index: dict[str, list[ContactId]], clock: Clock,
                       report: CaptureReport) -> set[ContactId]:
    existing = uow.capture.captured(actor, [e.key for e in items])
    now = clock.now()
    fresh: list[tuple[Interaction, str]] = []
    touched: set[ContactId] = set()
    for e in items:
        people = index[e.email]
        was = existing.get(e.key)
        if was is not None:
            interaction_id, direction = was
            both = direction if direction is e.direction else Direction.MUTUAL
            if both is not direction:
                uow.capture.set_direction(actor, interaction_id, both)
                report.updated += 1
                touched.update(people)
            continue
        fresh.append((Interaction(
            id=InteractionId(new_id()), owner=actor, kind=Kind.EMAILED,
            direction=e.direction, occurred_on=e.day, contact_ids=list(people),
            note=e.subject[:20_000] if e.subject else None, created_at=now,
            source=CAPTURED + source_id), e.key))
        existing[e.key] = (fresh[-1][0].id, e.direction)
        touched.update(people)
    uow.capture.add_captured(source_id, fresh)
    report.added += len(fresh)
    return touched


def _settle(uow: UnitOfWork, actor: MemberId, index: dict[str, list[ContactId]],
            clock: Clock, report: CaptureReport) -> set[ContactId]:
    """Sightings of people who are in the book now (accepted, or added by hand) become
    their interactions."""
    addresses = {r[0] for r in uow.capture.sightings(actor)} & index.keys()
    if not addresses:
        return set()
    rows = uow.capture.sightings(actor, sorted(addresses))
    touched: set[ContactId] = set()
    by_source: dict[str, list[_Item]] = {}
    for address, _, day, direction, key, source_id in rows:
        by_source.setdefault(source_id, []).append(_Item(key, address, day, direction))
    for source_id, items in by_source.items():
        touched |= _interactions_from(uow, actor, source_id, items, index, clock, report)
    uow.capture.forget_sightings(actor, addresses)
    return touched


# ---- calendars -----------------------------------------------------------------------

@dataclass
class MeetingReport:
    source: str
    occurrences: int = 0
    added: int = 0
    moved: int = 0
    skipped_large: int = 0
    without_contacts: int = 0
    declined: int = 0
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.occurrences} meetings read from {self.source}: {self.added} "
               f"interactions added, {self.moved} moved to their new day."]
        if self.declined:
            out.append(f"{self.declined} you declined: skipped.")
        if self.skipped_large:
            out.append(f"{self.skipped_large} with too many people: skipped.")
        if self.without_contacts:
            out.append(f"{self.without_contacts} with no one from your book.")
        return out


def capture_meetings(uow: UnitOfWork, actor: MemberId, source_id: str,
                     meetings: Iterable[ImportedEvent], clock: Clock, *,
                     state: dict[str, object] | None = None,
                     max_people: int = DEFAULT_MAX_RECIPIENTS) -> MeetingReport:
    """Each occurrence of a meeting becomes `met` with each known attendee who did not
    decline; one you declined, and cancelled ones (the reader drops them), count for
    nothing. A moved occurrence keeps its key and follows to its new day."""
    with uow.reading():
        source = _resolve(uow, actor, source_id)
        rules = capture_rules(uow, actor, max_people)
    report = MeetingReport(source.label)
    wanted = _met(meetings, rules, source, report, max_people)
    with uow:
        source = _resolve(uow, actor, source.id)
        _record_meetings(uow, actor, source, wanted, clock.now(), report, state)
        uow.commit()
    return report


# One attendee of one occurrence: its key, their email, the day, the meeting's title.
_Met = tuple[str, str, date, str | None]


def _met(meetings: Iterable[ImportedEvent], rules: CaptureRules, source: Source,
         report: MeetingReport, max_people: int) -> list[_Met]:
    """Who was met at each occurrence worth counting (tallied in `report`)."""
    wanted: list[_Met] = []
    for meeting in meetings:
        report.occurrences += 1
        if any(rules.is_own(a.email.lower()) and a.declined for a in meeting.attendees):
            report.declined += 1
            continue
        others = [a for a in meeting.attendees if not rules.is_own(a.email.lower())
                  and not rules.blocked(a.email.lower())]
        if len(others) > max_people:
            report.skipped_large += 1
            continue
        for a in others:
            if a.declined:
                continue
            text = f"{meeting.uid}|{meeting.occurrence or ''}|{a.email.lower()}"
            key = hashlib.sha256(text.encode()).hexdigest()[:40]
            wanted.append((key, a.email.lower(), meeting.occurred_on,
                           meeting.summary if source.keep_subjects else None))
    return wanted


def _record_meetings(uow: UnitOfWork, actor: MemberId, source: Source, wanted: list[_Met],
                     now: datetime, report: MeetingReport,
                     state: dict[str, object] | None) -> None:
    """Inside the run's unit of work: a `met` per new occurrence with a known person, a
    moved one followed to its new day, and the run noted on the source."""
    index = uow.capture.email_index(actor)
    known = [w for w in wanted if w[1] in index]
    report.without_contacts = len({w[0] for w in wanted}) - len(known)
    existing = uow.capture.captured_days(actor, [w[0] for w in known])
    fresh: list[tuple[Interaction, str]] = []
    touched: set[ContactId] = set()
    for key, email, day, summary in known:
        was = existing.get(key)
        if was is not None:
            if was[1] != day:
                uow.capture.set_day(actor, was[0], day)
                report.moved += 1
                touched.update(index[email])
            continue
        fresh.append((Interaction(
            id=InteractionId(new_id()), owner=actor, kind=Kind.MET,
            direction=Direction.MUTUAL, occurred_on=day, contact_ids=list(index[email]),
            note=summary[:20_000] if summary else None, created_at=now,
            source=CAPTURED + source.id), key))
        existing[key] = (fresh[-1][0].id, day)
        touched.update(index[email])
    uow.capture.add_captured(source.id, fresh)
    report.added = len(fresh)
    uow.ties.refresh_activity(sorted(touched))
    _ran(uow, source, now, report.added, state)


def _ran(uow: UnitOfWork, source: Source, now: datetime, added: int,
         state: dict[str, object] | None) -> None:
    """A run that went through, noted on its source: when, how much, where it stopped,
    and the next run due (a scheduled source)."""
    source.last_run_at = now
    source.last_error = None
    source.last_added = added
    source.attempts = 0
    if state is not None:
        source.state = dict(state)
    if source.next_run_at is not None:
        source.next_run_at = now + RUN_EVERY
    uow.capture.save_run(source)


# ---- the review queue ----------------------------------------------------------------

def _queue(uow: UnitOfWork, actor: MemberId,
           threshold: int = DEFAULT_REVIEW_THRESHOLD) -> list[Stranger]:
    decisions = uow.capture.decisions(actor)
    dismissed = {a: seen for a, (choice, seen) in decisions.items()
                 if choice == ReviewChoice.IGNORE_ONCE.value}
    ignored = {a for a, (choice, _) in decisions.items()
               if choice == ReviewChoice.IGNORE_ALWAYS.value}
    rows = ((a, n, d, di) for a, n, d, di, _, _ in uow.capture.sightings(actor)
            if a not in ignored)
    return strangers(rows, threshold=threshold, dismissed=dismissed)


def review_queue(uow: UnitOfWork, actor: MemberId,
                 threshold: int = DEFAULT_REVIEW_THRESHOLD) -> list[Stranger]:
    """People a source saw often who are not in the book, busiest first."""
    with uow.reading():
        return _queue(uow, actor, threshold)


@dataclass(frozen=True)
class Decision:
    email: str
    choice: ReviewChoice
    contact: Contact | None = None  # made when accepted
    interactions: int = 0  # their exchanges, now in the book


def decide(uow: UnitOfWork, actor: MemberId, email: str, choice: ReviewChoice,
           clock: Clock, *, name: str | None = None) -> Decision:
    """Accept someone from the review queue into the book (with the history seen so far),
    ignore them until more mail arrives, or ignore them for good."""
    address = normalize_email(email)
    with uow:
        seen = uow.capture.sightings(actor, [address])
        if not seen:
            raise NotFound(f"{email!r} is not in your review queue; "
                           "`kithbook capture review` lists who is.", field="email")
        if choice is ReviewChoice.IGNORE_ONCE:
            uow.capture.decide(actor, address, choice.value, len(seen))
            uow.commit()
            return Decision(address, choice)
        if choice is ReviewChoice.IGNORE_ALWAYS:
            uow.capture.decide(actor, address, choice.value, len(seen))
            uow.capture.forget_sightings(actor, [address])
            uow.commit()
            return Decision(address, choice)
        names = [n for _, n, *_ in seen if n]
        contact = _new_contact(actor, (name or "").strip() or
                               (max(set(names), key=names.count) if names else address),
                               address, clock)
        uow.contacts.add(contact)
        uow.ties.add(Tie(owner=actor, contact=contact.id))
        report = CaptureReport(source="review")
        touched = _settle(uow, actor, {address: [contact.id]}, clock, report)
        uow.ties.refresh_activity(sorted(touched))
        uow.commit()
        return Decision(address, choice, contact, report.added)


def _new_contact(actor: MemberId, name: str, address: str, clock: Clock) -> Contact:
    now = clock.now()
    return Contact(id=ContactId(new_id()), owner=actor, name=name[:200],
                   emails=[Labeled(address)], phones=[], links=[], tags=[],
                   how_we_met="from your mail", created_at=now, updated_at=now)


def forget_address(uow: UnitOfWork, actor: MemberId, email: str) -> None:
    """Erasure's part in capture: sightings and decisions about this address go."""
    uow.capture.forget_address(actor, normalize_email(email))


__all__ = ["CaptureReport", "Decision", "RemovedSource", "add_source", "capture_messages",
           "capture_rules", "decide", "file_source", "get_source", "is_captured",
           "list_rules", "list_sources", "remove_rule", "remove_source", "review_queue",
           "set_rule"]
