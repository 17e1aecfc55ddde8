"""a broadcast's audience is listed as it starts, so a resume goes on down the same list

- broadcast_recipients: (broadcast id, customer id), the customers a broadcast is for, written
  as it starts sending and deleted as it ends; no rowid on SQLite (the key is the row).
- broadcasts.listed: whether its recipients are listed. A broadcast sending as this runs
  has none; should a worker go on with it after a crash, it lists the rest of its audience
  then, by the rule it started with (customers by its start, after the last it reached).
- broadcasts.skipped: those listed who deleted their data before their turn (not sent).

Columns added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0060_broadcast_recipients
Revises: 0059_paid_currency_index
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0060_broadcast_recipients"
down_revision: str | None = "0059_paid_currency_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcast_recipients",
        sa.Column("broadcast_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint(
            "broadcast_id", "customer_id", name=op.f("pk_broadcast_recipients")
        ),
        sqlite_with_rowid=False,
    )
    op.add_column(
        "broadcasts", sa.Column("skipped", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "broadcasts",
        sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    for column in ("listed", "skipped"):
        op.execute(sa.text(f"ALTER TABLE broadcasts DROP COLUMN {column}"))
    op.drop_table("broadcast_recipients")
