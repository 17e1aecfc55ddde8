"""browsing: "In stock only" pages from indexes of what may be in stock

A category page with "In stock only" read every row it skipped to see its stock (~15 ms at
page 400 of 100,000 products). One partial index per order holds only the products on sale
that may be in stock (some stock not held, or sold as variants) with their stock and holds,
so a deep page skips index entries as the other orders do; and one of what may be sold out
(no stock left unheld: sold out, or sold as variants), to count what is in stock as the
category's kept counter less those, fewer than the rest in most shops. The conditions are
bot.store.models.MAYBE_IN_STOCK and MAYBE_SOLD_OUT as of this revision; the queries repeat
them word for word, as SQLite needs, and SQLite also finds `options` in the index so as not
to read the row for it (PostgreSQL cannot index json, and needs not: it knows the index's
condition holds).

Revision ID: 0023_in_stock_indexes
Revises: 0022_product_ratings
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_in_stock_indexes"
down_revision: str | None = "0022_product_ratings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_products = sa.table(
    "products",
    sa.column("is_active", sa.Boolean),
    sa.column("stock", sa.Integer),
    sa.column("reserved", sa.Integer),
    sa.column("options", sa.JSON),
)
_MAYBE_IN_STOCK = sa.and_(
    _products.c.is_active.is_(True),
    sa.or_(_products.c.stock > _products.c.reserved, _products.c.options.is_not(None)),
)
_MAYBE_SOLD_OUT = sa.and_(
    _products.c.is_active.is_(True), _products.c.stock <= _products.c.reserved
)
_INDEXES = {
    "ix_products_in_stock_browse": ["title", "id"],
    "ix_products_in_stock_price": ["currency", "price", "id"],
    "ix_products_in_stock_newest": ["created_at", "id"],
}


def upgrade() -> None:
    read_too = ["options"] if op.get_bind().dialect.name == "sqlite" else []
    for name, columns in _INDEXES.items():
        op.create_index(
            name,
            "products",
            ["category_id", "is_active", *columns, "stock", "reserved", *read_too],
            sqlite_where=_MAYBE_IN_STOCK,
            postgresql_where=_MAYBE_IN_STOCK,
        )

    op.create_index(
        "ix_products_in_stock_sold_out",
        "products",
        ["category_id", "is_active", "stock", "reserved", "id"],
        sqlite_where=_MAYBE_SOLD_OUT,
        postgresql_where=_MAYBE_SOLD_OUT,
    )


def downgrade() -> None:
    op.drop_index("ix_products_in_stock_sold_out", table_name="products")
    for name in reversed(_INDEXES):
        op.drop_index(name, table_name="products")
