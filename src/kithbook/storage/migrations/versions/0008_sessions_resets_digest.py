"""sessions with idle timeout and ids, password resets, weekly digest sends, community
settings, a link on notifications

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _member_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                   name=op.f(f"fk_{table}_member_id_members"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    # Sessions open at upgrade time stay open: each gets an id (the start of its hash,
    # which reveals nothing) and counts as last seen when it began.
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("id", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("user_agent", sa.String(length=200), nullable=True))
    op.execute("UPDATE sessions SET id = substr(token_hash, 1, 12), last_seen_at = created_at")
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("id", existing_type=sa.String(length=12), nullable=False)
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
        batch.create_unique_constraint(op.f("uq_sessions_id"), ["id"])
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("weekly_digest", sa.Boolean(), server_default="1",
                                   nullable=False))
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("link", sa.String(length=200), nullable=True))
    op.create_table(
        "password_resets",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _member_key("password_resets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_resets_token_hash")),
    )
    op.create_index("ix_password_resets_member", "password_resets", ["member_id"])
    op.create_table(
        "digest_sends",
        sa.Column("member_id", sa.String(length=12), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        _member_key("digest_sends"),
        sa.PrimaryKeyConstraint("member_id", "week_of", name=op.f("pk_digest_sends")),
    )
    op.create_table(
        "community_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("members_may_invite", sa.Boolean(), nullable=False),
        sa.Column("invitation_days", sa.Integer(), nullable=False),
        sa.Column("mail_sender_name", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_community_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_settings")),
    )


def downgrade() -> None:
    op.drop_table("community_settings")
    op.drop_table("digest_sends")
    op.drop_index("ix_password_resets_member", table_name="password_resets")
    op.drop_table("password_resets")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("link")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("weekly_digest")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint(op.f("uq_sessions_id"), type_="unique")
        batch.drop_column("user_agent")
        batch.drop_column("last_seen_at")
        batch.drop_column("id")
