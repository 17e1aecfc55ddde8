"""favourites: products a shopper saved (♡ on a product's card) to find again under /saved

One row per shopper and product; its primary key (customer, product) answers both questions
asked of it: is this product saved (the card's counts read it), and which are hers (/saved,
newest first, at most bot.services.favourites.MOST_SAVED of them).

Revision ID: 0021_favourites
Revises: 0020_category_sort_indexes
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_favourites"
down_revision: str | None = "0020_category_sort_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "favourites",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_favourites_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_favourites_product_id_products")
        ),
        sa.PrimaryKeyConstraint("customer_id", "product_id", name=op.f("pk_favourites")),
    )


def downgrade() -> None:
    op.drop_table("favourites")
