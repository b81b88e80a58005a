"""The database schema, as SQLAlchemy Core tables.

Alembic migrations under `migrations/` create exactly this; a test checks the two agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

ID = String(12)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

members = Table(
    "members",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), unique=True),
    Column("role", String(16), nullable=False, server_default="member"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("default_visibility", String(16), nullable=False, server_default="hidden"),
    Column("default_ask_rule", String(16), nullable=False, server_default="nobody"),
    Column("default_ask_min_trust", SmallInteger),
    # What the member shows other members on their profile; path search finds them by it.
    Column("organization", String(200)),
    Column("title", String(200)),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    # Lower-cased, accent-folded name: what lookups and "did you mean" compare against.
    Column("name_key", String(200), nullable=False),
    Column("organization", String(300)),
    Column("role", String(300)),
    Column("location", String(300)),
    Column("how_we_met", Text),
    Column("notes", Text),
    # `Contact.search_text`: what free-text search matches, kept with every write so a
    # search reads one column per contact instead of joining tags and emails. Indexed by
    # trigrams outside this metadata (`storage/search_index.py`: FTS5 on SQLite, pg_trgm).
    Column("search_text", Text, nullable=False, server_default=""),
    # `storage.contacts.contact_card`: the emails, phones, links and tags as JSON, kept
    # with every write so a page of the book reads them with its rows. The tables below
    # stay what lookups and filters use, and what is read when the card is missing or
    # names another version of the row.
    Column("card", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("linked_member_id", ID, ForeignKey("members.id", ondelete="SET NULL")),
    Index("ix_contacts_owner_name", "owner_id", "name_key"),
    Index("ix_contacts_owner_org", "owner_id", "organization"),
    # What a kept reading of a book reads to find what changed (`SqlContacts.stamps`).
    Index("ix_contacts_owner_stamp", "owner_id", "id", "version", "updated_at"),
)

contact_emails = Table(
    "contact_emails",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("address", String(320), nullable=False),
    Column("address_key", String(320), nullable=False),
    Column("label", String(40)),
    Index("ix_contact_emails_key", "address_key"),
)

contact_phones = Table(
    "contact_phones",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("number", String(32), nullable=False),
    Column("label", String(40)),
    Index("ix_contact_phones_number", "number"),
)

contact_links = Table(
    "contact_links",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("url", String(2000), nullable=False),
)

contact_tags = Table(
    "contact_tags",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(60), primary_key=True),
    Index("ix_contact_tags_tag", "tag"),
)

# A contact's important dates (`domain/important_dates.py`): a year may be unknown.
contact_dates = Table(
    "contact_dates",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("month", SmallInteger, nullable=False),
    Column("day", SmallInteger, nullable=False),
    Column("year", SmallInteger),
    Column("label", String(100)),
    # The digest and the feed look dates up by day of the year.
    Index("ix_contact_dates_month", "month", "day"),
)

contact_photos = Table(
    "contact_photos",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("media_type", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

ties = Table(
    "ties",
    metadata,
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("stated_trust", SmallInteger),
    Column("cadence_days", Integer),
    Column("started_on", Date),
    Column("strength_override", Float),
    Column("override_at", DateTime(timezone=True)),
    # Sharing policy; NULL means "the member's default applies".
    Column("visibility", String(16)),
    Column("ask_rule", String(16)),
    Column("ask_min_trust", SmallInteger),
    Column("no_introductions", Boolean, nullable=False, server_default="0"),
    Column("welcomes", Text),
    # Kept up to date by every change to interactions, so that lists sort by "last in
    # touch" and keep-in-touch clocks restart without scanning the whole history.
    Column("last_interaction_on", Date),
    Column("interaction_count", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),
    # The strength engine's reading of this tie and its stage as of `strength_on`, so that
    # lists sort and filter by them in SQL. Any change to the tie or its interactions
    # clears `strength_on`; a list recomputes what is cleared or from another day first.
    Column("strength", Float),
    Column("stage", String(16)),
    Column("strength_on", Date),
    # The evidence numbers computed with `strength`, as of `facts_on` (migration 0014):
    # the digest, the keep-in-touch list and the health report read these instead of
    # every interaction. A writer older than them moves `strength_on` alone, so facts
    # are trusted only when `facts_on` equals it.
    Column("gave_count", Integer),
    Column("received_count", Integer),
    Column("known_since", Date),
    Column("last_contact", Date),
    Column("facts_on", Date),
    # The contact's `name_key`, copied by triggers (migration 0011) so that a stage's
    # ties come in name order from one index.
    Column("name_key", String(200)),
    CheckConstraint("stated_trust IS NULL OR stated_trust BETWEEN 1 AND 5", name="trust_range"),
    Index("ix_ties_owner_recent", "owner_id", "last_interaction_on", "contact_id"),
    Index("ix_ties_owner_strength", "owner_id", "strength", "contact_id"),
    Index("ix_ties_owner_stage", "owner_id", "stage", "strength", "contact_id"),
    Index("ix_ties_owner_stage_name", "owner_id", "stage", "name_key", "contact_id"),
    Index("ix_ties_owner_strength_on", "owner_id", "strength_on"),
)

# What a member recorded about who knows whom among their contacts ("Bob works with
# Carol"): the member's own knowledge, used only in their own path searches. One row per
# unordered pair, stored with contact_a < contact_b.
# One counter per member, made and removed with the member and bumped by triggers
# (migration 0009) in the same transaction as any write to that member's part of the
# network: see storage/network.py.
network_versions = Table(
    "network_versions",
    metadata,
    Column("owner_id", ID, primary_key=True),
    Column("version", BigInteger, nullable=False, server_default="0"),
    # Random, per row: a member who leaves and one who joins never leave the sums as
    # they were.
    Column("salt", BigInteger, nullable=False, server_default="0"),
)

contact_knows = Table(
    "contact_knows",
    metadata,
    Column("contact_a", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_b", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("strength", Float, nullable=False, server_default="0.5"),
    Column("note", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("contact_a < contact_b", name="ordered_pair"),
    CheckConstraint("strength >= 0 AND strength <= 1", name="strength_range"),
    Index("ix_contact_knows_owner", "owner_id"),
)

# Interactions whose note may read like "not networking": flagged, or not yet looked at.
_FLAGGED = text("flags IS NULL OR flags <> 0")

interactions = Table(
    "interactions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("direction", String(12), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("note", Text),
    Column("source", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    # Which words of the health report's "not networking" list the note reads like
    # (`domain.health.note_flags`); NULL from a writer older than migration 0014.
    Column("flags", SmallInteger),
    Index("ix_interactions_owner_day", "owner_id", "occurred_on"),
    # The health report counts by kind and direction from this index alone.
    Index("ix_interactions_owner_kind", "owner_id", "kind", "direction", "occurred_on"),
    Index("ix_interactions_flagged", "owner_id", "occurred_on",
          sqlite_where=_FLAGGED, postgresql_where=_FLAGGED),
)

interaction_contacts = Table(
    "interaction_contacts",
    metadata,
    Column(
        "interaction_id", ID, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_interaction_contacts_contact", "contact_id"),
)

# Keep-in-touch cadences that apply to every contact carrying a tag (or group).
tag_cadences = Table(
    "tag_cadences",
    metadata,
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(60), primary_key=True),
    Column("cadence_days", Integer, nullable=False),
)

# ---- introductions -------------------------------------------------------------------
# Each party is a member or a person off the platform, kept inline: name, and the member,
# the keeper's contact and an email when known. Outside people live only here, so the
# reputation of someone who asks by email is read from the requests they sent.


def _party_columns(role: str) -> list[Column[Any]]:
    return [
        Column(f"{role}_name", String(200), nullable=False),
        Column(f"{role}_member_id", ID, ForeignKey("members.id", ondelete="SET NULL")),
        Column(f"{role}_contact_id", ID, ForeignKey("contacts.id", ondelete="SET NULL")),
        Column(f"{role}_email", String(320)),
    ]


def _intro_key() -> Column[Any]:
    """The introduction a row belongs to: first part of its key, gone with the request."""
    return Column("intro_id", ID, ForeignKey("introductions.id", ondelete="CASCADE"),
                  primary_key=True)


introductions = Table(
    "introductions",
    metadata,
    Column("id", ID, primary_key=True),
    *_party_columns("requester"),
    *_party_columns("introducer"),
    *_party_columns("target"),
    Column("purpose", Text, nullable=False),
    Column("target_label", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_after_days", Integer, nullable=False, server_default="30"),
    Column("state", String(20), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Index("ix_introductions_requester", "requester_member_id"),
    Index("ix_introductions_introducer", "introducer_member_id"),
    Index("ix_introductions_target", "target_member_id"),
    Index("ix_introductions_state", "state"),
)

intro_moves = Table(
    "intro_moves",
    metadata,
    _intro_key(),
    Column("position", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("actor_id", ID, ForeignKey("members.id", ondelete="SET NULL")),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("state_after", String(20), nullable=False),
    Column("note", Text),
    Column("on_behalf_of", String(12)),
    Column("via", String(10)),  # "email": answered through a consent link
)

# Kept apart from the moves so that no query for the history can carry one by mistake.
intro_private_reasons = Table(
    "intro_private_reasons",
    metadata,
    _intro_key(),
    Column("move_index", Integer, primary_key=True),
    Column("author_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
)

intro_reason_readers = Table(
    "intro_reason_readers",
    metadata,
    Column("intro_id", ID, primary_key=True),
    Column("move_index", Integer, primary_key=True),
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    ForeignKeyConstraint(["intro_id", "move_index"],
                         ["intro_private_reasons.intro_id", "intro_private_reasons.move_index"],
                         ondelete="CASCADE"),
)

intro_outcomes = Table(
    "intro_outcomes",
    metadata,
    _intro_key(),
    Column("party", String(12), primary_key=True),
    Column("rating", String(10), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("comment", Text),
)

# ---- community accounts ------------------------------------------------------------
# Secrets (session and API tokens, invitation links) are stored only as SHA-256 hashes:
# a copy of the database lets nobody sign in.

accounts = Table(
    "accounts",
    metadata,
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("may_invite", Boolean, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The member's own choice; on by default, switched off on the Account page.
    Column("weekly_digest", Boolean, nullable=False, server_default="1"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("role", String(16), nullable=False, server_default="member"),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("invited_by", ID, ForeignKey("members.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
)

# `expires_at` is the absolute end; `last_seen_at` (refreshed at most once a minute)
# ends an idle session. `id` names a session on the member's list without its secret.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("id", ID, nullable=False, unique=True),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("user_agent", String(200)),
    Index("ix_sessions_member", "member_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Index("ix_api_tokens_member", "member_id"),
)

login_throttles = Table(
    "login_throttles",
    metadata,
    # A hash of "pair:<email> <address>" or "address:<address>": no emails kept in clear.
    Column("key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),
    Column("retry_at", DateTime(timezone=True)),
)

# A member's contact stands for another member only once both confirmed: the owner of the
# book proposes to an email (`member_id` and `confirmed_at` empty), the member whose
# account has that email confirms (`member_id` set); then `contacts.linked_member_id` is
# set. Removing the row (either side) unlinks at once. A proposal is stored alike whether
# or not the email has an account, so proposing tells nobody who is a member.
member_links = Table(
    "member_links",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False,
           unique=True),
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE")),
    Column("email", String(320)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
    Index("ix_member_links_member", "member_id"),
    Index("ix_member_links_email", "email"),
)

# ---- notifications -----------------------------------------------------------------

notifications = Table(
    "notifications",
    metadata,
    Column("id", ID, primary_key=True),
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("intro_id", ID),
    Column("message", Text, nullable=False),
    Column("link", String(200)),  # a page of this site, for notifications not about an intro
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    Index("ix_notifications_member", "member_id", "created_at"),
)

# Emails waiting to be sent by the background sender, written in the same transaction
# as what they report, so a move is never told without happening or the reverse.
outbox = Table(
    "outbox",
    metadata,
    Column("id", ID, primary_key=True),
    Column("to_address", String(320), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # None once sent or given up; a claim pushes it forward (a lease) while sending.
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("last_error", Text),
    # A consent request goes out in the introducer's name, and their replies reach them.
    Column("sender_name", String(200)),
    Column("reply_to", String(320)),
    # Which sender holds the lease: it sends only while it still does (`SqlOutbox.renew`).
    Column("claimed_by", String(100)),
    Index("ix_outbox_next_attempt_at", "next_attempt_at"),
)

# One signed link per introduction, person and purpose (an answer, an outcome): the
# email carries it, `used_at` makes it single-use (services/consent.py).
consent_links = Table(
    "consent_links",
    metadata,
    Column("id", ID, primary_key=True),
    Column("intro_id", ID, ForeignKey("introductions.id", ondelete="CASCADE"),
           nullable=False),
    Column("role", String(12), nullable=False),
    Column("purpose", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("reminded_at", DateTime(timezone=True)),
    Column("used_at", DateTime(timezone=True)),
    Column("answer", String(16)),
    UniqueConstraint("intro_id", "role", "purpose"),
)


# ---- password resets, the weekly digest, community settings ------------------------

# A reset link's token is kept only as its SHA-256; `used_at` makes it single-use.
password_resets = Table(
    "password_resets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Index("ix_password_resets_member", "member_id"),
)

# One row per member and week the digest went out: the primary key is what keeps two
# worker processes (or a restart) from sending the same week twice.
digest_sends = Table(
    "digest_sends",
    metadata,
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("week_of", Date, primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

# One row per periodic background job (the digest pass, the session sweep): whichever
# server claims it runs it, until `claimed_until`; then it is next due at `next_run_at`.
job_leases = Table(
    "job_leases",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("next_run_at", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("holder", String(100)),
)

# A write sent with an `Idempotency-Key`: recorded in the write's own transaction, so a
# retried request is answered from here instead of being carried out twice.
request_keys = Table(
    "request_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", Integer),  # None: carried out, its answer not kept (yet)
    Column("content_type", String(100)),
    Column("body", Text),
    Index("ix_request_keys_created_at", "created_at"),
)

# At most one row (id 1); without it the defaults of `CommunitySettings` apply.
community_settings = Table(
    "community_settings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("members_may_invite", Boolean, nullable=False),
    Column("invitation_days", Integer, nullable=False),
    Column("mail_sender_name", String(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)


# ---- capture ------------------------------------------------------------------------
# Where history is captured from (docs/capture.md). `settings` holds what is not secret
# (host, port, user name, folders) as JSON; `secret` only the password encrypted with
# the server's capture key; `state` what an incremental run resumes from (per folder
# UIDVALIDITY and last UID, a calendar's ETag) as JSON.
capture_sources = Table(
    "capture_sources",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(500), nullable=False),
    Column("settings", Text, nullable=False, server_default="{}"),
    Column("secret", Text),
    Column("keep_subjects", Boolean, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("state", Text, nullable=False, server_default="{}"),
    Column("last_run_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_added", Integer),
    # Background runs (community mode): due at `next_run_at`, claimed until
    # `claimed_until`, retried with backoff after `attempts` failures in a row.
    Column("next_run_at", DateTime(timezone=True)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index("ix_capture_sources_owner", "owner_id"),
    Index("ix_capture_sources_next_run", "next_run_at"),
)

# Which interactions a source captured, keyed so that the same exchange (person, day,
# thread) is captured once whichever source sees it. Removing a source removes these
# interactions first (services/capture.py); the link goes with either.
captured_interactions = Table(
    "captured_interactions",
    metadata,
    Column("interaction_id", ID, ForeignKey("interactions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", ID, ForeignKey("capture_sources.id", ondelete="CASCADE"),
           nullable=False),
    Column("capture_key", String(40), nullable=False),
    Index("ix_captured_interactions_key", "owner_id", "capture_key", unique=True),
    Index("ix_captured_interactions_source", "source_id"),
)

# Exchanges with people not in the book: what the review queue is counted from, turned
# into interactions when the member accepts the person (or adds them by hand).
capture_sightings = Table(
    "capture_sightings",
    metadata,
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("capture_key", String(40), primary_key=True),
    Column("address", String(320), nullable=False),
    Column("name", String(200)),
    Column("occurred_on", Date, nullable=False),
    Column("direction", String(12), nullable=False),
    Column("source_id", ID, ForeignKey("capture_sources.id", ondelete="CASCADE"),
           nullable=False),
    Index("ix_capture_sightings_address", "owner_id", "address"),
    Index("ix_capture_sightings_source", "source_id"),
)

# A member's own other addresses, and the allow and block lists (`domain.capture`).
capture_rules = Table(
    "capture_rules",
    metadata,
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("pattern", String(320), primary_key=True),
    Column("rule", String(8), nullable=False),
)

# What the member decided about someone in the review queue: ignored once (with how many
# exchanges had been seen then) or always.
capture_decisions = Table(
    "capture_decisions",
    metadata,
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("choice", String(16), nullable=False),
    Column("seen", Integer, nullable=False, server_default="0"),
)

# Secrets the server keeps for itself, one row each, the same for every process on the
# database: "path handles" makes the handles a path search gives out
# (services/path_handles.py). Made by migration 0024, and again on first use if missing.
server_keys = Table(
    "server_keys",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("secret", String(128), nullable=False),  # hex
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# ---- the calendar feed and CardDAV sync (migration 0029) ------------------------------
# A member's feed URL holds a 256-bit token; only its SHA-256 is kept. Renewing it
# replaces the row, so the old URL stops at once. `alarm_minutes`: a reminder that many
# minutes after the start of each event's day (None: no alarm).
feed_tokens = Table(
    "feed_tokens",
    metadata,
    Column("member_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("alarm_minutes", SmallInteger),
)

# One card of a CardDAV source (a capture source of kind `carddav`), linked to the
# contact it stands for. `base`: the mapped fields as both sides held them after the last
# sync (JSON), what a three-way merge compares each side with; `card`: the vCard as last
# read, whose unknown properties are written back untouched. A contact deleted in the
# book leaves its row with no contact: the next sync deletes the card.
sync_cards = Table(
    "sync_cards",
    metadata,
    Column("source_id", ID, ForeignKey("capture_sources.id", ondelete="CASCADE"),
           primary_key=True),
    Column("href", String(1000), primary_key=True),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="SET NULL")),
    Column("uid", String(500), nullable=False),
    Column("etag", String(200)),
    Column("base", Text, nullable=False, server_default="{}"),
    Column("card", Text, nullable=False, server_default=""),
    Index("ix_sync_cards_contact_id", "contact_id"),
)

# A field changed on both sides since the last sync, waiting for the member to choose.
sync_conflicts = Table(
    "sync_conflicts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("source_id", ID, ForeignKey("capture_sources.id", ondelete="CASCADE"),
           nullable=False),
    Column("contact_id", ID, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(40), nullable=False),
    Column("ours", Text, nullable=False),
    Column("theirs", Text, nullable=False),
    Column("found_at", DateTime(timezone=True), nullable=False),
    Index("ix_sync_conflicts_source_id", "source_id"),
)


# What an undo puts back: the rows a removal or a merge took away, as they were (JSON,
# `storage/undo.py`), kept for a while and then purged.
# A log sent with a key (a phone's queued log) is stored once per key: a retry after a
# lost answer finds its key here. No foreign key to the interaction: a removed
# interaction must not come back because a late retry of it arrives (migration 0034).
log_keys = Table(
    "log_keys",
    metadata,
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("interaction_id", ID, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_log_keys_created", "created_at"),
)

undo_entries = Table(
    "undo_entries",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner_id", ID, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("label", String(500), nullable=False),
    Column("guard", Text, nullable=False, server_default="{}"),
    Column("rows", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_undo_entries_owner_created", "owner_id", "created_at"),
)
