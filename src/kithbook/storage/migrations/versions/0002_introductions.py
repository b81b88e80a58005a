"""introductions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _party(role: str) -> list[sa.Column[str]]:
    return [
        sa.Column(f"{role}_name", sa.String(length=200), nullable=False),
        sa.Column(f"{role}_member_id", sa.String(length=12), nullable=True),
        sa.Column(f"{role}_contact_id", sa.String(length=12), nullable=True),
        sa.Column(f"{role}_email", sa.String(length=320), nullable=True),
    ]


def _party_keys(role: str) -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint([f"{role}_member_id"], ["members.id"],
                                name=op.f(f"fk_introductions_{role}_member_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint([f"{role}_contact_id"], ["contacts.id"],
                                name=op.f(f"fk_introductions_{role}_contact_id_contacts"),
                                ondelete="SET NULL"),
    ]


def upgrade() -> None:
    roles = ("requester", "introducer", "target")
    op.create_table(
        "introductions",
        sa.Column("id", sa.String(length=12), nullable=False),
        *[column for role in roles for column in _party(role)],
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("target_label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_after_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *[key for role in roles for key in _party_keys(role)],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index("ix_introductions_requester", ["requester_member_id"])
        batch_op.create_index("ix_introductions_introducer", ["introducer_member_id"])
        batch_op.create_index("ix_introductions_target", ["target_member_id"])
        batch_op.create_index("ix_introductions_state", ["state"])

    op.create_table(
        "intro_moves",
        sa.Column("intro_id", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=12), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_after", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("on_behalf_of", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["members.id"],
                                name=op.f("fk_intro_moves_actor_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["intro_id"], ["introductions.id"],
                                name=op.f("fk_intro_moves_intro_id_introductions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intro_id", "position", name=op.f("pk_intro_moves")),
    )
    op.create_table(
        "intro_private_reasons",
        sa.Column("intro_id", sa.String(length=12), nullable=False),
        sa.Column("move_index", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["members.id"],
                                name=op.f("fk_intro_private_reasons_author_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["intro_id"], ["introductions.id"],
                                name=op.f("fk_intro_private_reasons_intro_id_introductions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intro_id", "move_index",
                                name=op.f("pk_intro_private_reasons")),
    )
    op.create_table(
        "intro_reason_readers",
        sa.Column("intro_id", sa.String(length=12), nullable=False),
        sa.Column("move_index", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["intro_id", "move_index"],
            ["intro_private_reasons.intro_id", "intro_private_reasons.move_index"],
            name=op.f("fk_intro_reason_readers_intro_id_intro_private_reasons"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_intro_reason_readers_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intro_id", "move_index", "member_id",
                                name=op.f("pk_intro_reason_readers")),
    )
    op.create_table(
        "intro_outcomes",
        sa.Column("intro_id", sa.String(length=12), nullable=False),
        sa.Column("party", sa.String(length=12), nullable=False),
        sa.Column("rating", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["intro_id"], ["introductions.id"],
                                name=op.f("fk_intro_outcomes_intro_id_introductions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["members.id"],
                                name=op.f("fk_intro_outcomes_recorded_by_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intro_id", "party", name=op.f("pk_intro_outcomes")),
    )


def downgrade() -> None:
    op.drop_table("intro_outcomes")
    op.drop_table("intro_reason_readers")
    op.drop_table("intro_private_reasons")
    op.drop_table("intro_moves")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index("ix_introductions_state")
        batch_op.drop_index("ix_introductions_target")
        batch_op.drop_index("ix_introductions_introducer")
        batch_op.drop_index("ix_introductions_requester")
    op.drop_table("introductions")
