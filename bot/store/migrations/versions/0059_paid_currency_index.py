"""/stats finds the currencies orders were paid in by an index on the currency

- ix_orders_paid_currency: orders.currency, only the orders paid (WHERE paid_at IS NOT NULL,
  as 0054's ix_orders_paid_at). /stats names the currencies other than the shop's that orders
  were ever paid in ("Not counted above: orders in EUR"): with the index it seeks the first
  currency and then each next one, a few index entries whatever the shop's history, where
  `DISTINCT currency` read every paid order (docs/performance.md has the figures).

Revision ID: 0059_paid_currency_index
Revises: 0058_return_decline_told
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0059_paid_currency_index"
down_revision: str | None = "0058_return_decline_told"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAID = sa.text("paid_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_orders_paid_currency",
        "orders",
        ["currency"],
        sqlite_where=PAID,
        postgresql_where=PAID,
    )


def downgrade() -> None:
    op.drop_index("ix_orders_paid_currency", table_name="orders")
