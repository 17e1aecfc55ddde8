"""what a partial refund took off each gift card the order bought

- refunds.gift_card_shares: JSON `{"<gift card id>": amount}` for a partial refund that took
  part of what it gave back off the cards its order bought (balance and worth alike); NULL for
  every refund before, and for one that took nothing off a card. The refund's own record, so
  the order's history and the shopper's message name those cards and amounts, and a refund
  the provider refuses puts exactly them back, whichever cards it was taken from.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0057_refund_card_shares
Revises: 0056_sales_before_0040
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0057_refund_card_shares"
down_revision: str | None = "0056_sales_before_0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("refunds", sa.Column("gift_card_shares", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE refunds DROP COLUMN gift_card_shares"))
