"""/export orders seeks its first day by an index on when orders were placed

- ix_orders_created: orders.created_at, then id. /export orders reads the orders of its days
  oldest first, 250 at a time, each chunk after the last order of the one before (a keyset
  walk on created_at and id). With the index a from= deep in the shop's history seeks its
  first day, where walking the ids from the shop's first order read every order before it
  (docs/performance.md has the figures).

Revision ID: 0063_orders_created_index
Revises: 0062_return_approve_told
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0063_orders_created_index"
down_revision: str | None = "0062_return_approve_told"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_created", "orders", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_orders_created", table_name="orders")
