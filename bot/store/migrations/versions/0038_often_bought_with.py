"""Often bought with this: how many paid orders held each pair of products.

- product_pairs: (product_id, other_id, orders), one row each way for every two distinct
  products that a paid, shipped or delivered order holds together, `orders` counting those
  orders. The product card reads a product's top 3 from ix_product_pairs_top (product_id,
  orders descending, other_id) instead of counting order lines at every view; the order
  lifecycle keeps the counts as orders are paid, cancelled and refunded
  (bot.store.repositories.pairs).
- Filled here from the orders paid so far, in one INSERT ... SELECT (a product bought in two
  sizes in one order counts that order once).

Revision ID: 0038_often_bought_with
Revises: 0037_max_per_order
Create Date: 2026-12-04 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038_often_bought_with"
down_revision: str | None = "0037_max_per_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_pairs",
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), primary_key=True),
        sa.Column("other_id", sa.Integer(), sa.ForeignKey("products.id"), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_product_pairs_top",
        "product_pairs",
        ["product_id", sa.text("orders DESC"), "other_id"],
    )
    op.execute(
        sa.text(
            "INSERT INTO product_pairs (product_id, other_id, orders)"
            " SELECT a.product_id, b.product_id, COUNT(DISTINCT a.order_id)"
            " FROM order_lines a"
            " JOIN order_lines b ON b.order_id = a.order_id AND b.product_id <> a.product_id"
            " JOIN orders o ON o.id = a.order_id"
            " WHERE o.status IN ('paid', 'shipped', 'delivered')"  # order_states.PAID_FOR
            " GROUP BY a.product_id, b.product_id"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_product_pairs_top", table_name="product_pairs")
    op.drop_table("product_pairs")
