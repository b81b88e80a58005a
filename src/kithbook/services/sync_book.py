"""`SyncBook` (`kb.sync()`): CardDAV sync's use cases bound to a database and clock.

An account is a capture source of kind `carddav`: its password sealed with the capture
key, its runs scheduled and retried by the same background workers, its last run and
error on the same Sources page. A run talks to the server, so it is never retried as a
whole when the database is busy; the conflicts' use cases are.
"""

from __future__ import annotations

from collections.abc import Callable

from kithbook.config import Settings
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.sources import Source, SourceKind
from kithbook.domain.sync import DEFAULT_MAX_DELETE_SHARE, StoredConflict, check_share
from kithbook.io import carddav
from kithbook.services import capture, retry, sync
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.secrets import secret_box


@retry.retried_when_busy
class SyncBook:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                 settings: Settings) -> None:
        self._uow = uow_factory
        self.clock = clock
        self._settings = settings

    @retry.once
    def address_books(self, url: str, username: str,
                      password: str) -> list[carddav.AddressBook]:
        """The address books this account can read (discovery from a base URL)."""
        return carddav.discover(carddav.CardDavAccount(carddav.check_url(url), username,
                                                       password))

    @retry.once
    def add_carddav(self, actor: MemberId, *, url: str, username: str, password: str,
                    book: str | None = None, tags: tuple[str, ...] = (),
                    max_delete_share: float = DEFAULT_MAX_DELETE_SHARE,
                    label: str | None = None, scheduled: bool = False) -> Source:
        """Add an account after finding its address books; `book` (a name or a URL)
        chooses one when there are several. The password is kept encrypted."""
        box = secret_box(self._settings)
        if not username.strip() or not password:
            raise InvalidInput("a CardDAV account needs a user name and a password.",
                               field="username")
        check_share(max_delete_share)
        books = self.address_books(url, username.strip(), password)
        chosen = _choose(books, book)
        settings: dict[str, object] = {
            "url": carddav.check_url(url), "username": username.strip(), "book": chosen.url,
            "book_name": chosen.name, "version": chosen.version,
            "tags": sorted({t.strip().lower() for t in tags if t.strip()}),
            "max_delete_share": max_delete_share}
        where = carddav.CardDavAccount(chosen.url, "", "").where
        return capture.add_source(self._uow(), actor, SourceKind.CARDDAV,
                                  label or f"{chosen.name} ({username.strip()} on {where})",
                                  self.clock, settings=settings, secret=box.seal(password),
                                  scheduled=scheduled)

    def sources(self, actor: MemberId) -> list[Source]:
        return [s for s in capture.list_sources(self._uow(), actor)
                if s.kind is SourceKind.CARDDAV]

    @retry.once
    def run_source(self, actor: MemberId, source: Source, *, allow_deletes: bool = False,
                   progress: sync.Progress = lambda done, total: None) -> sync.SyncReport:
        """One sync now; a failure (the safety stop included) is recorded on the source
        in plain words and raised, and nothing was changed on either side."""
        try:
            return sync.run(self._uow, actor, source, self._account(source), self.clock,
                            region=self._settings.phone_region, allow_deletes=allow_deletes,
                            progress=progress)
        except KithbookError as exc:
            capture.record_failure(self._uow(), actor, source.id, exc.message, self.clock)
            raise

    @retry.once
    def run(self, actor: MemberId, ref: str | None = None, *, allow_deletes: bool = False,
            progress: sync.Progress = lambda done, total: None
            ) -> list[tuple[Source, sync.SyncReport | None, str | None]]:
        """Sync one account or all the member's: (source, report, or the error) each."""
        sources = [capture.get_source(self._uow(), actor, ref)] if ref else self.sources(actor)
        outcomes: list[tuple[Source, sync.SyncReport | None, str | None]] = []
        for source in sources:
            if source.kind is not SourceKind.CARDDAV:
                raise InvalidInput(f"{source.label} is a {source.kind.words}, not an address "
                                   "book to sync.", field="source")
            try:
                outcomes.append((source, self.run_source(actor, source,
                                                         allow_deletes=allow_deletes,
                                                         progress=progress), None))
            except KithbookError as exc:
                outcomes.append((source, None, exc.message))
        return outcomes

    def allow_deletes_once(self, actor: MemberId, source_id: str) -> Source:
        return sync.allow_deletes_once(self._uow(), actor, source_id, self.clock)

    def schedule_now(self, actor: MemberId, source_id: str) -> Source:
        return capture.schedule_now(self._uow(), actor, source_id, self.clock)

    def conflicts(self, actor: MemberId) -> list[StoredConflict]:
        return sync.conflicts(self._uow(), actor)

    def resolve(self, actor: MemberId, conflict_id: str, keep: str) -> StoredConflict:
        return sync.resolve(self._uow(), actor, conflict_id, keep, self.clock)

    def _account(self, source: Source) -> carddav.CardDavAccount:
        if not source.secret:
            raise InvalidInput(f"{source.label} has no password stored; add it again.",
                               field="source")
        return carddav.CardDavAccount(str(source.settings["book"]),
                                      str(source.settings["username"]),
                                      secret_box(self._settings).open(source.secret))


def _choose(books: list[carddav.AddressBook], wanted: str | None) -> carddav.AddressBook:
    if wanted:
        found = [b for b in books if wanted.strip() in (b.name, b.url)
                 or b.url.rstrip("/").endswith("/" + wanted.strip().strip("/"))]
        if len(found) == 1:
            return found[0]
        raise InvalidInput(f"no single address book {wanted!r} here; the account has: "
                           + ", ".join(b.name for b in books) + ".", field="book")
    if len(books) == 1:
        return books[0]
    raise InvalidInput("this account has several address books (" + ", ".join(
        b.name for b in books) + "); choose one with --book.", field="book")
