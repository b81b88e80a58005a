"""contact_knows: who knows whom among a member's contacts, as the member recorded it

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_knows",
        sa.Column("contact_a", sa.String(12), nullable=False),
        sa.Column("contact_b", sa.String(12), nullable=False),
        sa.Column("owner_id", sa.String(12), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False, server_default="0.5"),
        sa.Column("note", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("contact_a < contact_b", name="ordered_pair"),
        sa.CheckConstraint("strength >= 0 AND strength <= 1", name="strength_range"),
        sa.ForeignKeyConstraint(["contact_a"], ["contacts.id"],
                                name="fk_contact_knows_contact_a_contacts", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_b"], ["contacts.id"],
                                name="fk_contact_knows_contact_b_contacts", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["members.id"],
                                name="fk_contact_knows_owner_id_members", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_a", "contact_b", name="pk_contact_knows"),
    )
    op.create_index("ix_contact_knows_owner", "contact_knows", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_knows_owner", table_name="contact_knows")
    op.drop_table("contact_knows")
