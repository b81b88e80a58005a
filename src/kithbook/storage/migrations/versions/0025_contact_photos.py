"""contact photos: one picture a contact, as imported from a vCard

Revision ID: 0025
Revises: 0028

A table of its own, so reading the book never reads pictures.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_photos",
        sa.Column("contact_id", sa.String(12), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE",
                                name="fk_contact_photos_contact_id_contacts"),
        sa.PrimaryKeyConstraint("contact_id", name="pk_contact_photos"),
    )


def downgrade() -> None:
    op.drop_table("contact_photos")
