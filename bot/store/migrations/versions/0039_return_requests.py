"""shoppers' return requests on delivered orders, approved (refunded) or declined by an admin

- return_requests: one row per request (the order, the shopper's Telegram id, the lines as
  JSON, a reason code, requested/approved/declined, the amount and currency, who decided
  when, and why a decline). A partial unique index keeps an order to one open (requested)
  request, also when two presses race. A request goes with its order (ON DELETE CASCADE).

Revision ID: 0039_return_requests
Revises: 0038_often_bought_with
Create Date: 2026-12-04 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039_return_requests"
down_revision: str | None = "0038_often_bought_with"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status = 'requested'")


def upgrade() -> None:
    op.create_table(
        "return_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("customer_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_return_requests_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_return_requests_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
    )
    op.create_index(op.f("ix_return_requests_order_id"), "return_requests", ["order_id"])
    op.create_index(
        "uq_return_requests_one_open",
        "return_requests",
        ["order_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_return_requests_one_open", table_name="return_requests")
    op.drop_index(op.f("ix_return_requests_order_id"), table_name="return_requests")
    op.drop_table("return_requests")
