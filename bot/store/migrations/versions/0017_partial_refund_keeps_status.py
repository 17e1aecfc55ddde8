"""A partial refund keeps the order's status: partially_refunded orders get theirs back

"partially_refunded" was a status, and it replaced the one the order had: a delivered order
that got $5 back could be shipped again, or cancelled with its goods put back in stock. Now
the refunded amount (orders.refunded_amount, kept all along) stands beside the status, which
still says how far the goods went (bot.store.order_states). Each order still in
partially_refunded gets back the status it had before its first partial refund, read from its
history (paid if the history does not say), and its history records the move.

Downgrading puts every paid, shipped or delivered order with part of its money back in
partially_refunded again, as the old code expects.

Revision ID: 0017_partial_refund_keeps_status
Revises: 0016_search_titles_by_id
Create Date: 2026-12-03 06:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0017_partial_refund_keeps_status"
down_revision: str | None = "0016_search_titles_by_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTLY = "partially_refunded"
KEEPS_PARTIAL_REFUND = ("paid", "shipped", "delivered")
NOTE = "a partial refund now keeps the status beside the refunded amount"

orders = sa.table(
    "orders",
    sa.column("id", sa.Integer()),
    sa.column("status", sa.String(32)),
    sa.column("refunded_amount", sa.BigInteger()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
events = sa.table(
    "order_events",
    sa.column("id", sa.Integer()),
    sa.column("order_id", sa.Integer()),
    sa.column("from_status", sa.String(32)),
    sa.column("to_status", sa.String(32)),
    sa.column("actor", sa.String(64)),
    sa.column("note", sa.Text()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _status_before(bind: sa.Connection, order_id: int) -> str:
    """The last status the order had other than partially_refunded: paid, shipped or
    delivered (it was shipped or delivered while partially refunded, if the old code let it)."""
    found = bind.scalar(
        sa.select(events.c.to_status)
        .where(events.c.order_id == order_id, events.c.to_status != PARTLY)
        .order_by(events.c.id.desc())
        .limit(1)
    )
    return found if found in KEEPS_PARTIAL_REFUND else "paid"


def upgrade() -> None:
    bind = op.get_bind()
    ids = bind.scalars(sa.select(orders.c.id).where(orders.c.status == PARTLY)).all()
    now = datetime.now(UTC)
    for order_id in ids:
        status = _status_before(bind, order_id)
        bind.execute(
            orders.update().where(orders.c.id == order_id).values(status=status, updated_at=now)
        )
        bind.execute(
            events.insert().values(
                order_id=order_id,
                from_status=PARTLY,
                to_status=status,
                actor="system",
                note=NOTE,
                created_at=now,
            )
        )


def downgrade() -> None:
    op.get_bind().execute(
        orders.update()
        .where(orders.c.status.in_(KEEPS_PARTIAL_REFUND), orders.c.refunded_amount > 0)
        .values(status=PARTLY)
    )
