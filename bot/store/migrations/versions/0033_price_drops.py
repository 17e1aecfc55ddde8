"""price drops: a shopper who saved a product hears once when it gets cheaper.

- favourites.notified_price / notified_currency: the price she last saw (when saving) or was
  told of, in minor units of that currency; only moves down. Existing rows take the
  product's price now (for a product with variants, its lowest variant price), so nothing
  from before this migration is told.
- favourites.price_was: the price before the last drop told of, set by the conditional
  UPDATE that takes the drop (so two workers never tell the same one).
- ix_favourites_price_drops (product_id, notified_price): the job reads, product by product,
  only the saved rows priced above it now.
- customers.price_drop_alerts: her switch in /settings, on by default.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0033_price_drops
Revises: 0032_customer_lookup
Create Date: 2026-12-03 20:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_price_drops"
down_revision: str | None = "0032_customer_lookup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FAVOURITE_COLUMNS = ("notified_price", "notified_currency", "price_was")


def upgrade() -> None:
    op.add_column("favourites", sa.Column("notified_price", sa.BigInteger(), nullable=True))
    op.add_column("favourites", sa.Column("notified_currency", sa.String(3), nullable=True))
    op.add_column("favourites", sa.Column("price_was", sa.BigInteger(), nullable=True))
    op.add_column(
        "customers",
        sa.Column("price_drop_alerts", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.execute(
        sa.text(
            "UPDATE favourites SET"
            " notified_currency = (SELECT currency FROM products"
            " WHERE products.id = favourites.product_id),"
            " notified_price = COALESCE("
            "(SELECT MIN(COALESCE(v.price, p.price)) FROM product_variants v"
            " JOIN products p ON p.id = v.product_id WHERE v.product_id = favourites.product_id),"
            " (SELECT price FROM products WHERE products.id = favourites.product_id))"
        )
    )
    op.create_index("ix_favourites_price_drops", "favourites", ["product_id", "notified_price"])


def downgrade() -> None:
    op.drop_index("ix_favourites_price_drops", table_name="favourites")
    for column in _FAVOURITE_COLUMNS:
        op.execute(sa.text(f"ALTER TABLE favourites DROP COLUMN {column}"))
    op.execute(sa.text("ALTER TABLE customers DROP COLUMN price_drop_alerts"))
