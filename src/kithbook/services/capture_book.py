"""`CaptureBook`: the capture use cases bound to one database and clock (`kb.capture()`).

Kept beside `Kithbook` rather than in it: runs read mail from files and servers, which
must not be repeated when the database is busy, so only the pure database use cases
retry here.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from kithbook.config import Settings
from kithbook.domain.capture import (
    DEFAULT_MAX_RECIPIENTS,
    MessageHeaders,
    ReviewChoice,
    RuleKind,
    Stranger,
)
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.sources import Source, SourceKind
from kithbook.io.caldav_calendar import CalDavAccount, check_calendars, read_changes
from kithbook.io.caldav_calendar import check_url as check_caldav_url
from kithbook.io.ics import read_ics
from kithbook.io.ics_feed import check_url, fetch
from kithbook.io.imap import ImapAccount, ImapRun, Security, check_account
from kithbook.io.mail import open_mail
from kithbook.io.records import Warnings
from kithbook.services import capture, retry
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.secrets import secret_box
from kithbook.services.sync import SyncReport
from kithbook.services.sync_book import SyncBook

Counted = Callable[[int], None]


@dataclass(frozen=True)
class RunOutcome:
    """One source's run: its report, or the plain sentence saying why it failed."""

    source: Source
    report: capture.CaptureReport | capture.MeetingReport | SyncReport | None = None
    error: str | None = None


@retry.retried_when_busy
class CaptureBook:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                 settings: Settings) -> None:
        self._uow = uow_factory
        self.clock = clock
        self._settings = settings

    # mail accounts
    @retry.once
    def add_imap(self, actor: MemberId, *, host: str, username: str, password: str,
                 port: int | None = None, security: Security = Security.TLS,
                 folders: tuple[str, ...] = (), keep_subjects: bool = False,
                 label: str | None = None, check: bool = True,
                 scheduled: bool = False) -> Source:
        """Add an IMAP account after signing in to it once (so a wrong password or host
        is said now, and nothing is stored); the password is kept encrypted."""
        box = secret_box(self._settings)
        host = host.strip()
        if not host or not username.strip() or not password:
            raise InvalidInput("an IMAP source needs a host, a user name and a password.",
                               field="host")
        account = ImapAccount(host, username.strip(), password,
                              port=port or (993 if security is Security.TLS else 143),
                              security=security, folders=folders)
        if check:
            check_account(account)
        settings: dict[str, object] = {"host": account.host, "port": account.port,
                                       "username": account.username,
                                       "security": account.security.value,
                                       "folders": list(account.folders)}
        return self.add_source(actor, SourceKind.IMAP,
                               label or f"{account.username} on {account.host}",
                               settings=settings, secret=box.seal(password),
                               keep_subjects=keep_subjects, scheduled=scheduled)

    # subscribed calendars
    @retry.once
    def add_ics(self, actor: MemberId, url: str, *, label: str | None = None,
                keep_subjects: bool = False, check: bool = True,
                scheduled: bool = False) -> Source:
        """Subscribe to a calendar by its address; it is fetched once now to check it."""
        address = check_url(url)
        if check:
            body = fetch(address, {}).body
            list(read_ics(io.BytesIO(body or b""), until=self.clock.today(),
                          name=_file_name(address)))
        return self.add_source(actor, SourceKind.ICS, label or urlsplit(address).netloc,
                               settings={"url": address}, keep_subjects=keep_subjects,
                               scheduled=scheduled)

    # CalDAV calendars
    @retry.once
    def add_caldav(self, actor: MemberId, *, url: str, username: str, password: str,
                   calendars: tuple[str, ...] = (), keep_subjects: bool = False,
                   label: str | None = None, check: bool = True,
                   scheduled: bool = False) -> Source:
        """Add a CalDAV account (or one of its calendars) after signing in to it once; the
        password is kept encrypted."""
        box = secret_box(self._settings)
        address = check_caldav_url(url)
        if not username.strip() or not password:
            raise InvalidInput("a CalDAV source needs a user name and a password.",
                               field="username")
        account = CalDavAccount(address, username.strip(), password,
                                calendars=tuple(c.strip() for c in calendars if c.strip()))
        if check:
            check_calendars(account)
        settings: dict[str, object] = {"url": address, "username": account.username,
                                       "calendars": list(account.calendars)}
        return self.add_source(actor, SourceKind.CALDAV,
                               label or f"{account.username} on {account.where}",
                               settings=settings, secret=box.seal(password),
                               keep_subjects=keep_subjects, scheduled=scheduled)

    @retry.once
    def check_source(self, actor: MemberId, ref: str) -> list[str]:
        """Sign in to a stored account: the folders or calendars it would read, or a
        plain error."""
        source = self.source(actor, ref)
        if source.kind is SourceKind.CALDAV:
            return check_calendars(self._calendar_account(source))
        if source.kind is not SourceKind.IMAP:
            raise InvalidInput(f"{source.label} is a {source.kind.words}: nothing to connect "
                               "to.", field="source")
        return check_account(self._account(source))

    def _password(self, source: Source) -> str:
        if not source.secret:
            raise InvalidInput(f"{source.label} has no password stored; add it again.",
                               field="source")
        return secret_box(self._settings).open(source.secret)

    def _calendar_account(self, source: Source) -> CalDavAccount:
        s = source.settings
        return CalDavAccount(str(s["url"]), str(s["username"]), self._password(source),
                             calendars=tuple(str(c) for c in list(s.get("calendars") or [])))

    def _account(self, source: Source) -> ImapAccount:
        s = source.settings
        return ImapAccount(str(s["host"]), str(s["username"]), self._password(source),
                           port=int(str(s["port"])), security=Security(str(s["security"])),
                           folders=tuple(str(f) for f in list(s.get("folders") or [])))

    @retry.once
    def run_source(self, actor: MemberId, source: Source, *,
                   counted: Counted = lambda total: None,
                   progress: capture.Progress = lambda n: None
                   ) -> capture.CaptureReport | capture.MeetingReport | SyncReport:
        """Run one source now; a failure is recorded on the source in plain words and
        raised, and changes nothing already captured."""
        if source.kind is SourceKind.CARDDAV:  # the same workers keep address books in step
            return SyncBook(self._uow, self.clock, self._settings).run_source(actor, source)
        try:
            if source.kind is SourceKind.IMAP:
                with ImapRun(self._account(source), dict(source.state),
                             keep_subjects=source.keep_subjects) as reading:
                    counted(reading.total)
                    return self.capture_messages(
                        actor, source.id, reading.messages(),
                        max_recipients=int(str(source.settings.get(
                            "max_recipients", DEFAULT_MAX_RECIPIENTS))),
                        progress=progress, state=reading.state)
            if source.kind is SourceKind.MAIL_FILE:
                return self.capture_mail(actor, source.label,
                                         keep_subjects=source.keep_subjects,
                                         counted=counted, progress=progress)
            if source.kind is SourceKind.ICS:
                url = str(source.settings["url"])
                today = self.clock.today().isoformat()
                # Once a day the calendar is read whole even when unchanged: meetings that
                # were still ahead at the last read have taken place since.
                known = dict(source.state) if source.state.get("through") == today else {}
                fetched = fetch(url, known)
                documents = [] if fetched.body is None else [(_file_name(url), fetched.body)]
                return self._meetings(actor, source, documents, {**fetched.state,
                                                                 "through": today}, counted)
            if source.kind is SourceKind.CALDAV:
                changes = read_changes(self._calendar_account(source), dict(source.state),
                                       today=self.clock.today())
                documents = [(_file_name(url), body) for url, body in changes.documents]
                return self._meetings(actor, source, documents, changes.state, counted,
                                      one_by_one=True)
            raise InvalidInput(f"{source.kind.words} sources cannot run yet.", field="source")
        except KithbookError as exc:
            capture.record_failure(self._uow(), actor, source.id, exc.message, self.clock)
            raise

    def _meetings(self, actor: MemberId, source: Source, documents: list[tuple[str, bytes]],
                  state: dict[str, object], counted: Counted, *,
                  one_by_one: bool = False) -> capture.MeetingReport:
        """Meetings from calendar documents; `one_by_one` (a CalDAV calendar holds one
        event per document) skips an unreadable document with a warning instead of
        failing the run."""
        warnings, meetings, broken = Warnings(), [], []
        for name, body in documents:
            try:
                meetings += list(read_ics(io.BytesIO(body), until=self.clock.today(),
                                          warnings=warnings, name=name, say_outside=False))
            except InvalidInput as exc:
                if not one_by_one:
                    raise
                broken.append(f"{name}: {exc.message}")
        counted(len(meetings))
        report = capture.capture_meetings(self._uow(), actor, source.id, meetings,
                                          self.clock, state=state)
        report.warnings.extend(broken)
        report.warnings.extend(f"{w.where}: {w.message}" for w in warnings.shown)
        return report

    @retry.once
    def run(self, actor: MemberId, ref: str | None = None, *,
            counted: Callable[[Source, int], None] = lambda source, total: None,
            progress: capture.Progress = lambda n: None) -> list[RunOutcome]:
        """Run one source, or all of the member's; each failure is its own outcome."""
        sources = [self.source(actor, ref)] if ref else self.sources(actor)
        outcomes = []
        for source in sources:
            try:
                report = self.run_source(actor, source, counted=partial(counted, source),
                                         progress=progress)
                outcomes.append(RunOutcome(source, report))
            except KithbookError as exc:
                outcomes.append(RunOutcome(source, error=exc.message))
        return outcomes

    @retry.once
    def run_due(self, limit: int = 4) -> list[RunOutcome]:
        """Background work (community mode): claim the sources due now, across members,
        and run them; never called inside a request."""
        outcomes = []
        for source in capture.claim_due(self._uow(), self.clock, limit):
            try:
                outcomes.append(RunOutcome(source, self.run_source(source.owner, source)))
            except KithbookError as exc:
                outcomes.append(RunOutcome(source, error=exc.message))
        return outcomes

    # sources
    def add_source(self, actor: MemberId, kind: SourceKind, label: str, *,
                   settings: dict[str, object] | None = None, secret: str | None = None,
                   keep_subjects: bool = False, scheduled: bool = False) -> Source:
        return capture.add_source(self._uow(), actor, kind, label, self.clock,
                                  settings=settings, secret=secret,
                                  keep_subjects=keep_subjects, scheduled=scheduled)

    def file_source(self, actor: MemberId, label: str, *,
                    keep_subjects: bool = False) -> Source:
        return capture.file_source(self._uow(), actor, label, self.clock,
                                   keep_subjects=keep_subjects)

    def sources(self, actor: MemberId) -> list[Source]:
        return capture.list_sources(self._uow(), actor)

    def source(self, actor: MemberId, ref: str) -> Source:
        return capture.get_source(self._uow(), actor, ref)

    def schedule_now(self, actor: MemberId, ref: str) -> Source:
        return capture.schedule_now(self._uow(), actor, ref, self.clock)

    def remove_source(self, actor: MemberId, ref: str) -> capture.RemovedSource:
        return capture.remove_source(self._uow(), actor, ref)

    # runs
    @retry.once
    def capture_messages(self, actor: MemberId, source_id: str,
                         messages: Iterable[MessageHeaders], *,
                         max_recipients: int = DEFAULT_MAX_RECIPIENTS,
                         unreadable: Callable[[], int] = lambda: 0,
                         progress: capture.Progress = lambda n: None,
                         state: dict[str, object] | None = None) -> capture.CaptureReport:
        return capture.capture_messages(self._uow(), actor, source_id, messages, self.clock,
                                        max_recipients=max_recipients,
                                        unreadable=unreadable, progress=progress,
                                        state=state)

    @retry.once
    def capture_mail(self, actor: MemberId, path: str, *, keep_subjects: bool = False,
                     max_recipients: int = DEFAULT_MAX_RECIPIENTS,
                     counted: Callable[[int], None] = lambda total: None,
                     progress: capture.Progress = lambda n: None) -> capture.CaptureReport:
        """Capture an mbox, a Maildir or .eml files at `path` (its source made on first
        use, named by the path); `counted` is told how many messages there are."""
        mail = open_mail(path, keep_subjects=keep_subjects)
        source = self.file_source(actor, str(mail.path.resolve()),
                                  keep_subjects=keep_subjects)
        mail.keep_subjects = source.keep_subjects
        counted(mail.count())
        report = self.capture_messages(actor, source.id, mail.messages(),
                                       max_recipients=max_recipients,
                                       unreadable=lambda: mail.unreadable, progress=progress)
        report.warnings.extend(mail.warnings)
        return report

    # rules
    def rules(self, actor: MemberId) -> list[tuple[str, RuleKind]]:
        return capture.list_rules(self._uow(), actor)

    def set_rule(self, actor: MemberId, pattern: str, kind: RuleKind) -> str:
        return capture.set_rule(self._uow(), actor, pattern, kind)

    def remove_rule(self, actor: MemberId, pattern: str) -> None:
        capture.remove_rule(self._uow(), actor, pattern)

    # the review queue
    def review_queue(self, actor: MemberId) -> list[Stranger]:
        return capture.review_queue(self._uow(), actor)

    def decide(self, actor: MemberId, email: str, choice: ReviewChoice, *,
               name: str | None = None) -> capture.Decision:
        return capture.decide(self._uow(), actor, email, choice, self.clock, name=name)


def _file_name(url: str) -> str:
    """What a calendar's errors call it: the last part of its address."""
    return urlsplit(url).path.rsplit("/", 1)[-1] or "calendar.ics"
