"""a sales pause may end by itself (/pause until=2026-12-27)

- sales_pause.until: the last day of the pause on the shop's clock (SHOP_TIMEZONE), as the
  admin wrote it and shoppers read it; NULL: until /resume.
- sales_pause.ends_at: the midnight that ends that day (UTC), what "is the shop paused now?"
  compares with; NULL with `until`. A pause whose ends_at has passed is over (its row is
  replaced by the next /pause or deleted by /resume): no job ends it.

Revision ID: 0071_shop_pause
Revises: 0070_delivery_slots
Create Date: 2026-12-06 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0071_shop_pause"
down_revision: str | None = "0070_delivery_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sales_pause", sa.Column("until", sa.Date(), nullable=True))
    op.add_column("sales_pause", sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE sales_pause DROP COLUMN ends_at"))
    op.execute(sa.text("ALTER TABLE sales_pause DROP COLUMN until"))
