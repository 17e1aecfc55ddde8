"""browsing: a category's products best rated first, paged from an index

"★ Rating" lists a category by `products.rating_rank`: the average of its stars pulled
towards 3 by two imagined ratings, x 100 (so one 5-star rating does not outrank fifty at
4.8), 0 while unrated. It is kept beside `rating_count` and `rating_total` by every rating
(bot.store.repositories.ratings.rank); here it is worked out once for the ratings given so
far. Its indexes are those of the other orders (0020's, and 0023's for "In stock only"),
read backwards. Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite, so the
search index's triggers on products stay as they are).

Revision ID: 0027_rating_sort
Revises: 0026_product_photos
Create Date: 2026-12-03 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_rating_sort"
down_revision: str | None = "0026_product_photos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_products = sa.table(
    "products",
    sa.column("is_active", sa.Boolean),
    sa.column("stock", sa.Integer),
    sa.column("reserved", sa.Integer),
    sa.column("options", sa.JSON),
    sa.column("rating_count", sa.Integer),
    sa.column("rating_total", sa.Integer),
    sa.column("rating_rank", sa.Integer),
)
# bot.store.models.MAYBE_IN_STOCK, word for word, as 0023 has it.
_MAYBE_IN_STOCK = sa.and_(
    _products.c.is_active.is_(True),
    sa.or_(_products.c.stock > _products.c.reserved, _products.c.options.is_not(None)),
)
_ORDER = ["rating_rank", "rating_count", "id"]


def upgrade() -> None:
    op.add_column(
        "products", sa.Column("rating_rank", sa.Integer(), server_default="0", nullable=False)
    )
    count, total = _products.c.rating_count, _products.c.rating_total
    op.execute(
        _products.update()
        .where(count > 0)
        .values(rating_rank=(total + 6) * 100 // (count + 2))  # PRIOR_STARS 3, PRIOR_RATINGS 2
    )
    op.create_index(
        "ix_products_category_rating", "products", ["category_id", "is_active", *_ORDER]
    )
    read_too = ["options"] if op.get_bind().dialect.name == "sqlite" else []
    op.create_index(
        "ix_products_in_stock_rating",
        "products",
        ["category_id", "is_active", *_ORDER, "stock", "reserved", *read_too],
        sqlite_where=_MAYBE_IN_STOCK,
        postgresql_where=_MAYBE_IN_STOCK,
    )


def downgrade() -> None:
    op.drop_index("ix_products_in_stock_rating", table_name="products")
    op.drop_index("ix_products_category_rating", table_name="products")
    # Not a batch: on SQLite a batch copies the table and would drop the search triggers.
    op.execute(sa.text("ALTER TABLE products DROP COLUMN rating_rank"))
