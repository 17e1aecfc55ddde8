"""delivery time slots

- delivery_slots: one row per day and window ("10:00-12:00") once booked or closed, with
  the seats taken and whether /slots closed it; unique per (day, window).
- orders.delivery_day, orders.delivery_window: when the order is to arrive (NULL: not asked,
  as every order before this revision); orders.delivery_slot_released: its seat went back.
- carts.delivery_slot: the time the shopper chose on the summary ("2026-12-07 10:00-12:00").

Revision ID: 0070_delivery_slots
Revises: 0069_quantity_tiers
Create Date: 2026-12-06 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0070_delivery_slots"
down_revision: str | None = "0069_quantity_tiers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("window", sa.String(length=11), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_slots")),
        sa.UniqueConstraint("day", "window", name="uq_delivery_slots_day_window"),
    )
    op.add_column("orders", sa.Column("delivery_day", sa.Date(), nullable=True))
    op.add_column("orders", sa.Column("delivery_window", sa.String(length=11), nullable=True))
    op.add_column(
        "orders",
        sa.Column(
            "delivery_slot_released", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.add_column("carts", sa.Column("delivery_slot", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE carts DROP COLUMN delivery_slot"))
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN delivery_slot_released"))
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN delivery_window"))
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN delivery_day"))
    op.drop_table("delivery_slots")
