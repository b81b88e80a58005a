"""Use cases of two-way CardDAV sync: one run, and the conflicts it leaves for the member.

A run reads what changed on the server (`sync-collection` from the last token, else every
card's ETag), reads the book, and plans every change on both sides before making any:
so the safety stop (a run that would delete more than a share of the book) stops it with
nothing changed anywhere. Then it writes to the server, each card guarded by its ETag (a
card the phone changed meanwhile is left for the next run, never overwritten), and
writes the book and every card's new link in one transaction.

Each card is linked to one contact by its href and UID. A card not linked yet is linked
to the contact it was written from (its UID names it), else to the one contact that
shares an email or a phone with it; only a card matching nobody becomes a new contact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from kithbook.domain.contacts import Contact
from kithbook.domain.errors import InvalidInput, KithbookError, NotFound
from kithbook.domain.ids import ContactId, MemberId, new_id
from kithbook.domain.important_dates import ImportantDate, check_dates
from kithbook.domain.photos import ContactPhoto, checked_photo
from kithbook.domain.sources import Source
from kithbook.domain.sync import (
    DEFAULT_MAX_DELETE_SHARE,
    Merged,
    Snapshot,
    StoredConflict,
    SyncCard,
    contact_snapshot,
    important_dates,
    labeled,
    merge,
    photo_key,
    snapshot,
    too_many_deletes,
)
from kithbook.domain.ties import Tie
from kithbook.io import carddav
from kithbook.io.carddav_cards import card_uid, read_card, write_card
from kithbook.services.ports import BulkBook, Clock, UnitOfWork

Progress = Callable[[int, int], None]
UID_PREFIX = "urn:kithbook:"
RUN_EVERY = timedelta(minutes=15)


class SyncStopped(KithbookError):
    """The safety stop: the run would delete more than it may; nothing was changed."""


@dataclass
class SyncReport:
    source: str
    added_here: int = 0  # contacts made from new cards
    changed_here: int = 0
    deleted_here: int = 0
    added_there: int = 0  # cards made from contacts
    changed_there: int = 0
    deleted_there: int = 0
    linked: int = 0  # cards linked to a contact the book already held
    conflicts: int = 0
    transferred: int = 0  # cards read from or written to the server
    warnings: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return self.added_here + self.changed_here

    def lines(self) -> list[str]:
        out = [f"{self.source}: {self.transferred} cards moved.",
               f"In your book: {self.added_here} added, {self.changed_here} changed, "
               f"{self.deleted_here} deleted, {self.linked} linked to cards.",
               f"On the server: {self.added_there} added, {self.changed_there} changed, "
               f"{self.deleted_there} deleted."]
        if self.conflicts:
            out.append(f"{self.conflicts} fields changed on both sides: see `kithbook sync "
                       "conflicts`.")
        return out


@dataclass
class _Book:
    """What a run read of the book, and what it will write there."""

    contacts: dict[ContactId, Contact]
    dates: dict[ContactId, list[ImportantDate]]
    photos: dict[ContactId, ContactPhoto] = field(default_factory=dict)
    remote_photos: dict[str, ContactPhoto] = field(default_factory=dict)  # by photo_key
    photo_changes: dict[ContactId, ContactPhoto | None] = field(default_factory=dict)
    new: list[tuple[Contact, list[ImportantDate]]] = field(default_factory=list)
    changed: dict[ContactId, tuple[Contact, list[ImportantDate]]] = field(default_factory=dict)
    deleted: set[ContactId] = field(default_factory=set)
    links: dict[str, SyncCard] = field(default_factory=dict)  # href -> the link after the run
    before: dict[str, SyncCard] = field(default_factory=dict)  # … and as the run found it
    unlinked: set[str] = field(default_factory=set)
    conflicts: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    _index: dict[str, set[ContactId]] | None = None
    _linked: set[str | None] | None = None

    def link(self, card: SyncCard) -> None:
        self.links[card.href] = card
        if self._linked is not None:
            self._linked.add(card.contact)

    def linked(self) -> set[str | None]:
        """The contacts some card is linked to (kept up to date through `link`)."""
        if self._linked is None:
            self._linked = {link.contact for link in self.links.values()}
        return self._linked

    def index(self) -> dict[str, set[ContactId]]:
        """Contacts by lower-cased email and by phone, made once per run."""
        if self._index is None:
            self._index = {}
            for c in self.contacts.values():
                for key in [e.value.lower() for e in c.emails] + [p.value for p in c.phones]:
                    self._index.setdefault(key, set()).add(c.id)
        return self._index

    def snapshot(self, contact: ContactId) -> Snapshot:
        photo = self.photos.get(contact)
        return contact_snapshot(self.contacts[contact], self.dates.get(contact, []),
                                photo_key(photo.data if photo else None))

    def photo(self, contact: ContactId, key: str | None) -> ContactPhoto | None:
        """The picture with this key: the contact's own, or one a card brought."""
        own = self.photos.get(contact)
        if own is not None and photo_key(own.data) == key:
            return own
        return self.remote_photos.get(key or "")

    def set_photo(self, contact: ContactId, key: str | None) -> None:
        photo = self.photo(contact, key)
        if photo is None:
            self.photos.pop(contact, None)
        else:
            self.photos[contact] = photo
        self.photo_changes[contact] = photo


@dataclass
class _Push:
    href: str
    text: str
    etag: str | None  # None: a new card
    link: SyncCard


def run(uow: Callable[[], UnitOfWork], actor: MemberId, source: Source,
        account: carddav.CardDavAccount, clock: Clock, *, region: str | None,
        allow_deletes: bool = False, progress: Progress = lambda done, total: None
        ) -> SyncReport:
    settings = source.settings
    allow_deletes = allow_deletes or bool(source.state.get("allow_deletes"))
    book_url = str(settings["book"])
    version = str(settings.get("version") or "3.0")
    scope = {str(t) for t in settings.get("tags") or []}
    share = float(settings.get("max_delete_share", DEFAULT_MAX_DELETE_SHARE))
    report = SyncReport(source.label)
    found = carddav.changes(account, book_url, source.state.get("token"))
    with uow().reading() as reading:
        links = {card.href: card for card in reading.sync.cards(source.id)}
        book = _Book({c.id: c for c in reading.contacts.all(actor)},
                     reading.dates.for_owner(actor), reading.photos.for_owner(actor))
        held = {(c.contact, c.field) for c in reading.sync.conflicts(actor)
                if c.source == source.id}
    remote_gone = ({h for h in links if h not in found.changed} if found.whole
                   else {h for h in found.deleted if h in links})
    wanted = [h for h, etag in found.changed.items()
              if h not in links or links[h].etag != etag or not etag]
    cards = carddav.fetch(account, book_url, wanted)
    report.transferred += len(cards)
    book.links, book.before = dict(links), links
    pushes: list[_Push] = []
    removals: list[SyncCard] = []
    for done, (href, (etag, text)) in enumerate(sorted(cards.items()), 1):
        _pull(book, source, href, etag, text, held, version, pushes, report, region)
        progress(done, len(cards))
    for href in sorted(remote_gone):
        _gone_there(book, href, pushes, version, book_url, report)
    for href, link in sorted(links.items()):
        if href in cards or href in remote_gone:
            continue
        if link.contact is None or link.contact not in book.contacts:
            removals.append(link)
        else:
            _pushed_if_changed(book, link, held, version, pushes)
    _new_here(book, scope, book_url, version, pushes)
    deletes = len(book.deleted) + len(removals)
    if too_many_deletes(deletes, max(len(book.contacts), len(links)), share) and \
            not allow_deletes:
        raise SyncStopped(f"this sync would delete {deletes} contacts or cards of "
                          f"{max(len(book.contacts), len(links))} (more than "
                          f"{share:.0%}); nothing was changed. If that is what you meant, "
                          "run it again allowing deletes (`kithbook sync run "
                          "--allow-deletes`).")
    _write_there(account, book_url, book, pushes, removals, report)
    token = _next_token(account, book_url, found, book) if pushes or removals else found.token
    _write_here(uow(), actor, source, book, report, clock, token)
    return report


def _pull(book: _Book, source: Source, href: str, etag: str, text: str,
          held: set[tuple[str, str]], version: str, pushes: list[_Push],
          report: SyncReport, region: str | None) -> None:
    """A card that is new or changed on the server, merged into the book."""
    try:
        record = read_card(text, where=href.rsplit("/", 1)[-1], region=region)
        picture = checked_photo(record.photo.data) if record.photo else None
        theirs = snapshot(record.fields.name, record.fields.emails or [],
                          record.fields.phones or [], record.fields.organization,
                          record.fields.role, record.fields.notes, record.fields.tags or [],
                          check_dates(list(record.dates)),
                          photo_key(picture.data if picture else None))
    except InvalidInput as exc:
        report.warnings.append(exc.message + " It was left as it is on both sides.")
        return
    if picture is not None:
        book.remote_photos[str(theirs["photo"])] = picture
    uid = card_uid(text) or href
    link = book.links.get(href)
    contact = link.contact if link and link.contact in book.contacts else None
    if contact is None:
        contact = _match(book, uid, theirs)
        if contact is not None:
            report.linked += 1
    if contact is None:
        made = _updated(None, theirs, owner=source.owner)
        if made is None:
            report.warnings.append(f"the card {href.rsplit('/', 1)[-1]} holds values a "
                                   "contact cannot; it was left as it is on both sides.")
            return
        book.contacts[made.id] = made
        book.dates[made.id] = important_dates(theirs["dates"])
        book.new.append((made, book.dates[made.id]))
        if picture is not None:
            book.set_photo(made.id, theirs["photo"])
        book.link(SyncCard(href, made.id, uid, etag, theirs, text))
        report.added_here += 1
        return
    ours = book.snapshot(ContactId(contact))
    merged = merge(link.base if link and link.contact == contact else None, ours, theirs,
                   frozenset(f for c, f in held if c == contact))
    new_link = SyncCard(href, contact, uid, etag, merged.base, text)
    book.link(new_link)
    _apply_here(book, ContactId(contact), ours, merged, report)
    for conflict in merged.conflicts:
        book.conflicts.append((contact, conflict.field, conflict.ours, conflict.theirs))
    if merged.theirs != theirs:
        pushes.append(_Push(href, _card(book, ContactId(contact), merged.theirs, uid, version,
                                        text), etag, new_link))


def _apply_here(book: _Book, contact: ContactId, ours: Snapshot, merged: Merged,
                report: SyncReport) -> None:
    if merged.ours == ours:
        return
    updated = _updated(book.contacts[contact], merged.ours)
    if updated is None:
        return
    book.contacts[contact] = updated
    book.dates[contact] = important_dates(merged.ours["dates"])
    book.changed[contact] = (updated, book.dates[contact])
    if merged.ours.get("photo") != ours.get("photo"):
        book.set_photo(contact, merged.ours.get("photo"))
    report.changed_here += 1


def _match(book: _Book, uid: str, theirs: Snapshot) -> str | None:
    """The contact a card not yet linked stands for: the one it was written from, else
    the only one sharing an email or phone with it (and not linked to another card)."""
    linked = book.linked()
    if uid.startswith(UID_PREFIX):
        written_from = ContactId(uid.removeprefix(UID_PREFIX))
        if written_from in book.contacts and written_from not in linked:
            return written_from
    keys = {e[0].lower() for e in theirs["emails"]} | {p[0] for p in theirs["phones"]}
    index = book.index()
    found = {c for key in keys for c in index.get(key, ()) if c not in linked}
    return found.pop() if len(found) == 1 else None


def _gone_there(book: _Book, href: str, pushes: list[_Push], version: str, book_url: str,
                report: SyncReport) -> None:
    """A card deleted on the server: its contact goes too, unless the book changed it
    since (then the card is made again: an edit wins over a delete)."""
    link = book.links.pop(href)
    book.unlinked.add(href)
    contact = ContactId(link.contact) if link.contact else None
    if contact is None or contact not in book.contacts:
        return
    if book.snapshot(contact) == link.base:
        book.deleted.add(contact)
        return
    _push_new(book, contact, book_url, version, pushes)


def _pushed_if_changed(book: _Book, link: SyncCard, held: set[tuple[str, str]],
                       version: str, pushes: list[_Push]) -> None:
    contact = ContactId(link.contact or "")
    ours = book.snapshot(contact)
    if ours == link.base:
        return
    merged = merge(link.base, ours, link.base, frozenset(f for c, f in held if c == contact))
    new_link = replace(link, base=merged.base)
    book.links[link.href] = new_link
    if merged.theirs != link.base:
        pushes.append(_Push(link.href, _card(book, contact, merged.theirs, link.uid, version,
                                             link.card), link.etag, new_link))


def _new_here(book: _Book, scope: set[str], book_url: str, version: str,
              pushes: list[_Push]) -> None:
    """Contacts in scope with no card yet get one."""
    linked = set(book.linked())
    for contact in sorted(book.contacts):
        if contact in linked or contact in book.deleted:
            continue
        if scope and not scope & set(book.contacts[contact].tags):
            continue
        _push_new(book, contact, book_url, version, pushes)


def _push_new(book: _Book, contact: ContactId, book_url: str, version: str,
              pushes: list[_Push]) -> None:
    uid = f"{UID_PREFIX}{contact}"
    href = urlsplit(urljoin(book_url, f"kithbook-{contact}-{new_id()[:6]}.vcf")).path
    link = SyncCard(href, contact, uid, None, book.snapshot(contact), "")
    book.link(link)
    pushes.append(_Push(href, _card(book, contact, book.snapshot(contact), uid, version,
                                    None), None, link))


def _card(book: _Book, contact: ContactId, values: Snapshot, uid: str, version: str,
          original: str | None) -> str:
    """The card holding `values` (the server's side of a merge: a field in conflict
    keeps the server's value there)."""
    shown = _updated(book.contacts[contact], values) or book.contacts[contact]
    key = values.get("photo")
    photo = book.photo(contact, key)
    # A picture the run does not hold (the card's own, unchanged) stays as the card has it.
    return write_card(shown, important_dates(values["dates"]), uid=uid, version=version,
                      original=original, photo=photo,
                      keep_original_photo=key is not None and photo is None)


def _write_there(account: carddav.CardDavAccount, book_url: str, book: _Book,
                 pushes: list[_Push], removals: list[SyncCard], report: SyncReport) -> None:
    """Cards to the server, each only over the version it was read as. One the phone
    changed meanwhile keeps the link it had: the next run reads and merges it."""
    for push in pushes:
        try:
            etag = carddav.put(account, _url(book_url, push.href), push.text,
                               etag=push.etag)
        except carddav.Changed:
            # As the run found it, but to be read again: the next run merges both sides
            # against the last base, so the book's change is neither lost nor forced.
            before = book.before.get(push.href)
            if before is None:
                book.links.pop(push.href, None)
            else:
                book.links[push.href] = replace(before, etag="")
            report.warnings.append(f"{push.href.rsplit('/', 1)[-1]} changed on the server "
                                   "during the sync; it is merged at the next run.")
            continue
        report.transferred += 1
        book.links[push.href] = replace(book.links.get(push.href, push.link), etag=etag,
                                        card=push.text)
        if push.etag is None:
            report.added_there += 1
        else:
            report.changed_there += 1
    for link in removals:
        book.links.pop(link.href, None)
        book.unlinked.add(link.href)
        if carddav.delete(account, _url(book_url, link.href), link.etag):
            report.transferred += 1
            report.deleted_there += 1


def _url(book_url: str, href: str) -> str:
    """An href as the server wrote it (already %-escaped), or one of ours (plain ASCII)."""
    return urljoin(book_url, quote(href, safe="/%:@!$&'()*+,;=-._~"))


def _next_token(account: carddav.CardDavAccount, book_url: str, found: carddav.Changes,
                book: _Book) -> str | None:
    """The token to resume from: past this run's own writes, but never past a change
    someone else made meanwhile (that one is read at the next run)."""
    if found.token is None:
        return None
    after = carddav.changes(account, book_url, found.token)
    ours = {h: link.etag for h, link in book.links.items()}
    if after.token and all(ours.get(h) == e and e for h, e in after.changed.items()) and \
            not (after.deleted - book.unlinked):
        return after.token
    return found.token


def _write_here(uow: UnitOfWork, actor: MemberId, source: Source, book: _Book,
                report: SyncReport, clock: Clock, token: str | None) -> None:
    now = clock.now()
    with uow:
        new = {c.id for c, _ in book.new}
        if book.new:
            uow.bulk.write(actor, BulkBook([replace(c, created_at=now, updated_at=now)
                                            for c, _ in book.new],
                                           [Tie(owner=actor, contact=c.id) for c, _ in book.new],
                                           dates={c.id: d for c, d in book.new if d},
                                           photos={c: p for c, p in book.photo_changes.items()
                                                   if c in new and p is not None}))
        for contact_id, photo in book.photo_changes.items():
            if contact_id not in new and contact_id not in book.deleted:
                uow.photos.put(contact_id, photo)
        for contact, dates in book.changed.values():
            stored = uow.contacts.get(actor, contact.id)
            if stored is None:
                continue
            uow.contacts.update(replace(contact, updated_at=now), expected_version=stored.version)
            uow.dates.put(contact.id, dates)
        for contact_id in sorted(book.deleted):
            uow.contacts.delete(actor, contact_id)
            report.deleted_here += 1
        if book.deleted:
            uow.interactions.delete_orphans(actor)
        uow.sync.remove_cards(source.id, sorted(book.unlinked - set(book.links)))
        uow.sync.put_cards(source.id, [link for href, link in book.links.items()
                                       if book.before.get(href) != link])
        for who, name, ours, theirs in book.conflicts:
            uow.sync.put_conflict(source.id, who, name, ours, theirs, now)
        report.conflicts = len(book.conflicts)
        source.last_run_at, source.last_error, source.attempts = now, None, 0
        source.last_added = report.added
        source.state = {**{k: v for k, v in source.state.items() if k != "allow_deletes"},
                        "token": token}
        if source.next_run_at is not None:
            source.next_run_at = now + RUN_EVERY
        uow.capture.save_run(source)
        uow.commit()


def _updated(contact: Contact | None, values: Snapshot, *,
             owner: MemberId | None = None) -> Contact | None:
    fields = {"name": values["name"], "emails": labeled(values["emails"]),
              "phones": labeled(values["phones"]), "organization": values["organization"],
              "role": values["role"], "notes": values["notes"], "tags": list(values["tags"])}
    try:
        if contact is None:
            assert owner is not None
            return Contact(id=ContactId(new_id()), owner=owner, **fields)
        return replace(contact, **fields)
    except InvalidInput:
        return None


def allow_deletes_once(uow: UnitOfWork, actor: MemberId, source_id: str,
                       clock: Clock) -> Source:
    """The member read the safety stop and agrees: the next run (queued now for the
    background workers) may delete past it, once."""
    with uow:
        source = uow.capture.source(actor, source_id)
        if source is None:
            raise NotFound(f"no source {source_id!r}; `kithbook sync list` lists yours.",
                           field="source")
        source.state = {**source.state, "allow_deletes": True}
        source.next_run_at = clock.now()
        uow.capture.save_run(source)
        uow.commit()
    return source


# ---- conflicts -----------------------------------------------------------------------

def conflicts(uow: UnitOfWork, actor: MemberId) -> list[StoredConflict]:
    with uow.reading():
        return uow.sync.conflicts(actor)


def resolve(uow: UnitOfWork, actor: MemberId, conflict_id: str, keep: str,
            clock: Clock) -> StoredConflict:
    """Keep "ours" (the book's value, written to the server at the next run) or "theirs"
    (the server's, written into the book now)."""
    with uow:
        found = next((c for c in uow.sync.conflicts(actor) if c.id == conflict_id), None)
        if found is None:  # checked first: another member's conflict reads as none
            raise NotFound(f"no conflict {conflict_id!r}; `kithbook sync conflicts` lists "
                           "yours.")
        if keep not in ("ours", "theirs"):
            raise InvalidInput("choose which value to keep: ours (the book's) or theirs "
                               "(the server's).", field="keep")
        contact = uow.contacts.get(actor, ContactId(found.contact))
        links = [c for c in uow.sync.cards(found.source) if c.contact == found.contact]
        if contact is not None and links:
            _settle(uow, actor, contact, links[0], found, keep, clock)
            uow.sync.put_cards(found.source, [links[0]])
        uow.sync.remove_conflict(found.id)
        uow.commit()
    return found


def _settle(uow: UnitOfWork, actor: MemberId, contact: Contact, link: SyncCard,
            found: StoredConflict, keep: str, clock: Clock) -> None:
    """The base becomes the value not kept, so the next run sees the kept one as the
    only change and carries it across."""
    dates = uow.dates.for_contact(contact.id)
    ours = contact_snapshot(contact, dates)
    if found.field == "photo":
        if keep == "theirs":  # the card is read again: the book's side now looks unchanged
            held = uow.photos.get(contact.id)
            link.base["photo"] = photo_key(held.data if held else None)
            link.etag = ""
        else:
            link.base["photo"] = found.theirs
        return
    if keep == "theirs":
        ours[found.field] = found.theirs
        updated = _updated(contact, ours)
        if updated is None:
            raise InvalidInput("the server's value cannot be kept in the book; keep ours.",
                               field="keep")
        uow.contacts.update(replace(updated, updated_at=clock.now()),
                            expected_version=contact.version)
        uow.dates.put(contact.id, important_dates(ours["dates"]))
        link.base[found.field] = found.theirs
    else:
        link.base[found.field] = found.theirs
        ours_value: Any = ours[found.field]
        if ours_value == found.theirs:
            link.base[found.field] = ours_value
