"""quantity price tiers per product

- products.tiers: the product's volume discounts as "3:10,6:15" (from 3 units 10% off, from
  6 units 15% off), at most 40 characters; NULL: none. Written only through
  bot.pricing.parse_tiers (/tiers and catalog files), read by bot.pricing.stored_tiers.

Revision ID: 0069_quantity_tiers
Revises: 0068_referrals
Create Date: 2026-12-06 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0069_quantity_tiers"
down_revision: str | None = "0068_referrals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("tiers", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE products DROP COLUMN tiers"))
