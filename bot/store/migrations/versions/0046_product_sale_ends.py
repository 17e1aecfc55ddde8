"""when a product's category sale ends, on the product's row, so its card reads it with the
product in the one SELECT it costs (issue 9's round trip)

- products.category_sale_ends_at: the end of the running /sale of `category_sale_of` (the
  category it was written for; NULL: no end date, or no sale); the card shows "Sale ends
  Dec 31" only while the product is on sale and still in that category.
- Written in the transaction that starts, re-dates or ends the category's sale
  (bot.store.repositories.category_sales); filled here from the sales running.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite, so the search index's
triggers on products stay as they are).

Revision ID: 0046_product_sale_ends
Revises: 0045_gift_cards
Create Date: 2026-12-04 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0046_product_sale_ends"
down_revision: str | None = "0045_gift_cards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "products", sa.Column("category_sale_ends_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("products", sa.Column("category_sale_of", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE products SET category_sale_of = category_id, category_sale_ends_at = "
            "(SELECT ends_at FROM category_sales WHERE category_sales.category_id = "
            "products.category_id) "
            "WHERE category_id IN (SELECT category_id FROM category_sales)"
        )
    )


def downgrade() -> None:
    # Not a batch: on SQLite a batch copies the table and would drop the search triggers.
    op.execute(sa.text("ALTER TABLE products DROP COLUMN category_sale_of"))
    op.execute(sa.text("ALTER TABLE products DROP COLUMN category_sale_ends_at"))
