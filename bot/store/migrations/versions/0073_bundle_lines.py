"""an order line of a set keeps the parts it was sold with

- order_lines.bundle: the set's parts when the order was placed, as products.bundle keeps
  them; NULL: a line sold as itself. A release, sale or restock of the line moves these, so
  a set changed by /bundle after the order gives back what the order took. Lines of sets
  placed before this revision are given the set's parts as they are now (the best known).
- ix_products_sets: the sets, a partial index of the few products with a bundle, so "In stock
  only" pages and the back-in-stock pass read them without scanning the catalog.

Revision ID: 0073_bundle_lines
Revises: 0072_bundles
Create Date: 2026-12-06 04:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0073_bundle_lines"
down_revision: str | None = "0072_bundles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("bundle", sa.JSON(), nullable=True))
    op.create_index(
        "ix_products_sets",
        "products",
        ["id"],
        sqlite_where=sa.text("bundle IS NOT NULL"),
        postgresql_where=sa.text("bundle IS NOT NULL"),
    )
    op.execute(
        sa.text(
            "UPDATE order_lines SET bundle = (SELECT p.bundle FROM products p"
            " WHERE p.id = order_lines.product_id)"
            " WHERE variant_id = 0 AND product_id IN"
            " (SELECT id FROM products WHERE bundle IS NOT NULL)"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_products_sets", table_name="products")
    op.execute(sa.text("ALTER TABLE order_lines DROP COLUMN bundle"))
