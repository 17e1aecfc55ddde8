"""invoices for paid orders, numbered without gaps

- invoice_counter: one row (id 1) whose `last` is the last invoice number given.
- invoices: one per order at most, its number (unique), when it was issued and the seller's
  name, address and tax number as they were then.

Revision ID: 0067_invoices
Revises: 0066_customer_blocks
Create Date: 2026-12-05 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0067_invoices"
down_revision: str | None = "0066_customer_blocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counter = op.create_table(
        "invoice_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_counter")),
    )
    op.bulk_insert(counter, [{"id": 1, "last": 0}])
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seller", sa.String(length=120), nullable=False),
        sa.Column("seller_address", sa.Text(), nullable=False),
        sa.Column("seller_tax_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_invoices_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("order_id", name=op.f("uq_invoices_order_id")),
        sa.UniqueConstraint("sequence", name=op.f("uq_invoices_sequence")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )


def downgrade() -> None:
    op.drop_table("invoices")
    op.drop_table("invoice_counter")
