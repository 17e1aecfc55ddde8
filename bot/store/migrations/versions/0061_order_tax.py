"""VAT included in prices: a product's own rate, and the tax every order keeps

- products.tax_rate_bp: the product's VAT rate in basis points when not the shop's (NULL).
- order_lines.tax_rate_bp, order_lines.tax: each line's rate (NULL: not taxed) and tax.
- orders.tax_label, tax_rate_bp, shipping_tax, tax_total: what the shop called it, its rate
  (shipping's), the shipping's tax and the whole order's. An order placed before has no label,
  so it shows no tax, as before.
- refunds.tax: the tax a refund gave back (0 before).

Columns added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0061_order_tax
Revises: 0060_broadcast_recipients
Create Date: 2026-12-10 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0061_order_tax"
down_revision: str | None = "0060_broadcast_recipients"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _added() -> dict[str, list[sa.Column]]:
    """The new columns, made afresh each time (a Column belongs to one table once used)."""
    return {
        "products": [sa.Column("tax_rate_bp", sa.Integer(), nullable=True)],
        "order_lines": [
            sa.Column("tax_rate_bp", sa.Integer(), nullable=True),
            sa.Column("tax", sa.BigInteger(), nullable=False, server_default="0"),
        ],
        "orders": [
            sa.Column("tax_label", sa.String(length=16), nullable=True),
            sa.Column("tax_rate_bp", sa.Integer(), nullable=True),
            sa.Column("shipping_tax", sa.BigInteger(), nullable=False, server_default="0"),
            sa.Column("tax_total", sa.BigInteger(), nullable=False, server_default="0"),
        ],
        "refunds": [sa.Column("tax", sa.BigInteger(), nullable=False, server_default="0")],
    }


def upgrade() -> None:
    for table, columns in _added().items():
        for column in columns:
            op.add_column(table, column)


def downgrade() -> None:
    for table, columns in _added().items():
        for column in columns:
            op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column.name}"))
