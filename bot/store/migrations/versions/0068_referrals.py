"""invite a friend: a shopper's invitation code and the friends who came through it

- customers.invite_code: her 8-character code (/invite), NULL until she first asks, unique
  (a unique index, so SQLite needs no table rebuild); cleared by "Delete my data".
- referrals: inviter and friend (customers), the friend attributed once (unique), when she
  came, and when the inviter got her reward and which gift card it was.

Revision ID: 0068_referrals
Revises: 0067_invoices
Create Date: 2026-12-06 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0068_referrals"
down_revision: str | None = "0067_invoices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("invite_code", sa.String(length=8), nullable=True))
    op.create_index(op.f("ix_customers_invite_code"), "customers", ["invite_code"], unique=True)
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("friend_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reward_card", sa.String(length=14), nullable=True),
        sa.ForeignKeyConstraint(
            ["inviter_id"], ["customers.id"], name=op.f("fk_referrals_inviter_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["friend_id"], ["customers.id"], name=op.f("fk_referrals_friend_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("friend_id", name=op.f("uq_referrals_friend_id")),
    )
    op.create_index(op.f("ix_referrals_inviter_id"), "referrals", ["inviter_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_referrals_inviter_id"), table_name="referrals")
    op.drop_table("referrals")
    op.drop_index(op.f("ix_customers_invite_code"), table_name="customers")
    op.execute(sa.text("ALTER TABLE customers DROP COLUMN invite_code"))
