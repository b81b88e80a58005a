"""`CaptureBook`: the capture use cases bound to one database and clock (`kb.capture()`).

Kept beside `Kithbook` rather than in it: runs read mail from files and servers, which
must not be repeated when the database is busy, so only the pure database use cases
retry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kithbook.domain.capture import (
    DEFAULT_MAX_RECIPIENTS,
    MessageHeaders,
    ReviewChoice,
    RuleKind,
    Stranger,
)
from kithbook.domain.ids import MemberId
from kithbook.domain.sources import Source, SourceKind
from kithbook.io.mail import open_mail
from kithbook.services import capture, retry
from kithbook.services.ports import Clock, UnitOfWork


@retry.retried_when_busy(skip=("capture_messages", "capture_mail"))
class CaptureBook:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = uow_factory
        self.clock = clock

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

    def remove_source(self, actor: MemberId, ref: str) -> capture.RemovedSource:
        return capture.remove_source(self._uow(), actor, ref)

    # runs
    def capture_messages(self, actor: MemberId, source_id: str,
                         messages: Iterable[MessageHeaders], *,
                         max_recipients: int = DEFAULT_MAX_RECIPIENTS,
                         unreadable: Callable[[], int] = lambda: 0,
                         progress: capture.Progress = lambda n: None
                         ) -> capture.CaptureReport:
        return capture.capture_messages(self._uow(), actor, source_id, messages, self.clock,
                                        max_recipients=max_recipients,
                                        unreadable=unreadable, progress=progress)

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
