"""written reviews: a few words with her stars, which an admin may hide

`product_ratings` gets the shopper's words (`review`, None: none), when she wrote or last
changed them (`reviewed_at`) and whether an admin hid them (`review_hidden`); one review per
shopper and product, the rating's own key. `products.review_count` counts the reviews the
card lists (not hidden), moved in the same transaction as each review, so a card reads it
with the product. A product's page of reviews, newest first, reads
`ix_product_ratings_reviews`. Added with ALTER TABLE ... ADD COLUMN (no table rebuild on
SQLite, so the search index's triggers on products stay as they are).

Revision ID: 0030_reviews
Revises: 0029_rated_index
Create Date: 2026-12-03 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_reviews"
down_revision: str | None = "0029_rated_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "products", sa.Column("review_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("product_ratings", sa.Column("review", sa.Text(), nullable=True))
    op.add_column(
        "product_ratings", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "product_ratings",
        sa.Column("review_hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index(
        "ix_product_ratings_reviews",
        "product_ratings",
        ["product_id", "review_hidden", "reviewed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_product_ratings_reviews", table_name="product_ratings")
    # Not a batch: on SQLite a batch copies the table and would drop the search triggers.
    for column in ("review_hidden", "reviewed_at", "review"):
        op.execute(sa.text(f"ALTER TABLE product_ratings DROP COLUMN {column}"))
    op.execute(sa.text("ALTER TABLE products DROP COLUMN review_count"))
