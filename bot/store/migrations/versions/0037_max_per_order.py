"""a per-order limit on a product: at most `max_per_order` units of it (all its variants
together) in one cart and one order ("Limit: 2 per order"); NULL: no limit (every product
before). Kept by bot.services.cart (adding stops at it, checkout lowers a cart above it).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite, so the search index's
triggers on products stay as they are).

Revision ID: 0037_max_per_order
Revises: 0036_order_notes
Create Date: 2026-12-04 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_max_per_order"
down_revision: str | None = "0036_order_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("max_per_order", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Not a batch: on SQLite a batch copies the table and would drop the search triggers.
    op.execute(sa.text("ALTER TABLE products DROP COLUMN max_per_order"))
