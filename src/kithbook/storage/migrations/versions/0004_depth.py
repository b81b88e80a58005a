"""relationship depth: keep-in-touch cadences per tag

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tag_cadences",
        sa.Column("owner_id", sa.String(length=12), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["members.id"],
                                name=op.f("fk_tag_cadences_owner_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("owner_id", "tag", name=op.f("pk_tag_cadences")),
    )


def downgrade() -> None:
    op.drop_table("tag_cadences")
