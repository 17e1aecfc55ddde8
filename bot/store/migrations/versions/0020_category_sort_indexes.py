"""browsing: a category's products by price and by age, paged from an index

A shopper can list a category by price (low to high or high to low, within a currency) and
newest first, not only by name. Each order gets the index name order has had since 0008, so
a deep page skips index entries instead of sorting the category's rows; the descending orders
read their index backwards.

Revision ID: 0020_category_sort_indexes
Revises: 0019_search_plain_text
Create Date: 2026-12-03 11:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020_category_sort_indexes"
down_revision: str | None = "0019_search_plain_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_category_price", ["category_id", "is_active", "currency", "price", "id"]
        )
        batch_op.create_index(
            "ix_products_category_newest", ["category_id", "is_active", "created_at", "id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_category_newest")
        batch_op.drop_index("ix_products_category_price")
