"""accounts: passwords, invitations, sessions, API tokens, login throttles, member links,
notifications and the mail outbox

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _member_key(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["members.id"],
                                   name=op.f(f"fk_{table}_{column}_members"), ondelete=ondelete)


def _when(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("member_id", sa.String(length=12), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("may_invite", sa.Boolean(), server_default="0", nullable=False),
        _when("created_at"),
        _member_key("accounts", "member_id", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), server_default="member", nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=12), nullable=True),
        _when("created_at"),
        _when("expires_at"),
        _when("accepted_at", nullable=True),
        _member_key("invitations", "invited_by", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=12), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _member_key("sessions", "member_id", "CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_sessions")),
    )
    op.create_index("ix_sessions_member", "sessions", ["member_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _when("created_at"),
        _when("last_used_at", nullable=True),
        _member_key("api_tokens", "member_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_member", "api_tokens", ["member_id"])
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _when("since"),
        _when("retry_at", nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_table(
        "member_links",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.String(length=12), nullable=False),
        sa.Column("contact_id", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.String(length=12), nullable=False),
        _when("created_at"),
        _when("confirmed_at", nullable=True),
        _member_key("member_links", "owner_id", "CASCADE"),
        _member_key("member_links", "member_id", "CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_member_links_contact_id_contacts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_links")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_member_links_contact_id")),
    )
    op.create_index("ix_member_links_member", "member_links", ["member_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.String(length=12), nullable=False),
        sa.Column("intro_id", sa.String(length=12), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        _when("created_at"),
        _when("read_at", nullable=True),
        _member_key("notifications", "member_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_member", "notifications", ["member_id", "created_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _when("created_at"),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _when("next_attempt_at", nullable=True),
        _when("sent_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_notifications_member", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_member_links_member", table_name="member_links")
    op.drop_table("member_links")
    op.drop_table("login_throttles")
    op.drop_index("ix_api_tokens_member", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_sessions_member", table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("invitations")
    op.drop_table("accounts")
