"""catalog: SKUs typed in another case are looked up in an index on upper(sku)

An admin's /price kit-mug-cer names KIT-MUG-CER (bot.catalog_rules.named_sku). The SKU's own
index answers only the spelling stored, so every other spelling compared every product's and
variant's SKU in upper case (a scan: 10-20 ms at 100,000 products); an expression index on
upper(sku), on SQLite and PostgreSQL alike, answers it instead.

Revision ID: 0024_sku_upper_index
Revises: 0023_in_stock_indexes
Create Date: 2026-12-03 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_sku_upper_index"
down_revision: str | None = "0023_in_stock_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_sku_upper", "products", [sa.text("upper(sku)")])
    op.create_index("ix_product_variants_sku_upper", "product_variants", [sa.text("upper(sku)")])


def downgrade() -> None:
    op.drop_index("ix_product_variants_sku_upper", table_name="product_variants")
    op.drop_index("ix_products_sku_upper", table_name="products")
