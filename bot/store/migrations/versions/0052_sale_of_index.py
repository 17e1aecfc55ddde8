"""ending a category's sale finds its products by an index

- ix_products_category_sale_of: products.category_sale_of, only the rows that carry a sale's
  end (WHERE category_sale_of IS NOT NULL; nearly every product has none), so ending a sale
  (by hand or by the job) and changing its end date read the index, not the whole table.

Revision ID: 0052_sale_of_index
Revises: 0051_broadcast_resume
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0052_sale_of_index"
down_revision: str | None = "0051_broadcast_resume"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WITH_A_SALE = sa.text("category_sale_of IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_products_category_sale_of",
        "products",
        ["category_sale_of"],
        sqlite_where=WITH_A_SALE,
        postgresql_where=WITH_A_SALE,
    )


def downgrade() -> None:
    op.drop_index("ix_products_category_sale_of", table_name="products")
