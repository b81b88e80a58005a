"""What services need from the outside world, as protocols.

`storage` implements the repositories and the unit of work; tests may substitute a
fixed clock. Services never import SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

import numpy as np
import numpy.typing as npt

from kithbook.domain.accounts import ApiToken, Invitation, PasswordReset, SessionInfo, Throttle
from kithbook.domain.community import CommunitySettings
from kithbook.domain.consent import Choice, ConsentLink, LinkPurpose
from kithbook.domain.contacts import Contact
from kithbook.domain.health import LoggedSummary, TieTallies
from kithbook.domain.ids import ContactId, InteractionId, IntroId, MemberId
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.introductions import Introduction
from kithbook.domain.knows import ContactLink
from kithbook.domain.links import MemberLink
from kithbook.domain.members import Member
from kithbook.domain.notifications import Notification, OutgoingMail
from kithbook.domain.photos import ContactPhoto
from kithbook.domain.tie_summary import Screen, TieFacts
from kithbook.domain.ties import SharingPolicy, Stage, Tie
from kithbook.services.capture_ports import CaptureRepository
from kithbook.services.feed_ports import FeedRepository
from kithbook.services.sync_ports import SyncRepository
from kithbook.services.undo_ports import UndoRepository


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now().date()


class Sort(StrEnum):
    NAME = "name"
    RECENT = "recent"  # most recently in touch first
    ADDED = "added"
    STRENGTH = "strength"  # strongest tie first


@dataclass(frozen=True)
class ContactQuery:
    """A filter over one member's book; every given part must match."""

    text: str | None = None  # name, organization, role, tag or words in notes
    organization: str | None = None
    role: str | None = None
    tag: str | None = None
    location: str | None = None
    stage: Stage | None = None
    sort: Sort = Sort.NAME
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ContactSummary:
    contact: Contact
    last_interaction: date | None
    interaction_count: int
    strength: float | None = None  # as of today, from the stored summary of the tie
    stage: Stage | None = None


@dataclass(frozen=True)
class Page:
    items: list[ContactSummary]
    total: int
    limit: int
    offset: int
    # The strengths shown were computed on an earlier day; `refresh_strengths` renews them.
    stale_strengths: bool = False


@dataclass(frozen=True)
class BulkBook:
    """A whole book to write at once (demo data, benchmarks)."""

    contacts: Sequence[Contact]
    ties: Sequence[Tie]
    interactions: Sequence[Interaction] = field(default_factory=list)
    dates: Mapping[ContactId, Sequence[ImportantDate]] = field(default_factory=dict)
    knows: Sequence[ContactLink] = field(default_factory=list)  # who knows whom among them
    photos: Mapping[ContactId, ContactPhoto] = field(default_factory=dict)


class PhotoRepository(Protocol):
    """A contact's photo; callers have checked the contact is the actor's."""

    def get(self, contact: ContactId) -> ContactPhoto | None: ...

    def has(self, contact: ContactId) -> bool: ...

    def among(self, contacts: Sequence[ContactId]) -> set[ContactId]: ...

    def for_owner(self, owner: MemberId) -> dict[ContactId, ContactPhoto]: ...

    def put(self, contact: ContactId, photo: ContactPhoto | None) -> None: ...


class ImportantDateRepository(Protocol):
    """A contact's important dates; callers have checked the contact is the actor's."""

    def for_contact(self, contact: ContactId) -> list[ImportantDate]: ...

    def for_owner(self, owner: MemberId) -> dict[ContactId, list[ImportantDate]]: ...

    def put(self, contact: ContactId, dates: Sequence[ImportantDate]) -> None: ...


class MemberRepository(Protocol):
    def add(self, member: Member) -> None: ...

    def get(self, member_id: MemberId) -> Member | None: ...

    def only(self) -> Member | None:
        """The single member of a local book, or None before `init`."""
        ...

    def count(self) -> int: ...

    def set_default_policy(self, member_id: MemberId, policy: SharingPolicy) -> None: ...

    def set_profile(self, member_id: MemberId, name: str, organization: str | None,
                    title: str | None) -> None: ...

    def delete(self, member_id: MemberId) -> None:
        """Remove the account with its contacts, ties and interactions."""
        ...


class ContactRepository(Protocol):
    def add(self, contact: Contact) -> None: ...

    def update(self, contact: Contact, *, expected_version: int) -> None: ...

    def delete(self, owner: MemberId, contact_id: ContactId) -> None: ...

    def forget_removed_text(self) -> None:
        """Drop what a search index still keeps of removed contacts (for erasure)."""
        ...

    def get(self, owner: MemberId, contact_id: ContactId) -> Contact | None: ...

    def with_id_prefix(self, owner: MemberId, prefix: str, limit: int) -> list[Contact]: ...

    def with_name_part(self, owner: MemberId, part: str, limit: int) -> list[Contact]: ...

    def names(self, owner: MemberId) -> list[tuple[ContactId, str]]: ...

    def names_of(self, owner: MemberId, ids: Sequence[ContactId]) -> dict[ContactId, str]:
        """The names of those of `ids` that are in `owner`'s book, in one query."""
        ...

    def query(self, owner: MemberId, query: ContactQuery) -> Page: ...

    def count(self, owner: MemberId) -> int: ...

    def with_email(self, owner: MemberId, address: str) -> list[Contact]: ...

    def with_phone(self, owner: MemberId, number: str) -> list[Contact]: ...

    def all(self, owner: MemberId) -> list[Contact]: ...

    def stamps(self, owner: MemberId) -> dict[ContactId, tuple[int, str]]: ...

    def many(self, owner: MemberId, ids: Sequence[ContactId]) -> list[Contact]: ...

    def taken_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids are already used by a contact of any member."""
        ...

    def linked_to(self, owner: MemberId, member: MemberId) -> Contact | None:
        """The contact in `owner`'s book that stands for the member `member`, if any."""
        ...

    def linked_member(self, owner: MemberId, contact_id: ContactId) -> MemberId | None:
        """The member that `owner`'s contact stands for (a link both confirmed), if any."""
        ...

    def link_member(self, owner: MemberId, contact_id: ContactId,
                    member: MemberId | None) -> None: ...


class TieRepository(Protocol):
    def add(self, tie: Tie) -> None: ...

    def cadence_gaps(self, owner: MemberId, limit: int
                     ) -> tuple[int, list[tuple[ContactId, str, float]]]:
        """How many ties have a cadence (their own or a tag's), and the strongest ties
        without one: (contact, name, strength)."""
        ...

    def get(self, owner: MemberId, contact_id: ContactId) -> Tie | None: ...

    def update(self, tie: Tie, *, expected_version: int) -> None: ...

    def all(self, owner: MemberId) -> list[Tie]: ...

    def refresh_activity(self, contact_ids: Iterable[ContactId]) -> None:
        """Recompute last contact and interaction count of these ties."""
        ...


class InteractionRepository(Protocol):
    def add(self, interaction: Interaction) -> None: ...

    def claim_key(self, owner: MemberId, key: str, interaction_id: InteractionId,
                  at: datetime) -> InteractionId | None:
        """Record that `key` logs `interaction_id`; None when the key is new, else the
        interaction the key logged before (which may have been removed since)."""
        ...

    def forget_keys(self, before: datetime) -> int:
        """Forget keys recorded before `before`; returns how many."""
        ...

    def get(self, owner: MemberId, interaction_id: InteractionId) -> Interaction | None: ...

    def update(self, interaction: Interaction, *, expected_version: int) -> None:
        """Store an edit made to `expected_version`; `Conflict` if it changed since."""
        ...

    def delete(self, owner: MemberId, interaction_id: InteractionId) -> None: ...

    def for_contact(self, owner: MemberId, contact_id: ContactId,
                    limit: int | None = None) -> list[Interaction]: ...

    def all(self, owner: MemberId) -> list[Interaction]: ...

    def sources(self, owner: MemberId) -> set[str]:
        """The `source` keys of everything imported into this book so far."""
        ...

    def taken_ids(self, ids: Sequence[str]) -> set[str]: ...

    def count_for(self, owner: MemberId, contact_ids: Sequence[ContactId]) -> int: ...

    def move_links(self, owner: MemberId, sources: Sequence[ContactId],
                   target: ContactId) -> int:
        """Re-point the interactions of `sources` to `target`; returns how many moved."""
        ...

    def link_by_source(self, owner: MemberId,
                       links: Sequence[tuple[str, ContactId]]) -> None:
        """Add each contact to the interaction imported under that `source` key."""
        ...

    def delete_orphans(self, owner: MemberId) -> int:
        """Remove interactions left with no contact; returns how many."""
        ...


class IntroductionRepository(Protocol):
    def add(self, intro: Introduction) -> None: ...

    def save(self, intro: Introduction, *, loaded_version: int) -> None:
        """Store the moves made since `loaded_version`; `Conflict` if someone moved first."""
        ...

    def get(self, intro_id: IntroId) -> Introduction | None: ...

    def involving(self, member: MemberId) -> list[Introduction]: ...

    def requested_by(self, member: MemberId) -> list[Introduction]: ...

    def hold_requests_of(self, member: MemberId) -> None:
        """Until this transaction ends, any other transaction that holds the same member's
        requests waits: their new requests are checked and filed one at a time."""
        ...

    def introduced_by(self, member: MemberId) -> list[Introduction]: ...

    def from_outsider(self, email: str) -> list[Introduction]: ...

    def open(self, created_before: datetime | None = None) -> list[Introduction]:
        """Requests still open; only those made before `created_before` when given."""
        ...

    def rename_member(self, member: MemberId, name: str) -> None:
        """Where the member asked or introduces, their requests show `name` from now on."""
        ...

    def made_between(self, start: datetime, end: datetime) -> list[Introduction]:
        """Introductions made from `start` to `end` (the target's yes), and still made."""
        ...

    def outcome_tally(self) -> list[OutcomeCount]:
        """How the targets rated each requester, per introducer and requester (a member,
        or a contact of the introducer's book), in counts: what inferred trust reads."""
        ...

    def outcomes_mark(self) -> tuple[int, str]:
        """Changes whenever an outcome is recorded or goes away: (count, latest time)."""
        ...


@dataclass(frozen=True)
class OutcomeCount:
    introducer: MemberId
    requester_member: MemberId | None
    requester_contact: ContactId | None
    rating: str  # "positive", "neutral" or "negative"
    count: int


@dataclass(frozen=True)
class NetworkPerson:
    """Someone a path can pass through or reach: a member, or a contact in one member's
    book that is not linked to a member (`owner` is then the book it lives in)."""

    name: str
    member: MemberId | None = None
    contact: ContactId | None = None
    owner: MemberId | None = None
    headline: str | None = None
    organization: str | None = None
    role: str | None = None
    location: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkTie:
    """`tie` (owned by person `src`, a member) as it points at person `dst`, with the
    policy that governs it (its own, else the owner's default)."""

    src: int
    dst: int
    tie: Tie
    policy: SharingPolicy
    strength: float | None = None  # as stored with the tie: what the book last showed
    known: bool = False  # the tie's stored stage is past "new acquaintance"


@dataclass(frozen=True)
class NetworkRows:
    """Everything a path search needs, read in bulk; person numbers index `people`."""

    people: Sequence[NetworkPerson]
    ties: Sequence[NetworkTie]
    links: Sequence[tuple[int, int, float]] = ()


@dataclass(frozen=True)
class NetworkColumns:
    """Part of the community network as storage holds it, in columns: the members named
    (or all), their contacts and the contacts' tags, and their ties, each with the policy
    that governs it already resolved to `graph.policy` codes (its own, else the owner's
    defaults). Ties point at a contact; `tie_linked` is the member it is linked to, if any.
    """

    member_id: list[MemberId]
    member_name: list[str]
    member_organization: list[str | None]
    member_title: list[str | None]
    contact_id: list[ContactId]
    contact_owner: list[MemberId]
    contact_name: list[str]
    contact_organization: list[str | None]
    contact_role: list[str | None]
    contact_location: list[str | None]
    contact_linked: list[MemberId | None]
    tag_contact: list[ContactId]
    tag: list[str]
    tie_owner: list[MemberId]
    tie_contact: list[ContactId]
    tie_linked: list[MemberId | None]
    stated_trust: npt.NDArray[np.int8]  # 0 = not stated
    interaction_count: npt.NDArray[np.int64]
    strength_override: npt.NDArray[np.float64]  # NaN = none
    visibility: npt.NDArray[np.int8]
    ask_rule: npt.NDArray[np.int8]
    min_trust: npt.NDArray[np.int8]
    no_intro: npt.NDArray[np.bool_]
    stored_strength: npt.NDArray[np.float64]  # as the book last showed it; NaN = never
    known: npt.NDArray[np.bool_]  # the tie's stored stage is past "new acquaintance"


class NetworkReader(Protocol):
    def versions(self) -> dict[MemberId, int]:
        """Each member's network version: it grows with every committed write to their
        member row, contacts, ties, tags or contact links, whichever process made it."""
        ...

    def fingerprint(self) -> tuple[int, int, int]:
        """Read cheaply, it changes whenever `versions()` does: (count, sum of versions,
        sum of the random salt each member's row is made with)."""
        ...

    def version_of(self, owner: MemberId) -> tuple[int, int]:
        """`owner`'s network version and salt ((-1, -1) for no such member): it changes
        with every write to their part of the network."""
        ...

    def columns(self, owners: Sequence[MemberId] | None = None) -> NetworkColumns:
        """The community network, or the part of it belonging to `owners`, in bulk."""
        ...

    def book(self, owner: MemberId) -> NetworkRows:
        """One member (person 0) and their contacts, with the links they recorded."""
        ...

    def handle_key(self) -> bytes | None:
        """The server's key for path handles (`services/path_handles.py`), if made."""
        ...

    def add_handle_key(self, secret: bytes, at: datetime) -> None:
        """Make the key for path handles, unless another process just made it."""
        ...


class ContactLinkRepository(Protocol):
    def put(self, link: ContactLink) -> bool:
        """Record or update a link; True when it is new."""
        ...

    def remove(self, owner: MemberId, a: ContactId, b: ContactId) -> bool: ...

    def of_owner(self, owner: MemberId) -> list[ContactLink]: ...

    def of_contact(self, owner: MemberId, contact: ContactId) -> list[ContactLink]:
        """The links of one contact, either side, the other one as `b`."""
        ...


@dataclass(frozen=True)
class DepthSnapshot:
    """One member's ties and interactions as arrays, the way the strength engine takes them.

    Ties are numbered 0..n-1 in the order of `contacts`. Interaction rows (one per
    interaction and contact) carry that number, the kind and direction as positions in
    `tuple(Kind)` and `tuple(Direction)`, and the day as its
    number (`graph.strength.day_number`: 0001-01-01 is 1).
    Per tie: stated trust (0 unstated), start day (-1 unknown), correction (NaN none)
    and its day (-1), the contact's own cadence (0 none).
    """

    contacts: list[ContactId]
    names: list[str]
    organizations: list[str | None]
    roles: list[str | None]
    tags: list[tuple[str, ...]]
    stated_trust: npt.NDArray[np.int64]
    start_day: npt.NDArray[np.int64]
    correction: npt.NDArray[np.float64]
    correction_day: npt.NDArray[np.int64]
    cadence_days: npt.NDArray[np.int64]
    tie: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int64]
    direction: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class LoggedInteraction:
    """An interaction as the health report reads it: no contacts, no id."""

    kind: Kind
    direction: Direction
    occurred_on: date
    note: str | None


@dataclass(frozen=True, slots=True)
class RankedTie:
    """A tie as the network map draws it: from its stored strength and stage."""

    contact: ContactId
    name: str
    organization: str | None
    strength: float | None  # None while cleared by a change not yet scored again
    stage: Stage | None


@dataclass(frozen=True, slots=True)
class StoredTie:
    """A tie's strength and stage as computed on a day, with the evidence numbers the
    reports read back as `TieFacts`."""

    contact: ContactId
    strength: float
    stage: Stage
    given: int
    received: int
    known_since: date | None
    last_contact: date | None


class DepthReader(Protocol):
    """Bulk reads for relationship depth, and the member's cadences per tag."""

    def snapshot(self, owner: MemberId, contact: ContactId | None = None) -> DepthSnapshot:
        """Every tie of `owner` (or only `contact`'s) with its interaction rows."""
        ...

    def logged(self, owner: MemberId) -> list[LoggedInteraction]:
        """Every interaction of `owner`: kind, direction, day and note (by id)."""
        ...

    def tie_tallies(self, owner: MemberId, today: date) -> TieTallies | None:
        """`tally_ties` of the stored facts of every tie, counted by the database; None
        when some tie has none (cleared by a change, or stored by an older version)."""
        ...

    def logged_summary(self, owner: MemberId, today: date) -> LoggedSummary:
        """`summarize_logged(logged(owner), today)`, counted by the database."""
        ...

    def facts(self, owner: MemberId, cadence_tags: Collection[str],
              screen: Screen | None = None) -> tuple[list[TieFacts], list[ContactId]]:
        """Every tie's stored facts (or only those `screen` admits), in contact id order,
        with those of its tags that are among `cadence_tags`; and the ties whose facts are
        not stored as of their strength's day (cleared by a change, or stored by an older
        version)."""
        ...

    def tag_cadences(self, owner: MemberId) -> dict[str, int]: ...

    def set_tag_cadence(self, owner: MemberId, tag: str, days: int | None) -> None:
        """Set a tag's cadence, or remove it with None."""
        ...

    def strengths_due(self, owner: MemberId, today: date,
                      limit: int) -> tuple[list[ContactId] | None, bool]:
        """Ties whose stored strength is missing ([] when none, None when more than
        `limit` are), and whether some were stored on another day than `today`."""
        ...

    def store_strengths(self, owner: MemberId, today: date, rows: Sequence[StoredTie], *,
                        only_dated: bool = False) -> None:
        """Store these ties' strength, stage and facts as computed on `today`; `only_dated`
        leaves alone the rows cleared meanwhile (they are recomputed one by one)."""
        ...

    def strongest(self, owner: MemberId, limit: int, *, tag: str | None = None,
                  organizations: Sequence[str] | None = None,
                  stage: Stage | None = None) -> tuple[list[RankedTie], int]:
        """The `limit` ties of greatest stored strength whose contact has this tag, one of
        these organizations and this stage (each when given), and how many match."""
        ...

    def organizations(self, owner: MemberId) -> list[str]:
        """Every organization named in `owner`'s book, once each."""
        ...

    def links_among(self, owner: MemberId,
                    among: Sequence[ContactId]) -> list[tuple[ContactId, ContactId, float]]:
        """The contact links `owner` recorded whose both ends are among `among`."""
        ...
class AccountRepository(Protocol):
    """Community accounts. Secrets arrive here already hashed (`token_hash`)."""

    def add(self, member_id: MemberId, password_hash: str, at: datetime, *,
            may_invite: bool = False) -> None: ...

    def with_email(self, email: str) -> tuple[Member, str] | None: ...

    def email_taken(self, email: str) -> bool: ...

    def set_password_hash(self, member_id: MemberId, password_hash: str) -> None: ...

    def may_invite(self, member_id: MemberId) -> bool: ...

    def set_may_invite(self, member_id: MemberId, may_invite: bool) -> None: ...

    def all_members(self) -> list[tuple[Member, bool]]: ...

    def add_invitation(self, invitation: Invitation, token_hash: str) -> None: ...

    def invitation(self, token_hash: str) -> Invitation | None: ...

    def invitations(self) -> list[Invitation]: ...

    def accept_invitation(self, invitation_id: str, at: datetime) -> bool: ...

    def add_session(self, token_hash: str, member_id: MemberId, at: datetime,
                    expires_at: datetime, *, session_id: str,
                    user_agent: str | None = None) -> None: ...

    def session_member(self, token_hash: str, now: datetime) -> Member | None: ...

    def live_session(self, token_hash: str, now: datetime,
                     idle_since: datetime) -> tuple[Member, datetime] | None: ...

    def touch_session(self, token_hash: str, at: datetime) -> None: ...

    def sessions_of(self, member_id: MemberId) -> list[tuple[SessionInfo, str]]: ...

    def end_session(self, token_hash: str) -> None: ...

    def end_session_of(self, member_id: MemberId, session_id: str) -> bool: ...

    def end_sessions_of(self, member_id: MemberId) -> None: ...

    def end_expired_sessions(self, now: datetime,
                             idle_since: datetime | None = None) -> int: ...

    def weekly_digest(self, member_id: MemberId) -> bool: ...

    def set_weekly_digest(self, member_id: MemberId, wanted: bool) -> None: ...

    def digest_due(self, week_of: date) -> list[Member]: ...

    def claim_digest(self, member_id: MemberId, week_of: date, at: datetime) -> bool: ...

    def community_settings(self) -> CommunitySettings: ...

    def set_community_settings(self, settings: CommunitySettings, at: datetime) -> None: ...

    def add_reset(self, reset: PasswordReset, token_hash: str) -> None: ...

    def issue_reset(self, reset_id: str, token_hash: str, now: datetime,
                    expires_at: datetime) -> bool: ...

    def reset(self, token_hash: str) -> PasswordReset | None: ...

    def use_reset(self, reset_id: str, at: datetime) -> bool: ...

    def end_resets_of(self, member_id: MemberId, at: datetime) -> None: ...

    def end_old_resets(self, now: datetime) -> int: ...

    def add_token(self, token: ApiToken, token_hash: str) -> None: ...

    def token_member(self, token_hash: str, now: datetime) -> Member | None: ...

    def tokens_of(self, member_id: MemberId) -> list[ApiToken]: ...

    def delete_token(self, member_id: MemberId, token_id: str) -> bool: ...

    def end_tokens_of(self, member_id: MemberId) -> None: ...

    def throttle(self, key: str) -> Throttle | None: ...

    def held_throttle(self, key: str) -> Throttle | None:
        """`throttle(key)`, read after taking a lock on the key that lasts until the
        transaction ends: two transactions counting under one key count one after the
        other, whether or not its row exists yet."""
        ...

    def set_throttle(self, key: str, throttle: Throttle) -> None: ...

    def clear_throttle(self, key: str) -> None: ...


class LinkRepository(Protocol):
    def add(self, link: MemberLink) -> None: ...

    def get(self, link_id: str) -> MemberLink | None: ...

    def for_contact(self, contact_id: ContactId) -> MemberLink | None: ...

    def involving(self, member: MemberId, email: str | None) -> list[MemberLink]:
        """Links the member made, links to them, and proposals to their account's email."""
        ...

    def confirm(self, link_id: str, member: MemberId, at: datetime) -> None: ...

    def remove(self, link_id: str) -> None: ...


class NotificationRepository(Protocol):
    def add(self, notification: Notification) -> None: ...

    def add_for_email(self, email: str, notification: Notification) -> None:
        """The notification for the member with this email, if there is one
        (`member_id` is theirs, whatever it says)."""
        ...

    def for_member(self, member: MemberId, limit: int) -> list[Notification]: ...

    def mark_read(self, member: MemberId, at: datetime) -> None: ...


class JobLeases(Protocol):
    """Periodic jobs (the digest pass, the session sweep) claimed by one server at a time."""

    def claim(self, name: str, holder: str, now: datetime, lease_until: datetime) -> bool: ...

    def finish(self, name: str, holder: str, next_run_at: datetime) -> None: ...


@dataclass(frozen=True)
class KeptAnswer:
    """What a write sent with an `Idempotency-Key` answered (status None: carried out,
    its answer lost, as when the server stopped before it could keep it)."""

    fingerprint: str
    status: int | None
    content_type: str | None
    body: str | None


class RequestKeys(Protocol):
    def record(self, key: str, fingerprint: str, at: datetime) -> bool: ...

    def get(self, key: str) -> KeptAnswer | None: ...

    def keep_answer(self, key: str, status: int, content_type: str | None,
                    body: str | None) -> None: ...

    def forget_before(self, at: datetime) -> int: ...


class Outbox(Protocol):
    def add(self, mail: OutgoingMail, at: datetime) -> None: ...

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  holder: str = "") -> list[OutgoingMail]: ...

    def renew(self, mail_id: str, holder: str, lease_until: datetime) -> bool: ...

    def mark_sent(self, mail_id: str, at: datetime) -> None: ...

    def mark_failed(self, mail_id: str, error: str, retry_at: datetime | None) -> None: ...

    def pending(self) -> int: ...


class ConsentLinkRepository(Protocol):
    def add(self, link: ConsentLink) -> bool:
        """Store a new link; False when that party already has one for that purpose."""
        ...

    def get(self, link_id: str) -> ConsentLink | None: ...

    def of_intro(self, intro_id: IntroId) -> list[ConsentLink]: ...

    def of_intros(self, intro_ids: list[IntroId], purpose: LinkPurpose
                  ) -> list[ConsentLink]: ...

    def reminders_due(self, now: datetime, sent_before: datetime) -> list[ConsentLink]: ...

    def mark_reminded(self, link_id: str, at: datetime) -> bool: ...

    def use(self, link_id: str, answer: Choice, at: datetime) -> bool:
        """Spend the link on `answer`; False when it was used or expired already."""
        ...

    def key(self, now: datetime) -> bytes:
        """The server's key that signs consent links (made now if missing)."""
        ...


class Mailer(Protocol):
    """Sends one email; raises on failure (the outbox retries it later). `key` names the
    email for good: sent again (after a crash), it is the same message to mail systems."""

    def send(self, to: str, subject: str, body: str, *,
             sender_name: str | None = None, reply_to: str | None = None,
             key: str | None = None) -> None: ...


class BulkWriter(Protocol):
    def write(self, owner: MemberId, book: BulkBook) -> None: ...


class UnitOfWork(Protocol):
    # Read-only properties, so an implementation may hold more specific repositories.
    @property
    def members(self) -> MemberRepository: ...

    @property
    def contacts(self) -> ContactRepository: ...

    @property
    def ties(self) -> TieRepository: ...

    @property
    def interactions(self) -> InteractionRepository: ...

    @property
    def bulk(self) -> BulkWriter: ...

    @property
    def introductions(self) -> IntroductionRepository: ...

    @property
    def network(self) -> NetworkReader: ...

    @property
    def contact_links(self) -> ContactLinkRepository: ...

    @property
    def depth(self) -> DepthReader: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def links(self) -> LinkRepository: ...

    @property
    def notifications(self) -> NotificationRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def jobs(self) -> JobLeases: ...

    @property
    def request_keys(self) -> RequestKeys: ...

    @property
    def capture(self) -> CaptureRepository: ...

    @property
    def dates(self) -> ImportantDateRepository: ...

    @property
    def photos(self) -> PhotoRepository: ...

    @property
    def feeds(self) -> FeedRepository: ...

    @property
    def consent(self) -> ConsentLinkRepository: ...

    @property
    def sync(self) -> SyncRepository: ...

    @property
    def undo(self) -> UndoRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def reading(self) -> Self:
        """Enter for reads only: on SQLite it does not take the write lock."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

