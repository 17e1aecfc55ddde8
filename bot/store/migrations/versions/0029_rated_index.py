"""/stats: the best- and worst-rated products on sale read from the two ends of an index

/stats names the 3 best- and 3 worst-rated products on sale among those with at least 3
ratings (bot.services.reports.RATED_AT_LEAST), by their average stars. Ordered by an average
no index held, both databases read every product to rank them (about 250 ms on PostgreSQL at
100,000 products). A partial index on the average, holding only products on sale with at
least 3 ratings, is read from its top for the best and from its bottom for the worst; it
stays small (only rated products) and is written only when a rating moves. Its predicate
names the 3 as a literal: a partial index serves a query whose WHERE holds the same terms,
so the query writes its threshold inline (bot.store.repositories.ratings).

Revision ID: 0029_rated_index
Revises: 0028_sales_pause
Create Date: 2026-12-03 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_rated_index"
down_revision: str | None = "0028_sales_pause"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_products = sa.table(
    "products",
    sa.column("is_active", sa.Boolean),
    sa.column("rating_count", sa.Integer),
)
# bot.store.models.RATED_ON_SALE, word for word.
_RATED_ON_SALE = sa.and_(
    _products.c.is_active.is_(True), _products.c.rating_count >= sa.literal_column("3")
)


def upgrade() -> None:
    op.create_index(
        "ix_products_rated",
        "products",
        [sa.text("(CAST(rating_total AS FLOAT) / rating_count)"), "rating_count"],
        sqlite_where=_RATED_ON_SALE,
        postgresql_where=_RATED_ON_SALE,
    )


def downgrade() -> None:
    op.drop_index("ix_products_rated", table_name="products")
