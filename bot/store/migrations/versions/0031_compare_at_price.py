"""sale prices: a product's (and a variant's) regular price, shown struck through beside its
`price` while it is on sale ("<s>$20.00</s> $16.00 · −20%"). Minor units of the product's
currency, always above `price`; NULL: not on sale (every product before). A variant's is its
own only beside a price of its own. Carts, invoices and receipts charge `price` alone.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite, so the search index's
triggers on products stay as they are).

Revision ID: 0031_compare_at_price
Revises: 0030_reviews
Create Date: 2026-12-03 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_compare_at_price"
down_revision: str | None = "0030_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("products", "product_variants")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("compare_at_price", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # Not a batch: on SQLite a batch copies the table and would drop the search triggers.
    for table in _TABLES:
        op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN compare_at_price"))
