"""how much of an order's gift card part is back on the card

- orders.gift_card_returned: what of `gift_card_amount` went back on the card (a released
  hold, a full refund, an admin's 🎁 Back to the gift card), so none of it goes back twice.
  Orders before this revision whose card part went back already (a released hold, a
  refunded order, a cancelled order the card paid alone) get all of it.

Revision ID: 0050_gift_card_returned
Revises: 0049_broadcast_audiences
Create Date: 2026-12-04 18:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050_gift_card_returned"
down_revision: str | None = "0049_broadcast_audiences"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("gift_card_returned", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute(
        sa.text(
            "UPDATE orders SET gift_card_returned = gift_card_amount "
            "WHERE gift_card_amount > 0 AND (hold_status = 'released' OR status = 'refunded' "
            "OR (status = 'cancelled' AND total = 0))"
        )
    )


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN gift_card_returned"))
