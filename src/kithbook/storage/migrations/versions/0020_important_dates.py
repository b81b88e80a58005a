"""important dates: a contact's birthday, anniversary and dates the member names

Revision ID: 0020
Revises: 0024

A table of its own, one row a date, so a birthday without a year is a month and a day and
the digest can look dates up by day of the year.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_dates",
        sa.Column("contact_id", sa.String(12), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.SmallInteger(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column("label", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE",
                                name="fk_contact_dates_contact_id_contacts"),
        sa.PrimaryKeyConstraint("contact_id", "position", name="pk_contact_dates"),
    )
    op.create_index("ix_contact_dates_month", "contact_dates", ["month", "day"])


def downgrade() -> None:
    op.drop_index("ix_contact_dates_month", table_name="contact_dates")
    op.drop_table("contact_dates")
