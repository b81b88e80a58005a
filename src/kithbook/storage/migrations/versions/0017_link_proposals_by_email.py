"""a link proposal names an email, not a member: it is stored alike whether or not the
email has an account, and the member whose account has it confirms

Revision ID: 0017
Revises: 0014

Until now a proposal to an email with no account stored nothing, one to a member's email
stored a row naming the member: the proposer could tell them apart by what their links
page showed and by the time the answer took. Proposals already stored keep their member
and get that member's email.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No triggers on this table (see 0009, 0011), so SQLite's batch rebuild loses nothing.
    with op.batch_alter_table("member_links") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=True))
        batch.alter_column("member_id", existing_type=sa.String(12), nullable=True)
        batch.create_index("ix_member_links_email", ["email"])
    op.execute("UPDATE member_links SET email = (SELECT email FROM members "
               "WHERE members.id = member_links.member_id)")


def downgrade() -> None:
    # A proposal to an email with no account has nothing to stand for before this version.
    op.execute("DELETE FROM member_links WHERE member_id IS NULL")
    with op.batch_alter_table("member_links") as batch:
        batch.drop_index("ix_member_links_email")
        batch.alter_column("member_id", existing_type=sa.String(12), nullable=False)
        batch.drop_column("email")
