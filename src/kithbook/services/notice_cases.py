"""`NoticeCases`, reached as `kb.notices`: telling members: notifications in the app, the
weekly digest, the mail the outbox sends, the calendar feed.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from kithbook.domain.ids import MemberId
from kithbook.domain.notifications import Notification
from kithbook.services import (
    accounts,
    feed,
    notifications,
    retry,
)
from kithbook.services.bound import Bound


@retry.retried_when_busy
class NoticeCases(Bound):
    # notifications: in the app, and by email through the outbox
    def notifications(self, actor: MemberId, limit: int = 50) -> list[Notification]:
        return notifications.notifications(self._uow(), actor, limit)

    def mark_notifications_read(self, actor: MemberId) -> None:
        notifications.mark_read(self._uow(), actor, self.clock)

    # settings: the member's digest, the community's own (admins)
    def weekly_digest_wanted(self, actor: MemberId) -> bool:
        return accounts.weekly_digest_wanted(self._uow(), actor)

    def set_weekly_digest(self, actor: MemberId, wanted: bool) -> None:
        accounts.set_weekly_digest(self._uow(), actor, wanted)

    def send_weekly_digests(self) -> int:
        """Enqueue this week's digests not yet sent (the background job calls this)."""
        return notifications.send_weekly_digests(self._uow(), self.clock,
                                                 self.strength_params)

    @retry.once
    def deliver_mail(self, limit: int = 50) -> int:
        """Send the emails that are due (the background sender calls this)."""
        if self.mailer is None:
            return 0
        return notifications.deliver_due(self._uow(), self.mailer, self.clock,
                                         self.settings.public_url, limit, self._lease(),
                                         self._holder)

    def feed_address(self, actor: MemberId) -> feed.FeedAddress | None:
        return feed.feed_address(self._uow(), actor)

    def renew_feed(self, actor: MemberId, alarm_minutes: int | None = None) -> feed.FeedAddress:
        """A new secret feed address (the first, or one that ends the old)."""
        return feed.renew_feed(self._uow(), actor, self.clock, alarm_minutes=alarm_minutes)

    def set_feed_alarm(self, actor: MemberId, alarm_minutes: int | None) -> None:
        feed.set_alarm(self._uow(), actor, alarm_minutes)

    def read_feed(self, token: str) -> feed.FeedBody:
        """The calendar at a feed address: no member signs in, the token names the book."""
        return feed.read_feed(self._uow(), token, self.clock, self.strength_params,
                              self._paths)
