"""product ratings: shoppers who bought a product give it 1-5 stars; its card shows the average

`product_ratings` keeps one row per shopper and product (she may change her stars);
`products.rating_count` and `products.rating_total` are their count and sum, moved in the
same transaction as each rating, so a card reads the average with the product itself.
Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite, so the search index's
triggers on products stay as they are).

Revision ID: 0022_product_ratings
Revises: 0021_favourites
Create Date: 2026-12-03 14:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_product_ratings"
down_revision: str | None = "0021_favourites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for column in ("rating_count", "rating_total"):
        op.add_column(
            "products", sa.Column(column, sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "product_ratings",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stars BETWEEN 1 AND 5", name=op.f("ck_product_ratings_stars_one_to_five")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_product_ratings_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_ratings_product_id_products")
        ),
        sa.PrimaryKeyConstraint("customer_id", "product_id", name=op.f("pk_product_ratings")),
    )


def downgrade() -> None:
    op.drop_table("product_ratings")
    # Not a batch: on SQLite a batch copies the table and would drop the search triggers.
    op.execute(sa.text("ALTER TABLE products DROP COLUMN rating_total"))
    op.execute(sa.text("ALTER TABLE products DROP COLUMN rating_count"))
