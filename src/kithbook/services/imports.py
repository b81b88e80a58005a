"""Importing a file into a member's book: the whole file in one transaction, or nothing.

The readers in `kithbook.io` stream checked records; this module writes them in batches
through the bulk writer, all inside one unit of work, so an error on the last line (or a
killed process) leaves the book exactly as it was. A dry run reads the same records and
reports what would change without writing anything.

Oddities in a file never refuse it: the readers report each one, per record, as a warning
(what could not be read and what was done instead), and the report carries them. Only a
failure (a safety cap, a file that is not the format, a database error) writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import SequenceMatcher
from enum import StrEnum
from pathlib import Path

from kithbook.domain.contacts import Contact, ContactFields, Labeled, fold
from kithbook.domain.duplicates import NAME_THRESHOLD, plan_merge
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, InteractionId, MemberId, is_id, new_id
from kithbook.domain.important_dates import MAX_DATES, ImportantDate, check_dates
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.photos import ContactPhoto, checked_photo
from kithbook.domain.ties import Tie
from kithbook.io.detect import HEAD_BYTES, Format, detect_format, open_import
from kithbook.io.export_json import Book, read_book
from kithbook.io.ics import read_ics
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.readers import read_contacts
from kithbook.io.records import (
    Attendee,
    ImportedContact,
    ImportedEvent,
    ImportWarning,
    Warnings,
)
from kithbook.services.ports import BulkBook, Clock, UnitOfWork
from kithbook.values.normalize import DEFAULT_REGION

Progress = Callable[[int, int | None], None]
"""Called as records are read: (how many so far, how many in all when known)."""

BATCH = 5_000  # records written per bulk call; all batches share one transaction
SHOWN = 200  # examples a report keeps of each kind; the counts cover everything
MAX_PEOPLE_PER_EVENT = 200


@dataclass(frozen=True)
class LikelyDuplicate:
    """An incoming record that is probably someone already in the book (or in the file)."""

    where: str  # "line 12" or "card 3 (Ada Lovelace)"
    name: str
    other: ContactId
    other_name: str
    reasons: tuple[str, ...]  # "same email ada@example.org"


class DuplicateChoice(StrEnum):
    """What becomes of an incoming record that is likely someone already in the book."""

    MERGE = "merge"  # into that contact: what the file adds fills what the book lacks
    KEEP = "keep"  # added beside, as a contact of its own ("keep both")
    SKIP = "skip"  # left out


@dataclass(frozen=True)
class DuplicateRecord:
    """One incoming record with likely duplicates, and what is done with it."""

    record: int  # its place in the file, from 1: what a choice names
    where: str
    name: str
    matches: tuple[LikelyDuplicate, ...]
    into: ContactId | None  # the book's contact a merge goes into; None: only records
    # of the same file match, and there is nothing in the book yet to merge into
    choice: DuplicateChoice  # what was done, or in a dry run what would be


@dataclass
class NewPerson:
    """Someone a calendar's events were with who is not in the book: offered, not added,
    unless the member picks them."""

    email: str
    name: str | None
    events: int  # how many of the file's events in the window they attend (new or not)
    last_on: date
    added: bool = False  # picked: a contact of the book now (or, in a dry run, would be)


@dataclass(frozen=True)
class EventPreview:
    occurred_on: date
    summary: str | None
    people: tuple[str, ...]  # names of the matched contacts


@dataclass
class ImportReport:
    """What an import did, or with `dry_run` what it would do."""

    name: str
    format: Format
    dry_run: bool
    read: int = 0  # records read from the file
    contacts_added: int = 0
    contacts_unchanged: int = 0  # already in the book exactly as the file has them
    interactions_added: int = 0
    events_already_imported: int = 0
    events_without_contacts: int = 0
    photos_kept: int = 0
    photos_not_kept: int = 0  # found but left out: each has its warning
    dates_added: int = 0  # birthdays, anniversaries and other important dates
    duplicate_count: int = 0
    duplicates: list[LikelyDuplicate] = field(default_factory=list)
    duplicate_records: list[DuplicateRecord] = field(default_factory=list)  # the first ones
    contacts_merged: int = 0  # records merged into a contact the book held
    contacts_skipped: int = 0  # records left out by choice
    new_names: list[str] = field(default_factory=list)
    events: list[EventPreview] = field(default_factory=list)
    new_people: list[NewPerson] = field(default_factory=list)  # most events first, the first
    new_people_count: int = 0  # everyone a calendar's events were with, not in the book
    owner: MemberId | None = None  # whose book received the file
    member_created: bool = False  # a JSON export brought its own account into an empty database
    warning_count: int = 0
    warnings: list[ImportWarning] = field(default_factory=list)  # the first ones, in order


def file_format(path: Path, format: Format | None = None) -> Format:
    """The format `import_file` will read `path` as."""
    if format is not None:
        return format
    with path.open("rb") as raw:
        return detect_format(raw.read(HEAD_BYTES), name=path.name)


def import_file(uow: UnitOfWork, actor: MemberId | None, path: Path, clock: Clock, *,
                format: Format | None = None, dry_run: bool = False,
                keep_photos: bool = True, region: str | None = DEFAULT_REGION,
                progress: Progress | None = None, since: date | None = None,
                limits: Limits = DEFAULT_LIMITS,
                choices: Mapping[int, DuplicateChoice] | None = None,
                duplicates: DuplicateChoice = DuplicateChoice.KEEP,
                add_people: Collection[str] = ()) -> ImportReport:
    """Read `path` into `actor`'s book; with `actor=None` a JSON export brings its account.

    `since`: the first day of a calendar's window (five years back by default).
    `choices`: what to do with each record (by its place in the file) that is likely a
    contact of the book; `duplicates` for the others (merging needs a contact the book
    held before; a record matching only others of its file is kept).
    `add_people`: emails of a calendar's attendees not in the book to add as contacts (the
    report offers them as `new_people`; nobody is added unasked).
    """
    if since is not None and since > clock.today():
        raise InvalidInput(f"--since {since.isoformat()} is after today; choose a day in "
                           "the past.", field="since")
    warnings = Warnings()
    report = _import(uow, actor, path, clock, format=format, dry_run=dry_run,
                     keep_photos=keep_photos, region=region, progress=progress, since=since,
                     limits=limits, warnings=warnings,
                     chooser=_Chooser(choices or {}, duplicates),
                     add_people={email.strip().casefold() for email in add_people})
    report.warning_count = warnings.count
    report.warnings = warnings.shown
    return report


def _import(uow: UnitOfWork, actor: MemberId | None, path: Path, clock: Clock, *,
            format: Format | None, dry_run: bool, keep_photos: bool, region: str | None,
            progress: Progress | None, since: date | None, limits: Limits,
            warnings: Warnings, chooser: _Chooser, add_people: set[str]) -> ImportReport:
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file I can read.", field="file")
    with open_import(path, format=format, limits=limits) as (found, stream, name):
        report = ImportReport(name=name, format=found, dry_run=dry_run)
        tick = _Ticker(progress, _estimate(path, found))
        if found is Format.KITHBOOK_JSON:
            book = read_book(stream, name=name, warnings=warnings)
            _import_book(uow, actor, book, clock, report, warnings)
            tick.done(report.read)
            return report
        if actor is None:
            raise InvalidInput("only a Kithbook JSON export can start an empty database; "
                               "run `kithbook init` first.", field="file")
        report.owner = actor
        if found is Format.ICS:
            events = read_ics(stream, until=clock.today(), since=since, name=name,
                              limits=limits, warnings=warnings)
            _import_events(uow, actor, events, clock, report, tick,
                           _Strangers(actor, add_people, clock.now()), warnings)
        else:
            records = read_contacts(stream, found, name=name, limits=limits,
                                    keep_photos=keep_photos, region=region,
                                    warnings=warnings, named=format is not None)
            _import_contacts(uow, actor, records, clock, report, tick, warnings, chooser)
        tick.done(report.read)
        return report


# ---- contacts ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Chooser:
    choices: Mapping[int, DuplicateChoice]
    default: DuplicateChoice

    def __call__(self, record: int, into: ContactId | None) -> DuplicateChoice:
        chosen = self.choices.get(record, self.default)
        return DuplicateChoice.KEEP if chosen is DuplicateChoice.MERGE and into is None \
            else chosen


def _import_contacts(uow: UnitOfWork, actor: MemberId, records: Iterable[ImportedContact],
                     clock: Clock, report: ImportReport, tick: _Ticker,
                     warnings: Warnings, chooser: _Chooser) -> None:
    with uow.reading() if report.dry_run else uow:
        book = {c.id: c for c in uow.contacts.all(actor)}
        index = _BookIndex(book.values())
        merges = _Merges(book, clock.now(), warnings)
        now = clock.now()
        contacts: list[Contact] = []
        ties: list[Tie] = []
        dates: dict[ContactId, list[ImportantDate]] = {}
        photos: dict[ContactId, ContactPhoto] = {}
        today = clock.today()
        for record in records:
            report.read += 1
            if index.unchanged(record.fields):
                report.contacts_unchanged += 1
                tick(report.read)
                continue
            contact = _contact(actor, record, now, report.name)
            record_dates = _past_dates(record, today, warnings)
            choice, into = _choose(report, record, contact, index, book, chooser)
            photo = _photo(record, report, warnings) if choice is not DuplicateChoice.SKIP \
                else None
            if choice is DuplicateChoice.SKIP:
                report.contacts_skipped += 1
            elif choice is DuplicateChoice.MERGE and \
                    merges.add(into, contact, record_dates, record.where, photo):
                report.contacts_merged += 1
            else:
                index.add(contact, existing=False)
                report.contacts_added += 1
                if len(report.new_names) < SHOWN:
                    report.new_names.append(contact.name)
                report.dates_added += len(record_dates)
                if not report.dry_run:
                    contacts.append(contact)
                    started_on = record.started_on if record.started_on is None or \
                        record.started_on <= today else None
                    ties.append(Tie(owner=actor, contact=contact.id, started_on=started_on))
                    if record_dates:
                        dates[contact.id] = record_dates
                    if photo is not None:
                        photos[contact.id] = photo
                    if len(contacts) >= BATCH:
                        uow.bulk.write(actor, BulkBook(contacts, ties, dates=dates,
                                                       photos=photos))
                        contacts, ties, dates, photos = [], [], {}, {}
            tick(report.read)
        if not report.dry_run:
            if contacts:
                uow.bulk.write(actor, BulkBook(contacts, ties, dates=dates, photos=photos))
            merges.write(uow)
            uow.commit()


def _photo(record: ImportedContact, report: ImportReport,
           warnings: Warnings) -> ContactPhoto | None:
    """The record's picture when it is one Kithbook keeps; a warning when it is not."""
    if record.photo is None:
        report.photos_not_kept += record.photo_left_out
        return None
    try:
        photo = checked_photo(record.photo.data)
    except InvalidInput as exc:
        report.photos_not_kept += 1
        warnings.add(record.where, f"{exc.message.rstrip('.')}; it is left out.")
        return None
    report.photos_kept += 1
    return photo


def _choose(report: ImportReport, record: ImportedContact, contact: Contact,
            index: _BookIndex, book: Mapping[ContactId, Contact],
            chooser: _Chooser) -> tuple[DuplicateChoice, ContactId | None]:
    """What to do with a record: keep it unless it is likely someone, then as chosen;
    and the book's contact it would merge into."""
    matches = index.likely(contact)
    if not matches:
        return DuplicateChoice.KEEP, None
    report.duplicate_count += len(matches)
    into = next((other for other, _, _ in matches if other in book), None)
    choice = chooser(report.read, into)
    # Only the first ones are shown: past them (most of a large file's likely duplicates)
    # nothing is made for the report.
    room = SHOWN - len(report.duplicates)
    if room > 0 or len(report.duplicate_records) < SHOWN:
        found = [LikelyDuplicate(record.where, contact.name, other, other_name, reasons)
                 for other, other_name, reasons in matches]
        report.duplicates.extend(found[:max(room, 0)])
        if len(report.duplicate_records) < SHOWN:
            report.duplicate_records.append(DuplicateRecord(
                report.read, record.where, contact.name, tuple(found), into, choice))
    return choice, into


class _Merges:
    """Records merged into contacts the book held, written once at the end: several
    records of a file may go into one contact."""

    def __init__(self, book: Mapping[ContactId, Contact], now: datetime,
                 warnings: Warnings) -> None:
        self._book = book
        self._now = now
        self._warnings = warnings
        self.merged: dict[ContactId, Contact] = {}
        self.dates: dict[ContactId, list[ImportantDate]] = {}
        self.photos: dict[ContactId, ContactPhoto] = {}

    def add(self, into: ContactId | None, incoming: Contact, dates: list[ImportantDate],
            where: str, photo: ContactPhoto | None = None) -> bool:
        """Merge `incoming` into the book's contact `into`; False (with a warning) when
        the two together are more than a contact holds: then it is kept beside."""
        if into is None:
            return False
        current = self.merged.get(into, self._book[into])
        try:
            plan = plan_merge([current, incoming])
        except InvalidInput as exc:
            self._warnings.add(where, f"it could not be merged into {current.name}: "
                               f"{exc.message} It is added as a contact of its own.")
            return False
        values = {k: v for k, v in vars(plan.fields).items() if v is not None}
        self.merged[into] = replace(current, **values, updated_at=self._now)
        if dates:
            self.dates.setdefault(into, []).extend(dates)
        if photo is not None:
            self.photos.setdefault(into, photo)
        return True

    def write(self, uow: UnitOfWork) -> None:
        for contact in self.merged.values():
            uow.contacts.update(contact, expected_version=self._book[contact.id].version)
        for contact_id, added in self.dates.items():
            held = uow.dates.for_contact(contact_id)
            together = list(dict.fromkeys([*held, *added]))[:MAX_DATES]
            uow.dates.put(contact_id, check_dates(together))
        for contact_id, photo in self.photos.items():
            if not uow.photos.has(contact_id):  # the book's own picture stays
                uow.photos.put(contact_id, photo)


def _past_dates(record: ImportedContact, today: date,
                warnings: Warnings) -> list[ImportantDate]:
    """The record's dates, without those after today (a typo, or a wrong century)."""
    if not record.dates:
        return []
    kept = []
    for value in dict.fromkeys(record.dates):
        if value.year is not None and date(value.year, value.month, value.day) > today:
            warnings.add(record.where, f"the {value.what} {value.iso} is after today; left "
                         "out. Correct it in the file and import it again.")
        else:
            kept.append(value)
    if len(kept) > MAX_DATES:
        warnings.add(record.where, f"it has {len(kept)} important dates; a contact holds "
                     f"at most {MAX_DATES}, so the first ones are kept.")
    return check_dates(kept[:MAX_DATES])


def _contact(actor: MemberId, record: ImportedContact, now: datetime, name: str) -> Contact:
    fields = record.fields
    try:
        return Contact(
            id=ContactId(new_id()), owner=actor, name=fields.name or "",
            emails=list(fields.emails or []), phones=list(fields.phones or []),
            links=list(fields.links or []), tags=list(fields.tags or []),
            organization=fields.organization, role=fields.role, location=fields.location,
            how_we_met=fields.how_we_met, notes=fields.notes, created_at=now,
            updated_at=now)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}, {record.where}: {exc.message}", field="file") from None


class _BookIndex:
    """What duplicate finding needs of the book, kept up to date as records arrive.

    Emails and phones are matched against the book and the file so far; similar names at
    the same organization only against contacts the book held before the import (pairs
    within a large file would grow with its square).
    """

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.by_email: dict[str, tuple[ContactId, str]] = {}
        self.by_phone: dict[str, tuple[ContactId, str]] = {}
        self.by_org: dict[str, list[tuple[str, ContactId, str]]] = {}
        self.exact: dict[tuple[str, str], tuple[ContactId, str]] = {}
        self.identical: set[tuple[object, ...]] = set()
        self._orgs: dict[str, str] = {}  # organizations repeat: fold each once
        self._last: tuple[str, str] = ("", "")  # `likely` then `add` ask for the same name
        for contact in contacts:
            self.add(contact, existing=True)

    def org_key(self, organization: str | None) -> str:
        if not organization:
            return ""
        key = self._orgs.get(organization)
        if key is None:
            key = self._orgs[organization] = fold(organization)
        return key

    def name_key(self, name: str) -> str:
        if self._last[0] != name:
            self._last = (name, _name_key(name))
        return self._last[1]

    def add(self, contact: Contact, *, existing: bool) -> None:
        who = (contact.id, contact.name)
        for email in contact.emails:
            self.by_email.setdefault(email.value.casefold(), who)
        for phone in contact.phones:
            self.by_phone.setdefault(phone.value, who)
        org = self.org_key(contact.organization)
        if org:
            key = self.name_key(contact.name)
            self.exact.setdefault((org, key), who)
            if existing:
                self.by_org.setdefault(org, []).append((key, *who))
        if existing:
            self.identical.add(_identity(contact.name, contact.organization, contact.emails,
                                         contact.phones, contact.links))

    def unchanged(self, fields: ContactFields) -> bool:
        """The book already holds exactly this person (importing a file again adds nothing)."""
        return bool(self.identical) and _identity(
            fields.name or "", fields.organization, fields.emails or [], fields.phones or [],
            fields.links or []) in self.identical

    def likely(self, contact: Contact) -> list[tuple[ContactId, str, tuple[str, ...]]]:
        notes: list[tuple[tuple[ContactId, str], str]] = []  # (who, why), in order
        for email in contact.emails:
            who = self.by_email.get(email.value.casefold())
            if who is not None:
                notes.append((who, f"same email {email.value}"))
        for phone in contact.phones:
            who = self.by_phone.get(phone.value)
            if who is not None:
                notes.append((who, f"same phone {phone.value}"))
        org = self.org_key(contact.organization)
        if org:
            key = self.name_key(contact.name)
            who = self.exact.get((org, key))
            if who is not None:
                notes.append((who, f"same name at {contact.organization}"))
            else:
                for other_key, other, other_name in self.by_org.get(org, ()):
                    matcher = SequenceMatcher(None, key, other_key, autojunk=False)
                    if (matcher.real_quick_ratio() >= NAME_THRESHOLD
                            and matcher.quick_ratio() >= NAME_THRESHOLD
                            and matcher.ratio() >= NAME_THRESHOLD):
                        notes.append(((other, other_name),
                                      f"similar name at {contact.organization}"))
        if not notes:
            return []
        found: dict[ContactId, tuple[str, list[str]]] = {}
        for (cid, name), reason in notes:
            found.setdefault(cid, (name, []))[1].append(reason)
        return [(cid, name, tuple(reasons)) for cid, (name, reasons) in found.items()]


def _name_key(name: str) -> str:
    """`name_key` of the domain, in a few C calls: `contacts.fold` (the same folding, with
    its ASCII shortcut) and one expression for what is not a letter or digit (`\\w` is
    `str.isalnum` or "_"). `test_import_name_key_is_the_domains` checks the agreement."""
    return " ".join(sorted(_NOT_ALNUM.sub(" ", fold(name)).split()))


_NOT_ALNUM = re.compile(r"[\W_]+")


def _identity(name: str, organization: str | None, emails: Iterable[object],
              phones: Iterable[object], links: Iterable[str]) -> tuple[object, ...]:
    return (fold(name), fold(organization or ""),
            frozenset(str(getattr(e, "value", e)).casefold() for e in emails),
            frozenset(str(getattr(p, "value", p)) for p in phones),
            frozenset(link.strip() for link in links if link.strip()))


# ---- calendars -----------------------------------------------------------------------

class _Strangers:
    """A calendar's attendees who are not in the book: counted for the report, and made
    contacts of the book when the member picked them."""

    def __init__(self, actor: MemberId, picked: set[str], now: datetime) -> None:
        self._actor = actor
        self._picked = picked
        self._now = now
        self.seen: dict[str, NewPerson] = {}
        self.made: dict[str, tuple[ContactId, str]] = {}  # picked, by folded email
        self.contacts: list[Contact] = []  # made, and not yet written

    def meet(self, attendee: Attendee, on: date) -> tuple[ContactId, str] | None:
        """Note a stranger at an event; the contact they became, if they were picked."""
        key = attendee.email.casefold()
        person = self.seen.get(key)
        if person is None:
            person = self.seen[key] = NewPerson(attendee.email, attendee.name, 0, on)
            if key in self._picked:
                person.added = True
                contact = self._contact(attendee)
                self.contacts.append(contact)
                self.made[key] = (contact.id, contact.name)
        person.events += 1
        person.name = person.name or attendee.name
        person.last_on = max(person.last_on, on)
        return self.made.get(key)

    def _contact(self, attendee: Attendee) -> Contact:
        name = attendee.name or attendee.email.split("@")[0]
        return Contact(id=ContactId(new_id()), owner=self._actor, name=name[:200],
                       emails=[Labeled(attendee.email.casefold())], created_at=self._now,
                       updated_at=self._now)

    def taken(self) -> tuple[list[Contact], list[Tie]]:
        """The contacts made since the last call, with their ties, to write."""
        made, self.contacts = self.contacts, []
        return made, [Tie(owner=self._actor, contact=c.id) for c in made]

    def report(self, report: ImportReport, warnings: Warnings) -> None:
        people = sorted(self.seen.values(), key=lambda p: (-p.events, p.email))
        report.new_people = people[:SHOWN]
        report.new_people_count = len(people)
        report.contacts_added = sum(p.added for p in people)
        for email in sorted(self._picked - set(self.seen)):
            warnings.add(report.name, f"{email} is not one of the people this calendar's "
                                      "events were with who are not in your book; nobody "
                                      "was added for it.")


def _import_events(uow: UnitOfWork, actor: MemberId, events: Iterable[ImportedEvent],
                   clock: Clock, report: ImportReport, tick: _Ticker, strangers: _Strangers,
                   warnings: Warnings) -> None:
    with uow.reading() if report.dry_run else uow:
        by_email: dict[str, list[tuple[ContactId, str]]] = {}
        for contact in uow.contacts.all(actor):
            for email in contact.emails:
                by_email.setdefault(email.value.casefold(), []).append(
                    (contact.id, contact.name))
        member = uow.members.get(actor)
        own = member.email.casefold() if member is not None and member.email else None
        stored = uow.interactions.sources(actor)  # imported before this file
        added: set[str] = set()  # the events of this file added so far
        met_again: set[str] = set()  # the events imported before, met so far in this file
        now = clock.now()
        batch: list[Interaction] = []
        touched: set[ContactId] = set()
        joined: list[tuple[str, ContactId]] = []  # picked people of events imported before
        for event in events:
            report.read += 1
            tick(report.read)
            if event.source in added or event.source in met_again:
                report.events_already_imported += 1  # the same event twice in the file
                continue
            people = dict(who for attendee in event.attendees
                          for who in by_email.get(attendee.email.casefold(), ()))
            # Everyone at an event of the window is offered, whether the event is new or
            # was imported before: importing the calendar again is how a member adds
            # someone they left out the first time.
            for attendee in event.attendees:
                key = attendee.email.casefold()
                if key != own and key not in by_email:
                    made = strangers.meet(attendee, event.occurred_on)
                    if made is not None:
                        people[made[0]] = made[1]
                        if event.source in stored:
                            joined.append((event.source, made[0]))
            if event.source in stored:
                met_again.add(event.source)
                report.events_already_imported += 1
                continue
            if not people:
                report.events_without_contacts += 1
                continue
            if len(people) > MAX_PEOPLE_PER_EVENT:
                raise InvalidInput(f"{report.name}, {event.where}: more than "
                                   f"{MAX_PEOPLE_PER_EVENT} of your contacts attend; that is "
                                   "not a meeting to record. Remove it and import again.",
                                   field="file")
            added.add(event.source)
            report.interactions_added += 1
            if len(report.events) < SHOWN:
                report.events.append(EventPreview(event.occurred_on, event.summary,
                                                  tuple(people.values())))
            if report.dry_run:
                continue
            summary = event.summary[:20_000] if event.summary else None
            batch.append(Interaction(
                id=InteractionId(new_id()), owner=actor, kind=Kind.MET,
                direction=Direction.MUTUAL, occurred_on=event.occurred_on,
                contact_ids=list(people), note=summary, created_at=now,
                source=event.source))
            touched.update(people)
            if len(batch) >= BATCH:
                uow.bulk.write(actor, BulkBook(*strangers.taken(), batch))
                batch = []
        strangers.report(report, warnings)
        if not report.dry_run:
            new_contacts, ties = strangers.taken()
            if batch or new_contacts:
                uow.bulk.write(actor, BulkBook(new_contacts, ties, batch))
            uow.interactions.link_by_source(actor, joined)
            touched.update(contact for _, contact in joined)
            uow.ties.refresh_activity(sorted(touched))
            uow.commit()


# ---- Kithbook JSON -------------------------------------------------------------------

def _import_book(uow: UnitOfWork, actor: MemberId | None, book: Book, clock: Clock,
                 report: ImportReport, warnings: Warnings) -> None:
    """A JSON export: into a member's book, or bringing its own account into an empty
    database (the only case where the document's ids are kept)."""
    report.read = len(book.contacts) + len(book.interactions)
    with uow.reading() if report.dry_run else uow:
        if actor is None:
            if uow.members.count():
                raise InvalidInput("this database already has an owner; import the export "
                                   "into their book instead.", field="file")
            owner = MemberId(_id_for(book.member.id, True, f"{report.name}: member", "member",
                                     warnings))
            report.member_created = True
            if not report.dry_run:
                member = replace(book.member, id=owner)
                if member.created_at is None:
                    member = replace(member, created_at=clock.now())
                uow.members.add(member)
        else:
            owner = actor
        report.owner = owner
        now = clock.now()
        # Ids in a file only tie its records together. Into a member's book every record
        # gets a new one: keeping the ones no book holds yet would tell the member which
        # ids other members' books hold. A document restoring its own account into an
        # empty database keeps its ids, when they are ids at all.
        keep = actor is None
        ids = {c.id: ContactId(_id_for(c.id, keep, f"{report.name}: contacts[{n}]", "contact",
                                       warnings))
               for n, c in enumerate(book.contacts)}
        index = _BookIndex(uow.contacts.all(owner) if actor is not None else ())
        contacts = []
        for original in book.contacts:
            contact = replace(original, id=ids[original.id], owner=owner,
                              created_at=original.created_at or now,
                              updated_at=original.updated_at or original.created_at or now)
            for other, other_name, reasons in index.likely(contact):
                report.duplicate_count += 1
                if len(report.duplicates) < SHOWN:
                    report.duplicates.append(LikelyDuplicate(
                        f"contact {original.id}", contact.name, other, other_name, reasons))
            index.add(contact, existing=False)
            contacts.append(contact)
            if len(report.new_names) < SHOWN:
                report.new_names.append(contact.name)
        ties = [replace(t, owner=owner, contact=ids[t.contact]) for t in book.ties]
        known = uow.interactions.sources(owner) if actor is not None else set()
        fresh = [(n, i) for n, i in enumerate(book.interactions)
                 if i.source is None or i.source not in known]
        report.events_already_imported = len(book.interactions) - len(fresh)
        interactions = [
            replace(i, id=InteractionId(_id_for(i.id, keep, f"{report.name}: interactions[{n}]",
                                                "interaction", warnings)),
                    owner=owner, contact_ids=[ids[c] for c in i.contact_ids],
                    created_at=i.created_at or now)
            for n, i in fresh]
        report.contacts_added = len(contacts)
        report.interactions_added = len(interactions)
        links = [replace(link, owner=owner, a=ids[link.a], b=ids[link.b],
                         created_at=link.created_at or now) for link in book.links]
        dates = {ids[cid]: values for cid, values in book.dates.items()}
        report.dates_added = sum(len(values) for values in dates.values())
        photos = {ids[cid]: photo for cid, photo in book.photos.items()}
        report.photos_kept = len(photos)
        report.photos_not_kept = book.photos_left_out
        if report.dry_run:
            return
        uow.bulk.write(owner, BulkBook(contacts, ties, interactions, dates=dates,
                                       photos=photos))
        for link in links:  # who knows whom: few, so one at a time
            uow.contact_links.put(link)
        if actor is not None:
            uow.ties.refresh_activity([c.id for c in contacts])
        uow.commit()


def _id_for(given: str, keep: bool, where: str, what: str, warnings: Warnings) -> str:
    """The id a record of a JSON export is stored under: `given` if it is to be kept and
    is an id as Kithbook writes them, else a new one (with a warning if it was not)."""
    if is_id(given):
        return given if keep else new_id()
    shown = given if len(given) <= 40 else given[:40] + "…"
    warnings.add(where, f"the id {shown!r} is not a Kithbook id (12 letters and digits, as "
                        f"an export writes them); the {what} is imported under a new id.")
    return new_id()


# ---- progress ------------------------------------------------------------------------

class _Ticker:
    """Calls the progress callback every so often, not for every record."""

    EVERY = 500

    def __init__(self, progress: Progress | None, total: int | None) -> None:
        self._progress = progress
        self._total = total
        self._next = 0

    def __call__(self, done: int) -> None:
        if self._progress is not None and done >= self._next:
            self._next = done + self.EVERY
            total = self._total if self._total is None or self._total >= done else None
            self._progress(done, total)

    def done(self, count: int) -> None:
        if self._progress is not None:
            self._progress(count, count)


_CARD = re.compile(rb"(?im)^begin:vcard")


def _estimate(path: Path, format: Format) -> int | None:
    """Roughly how many records a file holds, read cheaply, for a progress bar."""
    if format not in (Format.LINKEDIN, Format.GOOGLE_CSV, Format.OUTLOOK_CSV, Format.VCARD):
        return None
    count = 0
    with path.open("rb") as raw:
        if raw.read(4) == b"PK\x03\x04":
            return None
        raw.seek(0)
        while chunk := raw.read(1 << 20):
            count += (len(_CARD.findall(chunk)) if format is Format.VCARD
                      else chunk.count(b"\n"))
    return max(count - 1, 1) if format is not Format.VCARD else max(count, 1)
