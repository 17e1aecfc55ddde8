"""sales pause: an admin's /pause stops checkout and payment (holidays, stocktaking) until
/resume; shoppers who met the paused checkout are told once when sales open again.

`sales_pause` holds at most one row (id 1) while sales are paused, with the admin's note;
`reopen_waiters` one row per shopper to tell.

Revision ID: 0028_sales_pause
Revises: 0027_rating_sort
Create Date: 2026-12-03 19:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_sales_pause"
down_revision: str | None = "0027_rating_sort"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sales_pause",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("paused_by", sa.BigInteger(), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_pause")),
    )
    op.create_table(
        "reopen_waiters",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_reopen_waiters_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_reopen_waiters")),
    )


def downgrade() -> None:
    op.drop_table("reopen_waiters")
    op.drop_table("sales_pause")
