"""Use cases of the book: contacts, their relationships, and the interactions between."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from kithbook.domain.contacts import Contact, ContactFields, Labeled, fold
from kithbook.domain.dates import check_started_on
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import ContactId, InteractionId, MemberId, new_id
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.knows import ContactLink
from kithbook.domain.photos import ContactPhoto
from kithbook.domain.ties import Tie, check_cadence, check_trust
from kithbook.graph.strength import StrengthParams
from kithbook.services import stored_strength, undo
from kithbook.services.ports import Clock, ContactQuery, Page, UnitOfWork
from kithbook.services.references import resolve_contact, resolve_contacts
from kithbook.values.normalize import normalize_emails, normalize_phones

TIMELINE_LIMIT = 500
UNSET = -1  # "leave as it is" for tie numbers, where None means "clear it"


@dataclass(frozen=True)
class TieFields:
    """Relationship settings given with a contact; UNSET leaves a value alone."""

    stated_trust: int | None = UNSET
    cadence_days: int | None = UNSET
    started_on: date | None = None


@dataclass(frozen=True)
class ContactView:
    contact: Contact
    tie: Tie
    timeline: list[Interaction]
    interaction_count: int
    names: dict[ContactId, str]  # everyone who appears on the timeline
    dates: list[ImportantDate] = field(default_factory=list)  # birthday, anniversary, …
    # Who this contact knows, as the member recorded it (the warm paths' links), by name.
    knows: list[tuple[Contact, ContactLink]] = field(default_factory=list)
    photo: bool = False  # a picture is kept (`contact_photo` reads it)


def add_contact(uow: UnitOfWork, actor: MemberId, fields: ContactFields, tie: TieFields,
                clock: Clock, *, region: str | None = "US") -> Contact:
    if fields.name is None:
        raise InvalidInput("a contact needs a name.", field="name")
    check_started_on(tie.started_on, clock.today())
    now = clock.now()
    contact = Contact(
        id=ContactId(new_id()), owner=actor, name=fields.name,
        emails=normalize_emails(fields.emails or []),
        phones=normalize_phones(fields.phones or [], region=region),
        links=fields.links or [], tags=fields.tags or [], organization=fields.organization,
        role=fields.role, location=fields.location, how_we_met=fields.how_we_met,
        notes=fields.notes, created_at=now, updated_at=now,
    )
    new_tie = Tie(owner=actor, contact=contact.id,
                  stated_trust=None if tie.stated_trust == UNSET else tie.stated_trust,
                  cadence_days=None if tie.cadence_days == UNSET else tie.cadence_days,
                  started_on=tie.started_on)
    with uow:
        uow.contacts.add(contact)
        uow.ties.add(new_tie)
        uow.commit()
    return contact


def edit_contact(uow: UnitOfWork, actor: MemberId, ref: str, fields: ContactFields,
                 tie: TieFields, clock: Clock, *, region: str | None = "US",
                 expected_version: int | None = None, exact: bool = False) -> Contact:
    """Change what is given and nothing else; `expected_version` guards against lost edits."""
    check_started_on(tie.started_on, clock.today())
    with uow:
        contact = resolve_contact(uow, actor, ref, exact=exact)
        version = contact.version if expected_version is None else expected_version
        changes = {key: value for key, value in vars(fields).items() if value is not None}
        if "emails" in changes:
            changes["emails"] = normalize_emails(changes["emails"])
        if "phones" in changes:
            # A phone an import kept as written stays as it is until the member changes it.
            changes["phones"] = normalize_phones(changes["phones"], region=region,
                                                 kept={p.value for p in contact.phones})
        updated = replace(contact, **changes, updated_at=clock.now())
        uow.contacts.update(updated, expected_version=version)
        _update_tie(uow, actor, contact.id, tie)
        uow.commit()
        return updated


def _update_tie(uow: UnitOfWork, actor: MemberId, contact_id: ContactId,
                fields: TieFields) -> None:
    if fields == TieFields():
        return
    tie = uow.ties.get(actor, contact_id)
    if tie is None:
        raise NotFound("this contact has no relationship record; re-add the contact.")
    if fields.stated_trust != UNSET:
        tie.stated_trust = check_trust(fields.stated_trust)
    if fields.cadence_days != UNSET:
        tie.cadence_days = check_cadence(fields.cadence_days)
    if fields.started_on is not None:
        tie.started_on = fields.started_on
    uow.ties.update(tie, expected_version=tie.version)


@dataclass(frozen=True)
class RemovedContact:
    contact: Contact
    orphans: int  # interactions that involved only them, removed with them
    undo_id: str  # what `undo` takes to put it all back


def delete_contact(uow: UnitOfWork, actor: MemberId, ref: str, clock: Clock, *,
                   exact: bool = False) -> RemovedContact:
    """Remove a contact, its relationship, and interactions that involved only them,
    kept for a while so that they can be put back."""
    with uow:
        contact = resolve_contact(uow, actor, ref, exact=exact)
        kept = uow.undo.capture_removal(actor, contact.id)
        uow.contacts.delete(actor, contact.id)
        orphans = uow.interactions.delete_orphans(actor)
        entry = undo.keep_for_undo(uow, actor, undo.CONTACT, f"the removal of {contact.name}",
                                   kept, {"contact": contact.id}, clock)
        uow.commit()
        return RemovedContact(contact, orphans, entry.id)


def log_interaction(uow: UnitOfWork, actor: MemberId, refs: list[str], kind: Kind,
                    direction: Direction, occurred_on: date, note: str | None,
                    clock: Clock, *, exact: bool = False) -> Interaction:
    _check_happened(occurred_on, clock)
    with uow:
        interaction = _log(uow, actor, InteractionId(new_id()), refs, kind, direction,
                           occurred_on, note, clock, exact=exact)
        uow.commit()
        return interaction


# How long a log's key is remembered: far longer than a phone stays offline and retries.
KEYS_KEPT = timedelta(days=30)
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class LoggedOnce:
    """What a log sent with a key did. `repeated`: the key had logged it before, so
    nothing new was stored; `interaction` is then that earlier log, or None when it was
    removed since."""

    interaction: Interaction | None
    repeated: bool


def log_interaction_once(uow: UnitOfWork, actor: MemberId, key: str, refs: list[str],
                         kind: Kind, direction: Direction, occurred_on: date,
                         note: str | None, clock: Clock, *,
                         exact: bool = False) -> LoggedOnce:
    """Log an interaction unless `key` logged one already: what a phone sends again
    when the answer to its first send was lost is stored once."""
    if not _KEY.fullmatch(key):
        raise InvalidInput("a log's key is 8 to 64 letters, digits, '-' or '_'.", field="key")
    _check_happened(occurred_on, clock)
    with uow:
        uow.interactions.forget_keys(clock.now() - KEYS_KEPT)
        new = InteractionId(new_id())
        earlier = uow.interactions.claim_key(actor, key, new, clock.now())
        if earlier is not None:
            found = uow.interactions.get(actor, earlier)
            uow.commit()
            return LoggedOnce(found, repeated=True)
        interaction = _log(uow, actor, new, refs, kind, direction, occurred_on, note, clock,
                           exact=exact)
        uow.commit()
        return LoggedOnce(interaction, repeated=False)


def _check_happened(occurred_on: date, clock: Clock) -> None:
    if occurred_on > clock.today():
        raise InvalidInput(f"{occurred_on.isoformat()} is in the future; log what has happened.",
                           field="date")


def _log(uow: UnitOfWork, actor: MemberId, interaction_id: InteractionId, refs: list[str],
         kind: Kind, direction: Direction, occurred_on: date, note: str | None,
         clock: Clock, *, exact: bool) -> Interaction:
    contact_ids = resolve_contacts(uow, actor, refs, exact=exact)
    interaction = Interaction(
        id=interaction_id, owner=actor, kind=kind, direction=direction,
        occurred_on=occurred_on, contact_ids=contact_ids, note=note, created_at=clock.now(),
    )
    uow.interactions.add(interaction)
    uow.ties.refresh_activity(contact_ids)
    return interaction


@dataclass(frozen=True)
class RemovedInteraction:
    interaction: Interaction
    undo_id: str  # what `undo` takes to put it back


def delete_interaction(uow: UnitOfWork, actor: MemberId, interaction_id: str,
                       clock: Clock) -> RemovedInteraction:
    """Remove an interaction, kept for a while so that it can be put back."""
    with uow:
        found = _interaction(uow, actor, interaction_id)
        kept = uow.undo.capture_interaction(actor, found.id)
        names = uow.contacts.names_of(actor, found.contact_ids)
        uow.interactions.delete(actor, found.id)
        uow.ties.refresh_activity(found.contact_ids)
        entry = undo.keep_for_undo(
            uow, actor, undo.INTERACTION, _describe(found, names), kept,
            {"contacts": list(found.contact_ids)}, clock)
        uow.commit()
        return RemovedInteraction(found, entry.id)


@dataclass(frozen=True)
class InteractionChange:
    """What to change in a logged interaction; None keeps a field, an empty note clears
    it, and `contacts` names everyone it involves (each as `log` takes them)."""

    kind: Kind | None = None
    direction: Direction | None = None
    occurred_on: date | None = None
    note: str | None = None
    contacts: list[str] | None = None


def edit_interaction(uow: UnitOfWork, actor: MemberId, interaction_id: str,
                     change: InteractionChange, clock: Clock, *,
                     expected_version: int | None = None, exact: bool = False) -> Interaction:
    if change.occurred_on is not None and change.occurred_on > clock.today():
        raise InvalidInput(f"{change.occurred_on.isoformat()} is in the future; log what has "
                           "happened.", field="date")
    with uow:
        found = _interaction(uow, actor, interaction_id)
        version = found.version if expected_version is None else expected_version
        people = found.contact_ids if change.contacts is None else \
            resolve_contacts(uow, actor, change.contacts, exact=exact)
        note = found.note if change.note is None else (change.note.strip() or None)
        edited = replace(found, kind=change.kind or found.kind,
                         direction=change.direction or found.direction,
                         occurred_on=change.occurred_on or found.occurred_on,
                         note=note, contact_ids=list(people), version=version + 1)
        uow.interactions.update(edited, expected_version=version)
        uow.ties.refresh_activity(sorted({*found.contact_ids, *edited.contact_ids}))
        uow.commit()
        return edited


def get_interaction(uow: UnitOfWork, actor: MemberId, interaction_id: str
                    ) -> tuple[Interaction, dict[ContactId, str]]:
    """One interaction of the book, with the names of the people it involves."""
    with uow.reading():
        found = _interaction(uow, actor, interaction_id)
        return found, uow.contacts.names_of(actor, found.contact_ids)


def _interaction(uow: UnitOfWork, actor: MemberId, interaction_id: str) -> Interaction:
    found = uow.interactions.get(actor, InteractionId(interaction_id.strip().lower()))
    if found is None:
        # The id is not repeated: a page about someone else's id reads as any other.
        raise NotFound("there is no such interaction in your book; it may have been "
                       "removed.", field="interaction")
    return found


def _describe(interaction: Interaction, names: dict[ContactId, str]) -> str:
    people = ", ".join(names.get(c, "someone") for c in interaction.contact_ids)
    return (f"the {interaction.kind.value.replace('_', ' ')} of "
            f"{interaction.occurred_on.isoformat()} with {people}")


def list_contacts(uow: UnitOfWork, actor: MemberId, query: ContactQuery, clock: Clock,
                  params: StrengthParams, *, wait_for_day: bool = True) -> Page:
    """A page of the book; each row carries the tie's strength and stage as of today
    (as of an earlier day when `wait_for_day` is False: see `Page.stale_strengths`)."""
    # Usually the stored strengths need nothing: then one read transaction answers.
    page = read_contacts(uow, actor, query, clock, wait_for_day=wait_for_day)
    if page is not None:
        return page
    stale = stored_strength.bring_up_to_date(uow, actor, clock.today(), params,
                                             wait_for_day=wait_for_day)
    with uow.reading():
        page = uow.contacts.query(actor, query)
    return replace(page, stale_strengths=True) if stale else page


def read_contacts(uow: UnitOfWork, actor: MemberId, query: ContactQuery, clock: Clock, *,
                  wait_for_day: bool = False) -> Page | None:
    """`list_contacts` when reading is all it takes, as it usually is; None when stored
    strengths must be computed and written first (ties just changed, a new book, a new
    day if `wait_for_day`), which can take from milliseconds to a minute."""
    if not 1 <= query.limit <= 1000:
        raise InvalidInput("show between 1 and 1,000 contacts at a time.", field="limit")
    if query.offset < 0:
        raise InvalidInput("the offset cannot be negative.", field="offset")
    with uow.reading():
        missing, stale = uow.depth.strengths_due(actor, clock.today(),
                                                 stored_strength.ONE_BY_ONE)
        if not stored_strength.nothing_to_do(missing, stale, wait_for_day=wait_for_day):
            return None
        page = uow.contacts.query(actor, query)
    return replace(page, stale_strengths=True) if stale else page


def show_contact(uow: UnitOfWork, actor: MemberId, ref: str) -> ContactView:
    """The contact a person names (id, id prefix or part of the name), with its timeline."""
    with uow.reading():
        return contact_view(uow, actor, resolve_contact(uow, actor, ref))


def get_contact(uow: UnitOfWork, actor: MemberId, contact_id: str) -> ContactView:
    """The contact with exactly this id in `actor`'s book (what the API uses)."""
    with uow.reading():
        return contact_view(uow, actor, resolve_contact(uow, actor, contact_id, exact=True))


def contact_view(uow: UnitOfWork, actor: MemberId, contact: Contact) -> ContactView:
    """Inside an open unit of work: what a contact's page shows of them."""
    tie = uow.ties.get(actor, contact.id) or Tie(owner=actor, contact=contact.id)
    timeline = uow.interactions.for_contact(actor, contact.id, TIMELINE_LIMIT)
    others = {cid for i in timeline for cid in i.contact_ids} - {contact.id}
    names = {contact.id: contact.name, **uow.contacts.names_of(actor, sorted(others))}
    knows = []
    for link in uow.contact_links.of_contact(actor, contact.id):
        other = uow.contacts.get(actor, link.b)
        if other is not None:
            knows.append((other, link))
    knows.sort(key=lambda pair: (fold(pair[0].name), pair[0].id))
    return ContactView(contact, tie, timeline, tie.interaction_count, names,
                       uow.dates.for_contact(contact.id), knows, uow.photos.has(contact.id))


def contact_photo(uow: UnitOfWork, actor: MemberId, contact_id: str) -> ContactPhoto:
    """The picture of the contact with exactly this id in `actor`'s book."""
    with uow.reading():
        contact = resolve_contact(uow, actor, contact_id, exact=True)
        photo = uow.photos.get(contact.id)
    if photo is None:
        raise NotFound(f"{contact.name} has no photo.", field="photo")
    return photo


def labeled(values: list[str] | None) -> list[Labeled] | None:
    """`work:ada@example.org` → Labeled("ada@example.org", "work"); plain values unlabeled."""
    if values is None:
        return None
    out = []
    for value in values:
        label, sep, rest = value.partition(":")
        if sep and label.isalpha() and len(label) <= 12 and "@" not in label and rest \
                and not rest.startswith("//"):
            out.append(Labeled(rest.strip(), label.lower()))
        else:
            out.append(Labeled(value.strip()))
    return out
