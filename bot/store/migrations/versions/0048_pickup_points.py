"""an order collected at a pickup point keeps the words of its place

- orders.pickup_place: "Main Street shop, 12 Main St" for an order whose shipping option was a
  pickup point ("pickup:1", of PICKUP_POINTS), copied at payment so its screens and notices
  still name the place the shopper chose after PICKUP_POINTS is edited or reordered; NULL for
  every order before (none was collected) and for every order to deliver.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0048_pickup_points
Revises: 0047_max_per_order_check
Create Date: 2026-12-04 18:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0048_pickup_points"
down_revision: str | None = "0047_max_per_order_check"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("pickup_place", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN pickup_place"))
