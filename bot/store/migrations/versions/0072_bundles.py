"""sets sold as one product (bundles)

- products.bundle: a bundle's parts as JSON, [{"product_id": 5, "quantity": 2}] (1 to 10
  parts, each 1 to 99 units, plain products only); NULL: a product sold as itself. A
  bundle's stock is its parts' (bot.services.bundles expands it); its own stock stays 0.

Revision ID: 0072_bundles
Revises: 0071_shop_pause
Create Date: 2026-12-06 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0072_bundles"
down_revision: str | None = "0071_shop_pause"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("bundle", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE products DROP COLUMN bundle"))
