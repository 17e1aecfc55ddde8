"""the reports read paid orders by an index on when they were paid

- ix_orders_paid_at: orders.paid_at, only the orders paid (WHERE paid_at IS NOT NULL; an
  order never paid is in no report), so /stats' periods, the morning report's day, the top
  promo codes and the broadcast audience "bought in the last 90 days" read the days asked
  for, not every order the shop ever had (docs/performance.md has the figures).

Revision ID: 0054_paid_at_index
Revises: 0053_return_refund
Create Date: 2026-12-05 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0054_paid_at_index"
down_revision: str | None = "0053_return_refund"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAID = sa.text("paid_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_orders_paid_at", "orders", ["paid_at"], sqlite_where=PAID, postgresql_where=PAID
    )


def downgrade() -> None:
    op.drop_index("ix_orders_paid_at", table_name="orders")
