"""the order lines a refund gave back: an admin's "SKU quantity" refund names them

- refunds.lines: JSON `{"<order line id>": units}` for a refund of some units of a line (the
  admin's Refund with "STA-PEN-FTN 1"); NULL for every refund before, and for one of a typed
  amount or of everything (they name no line). A return's offer leaves out the units a refund
  gave back already, so her return of a line the shop refunded by hand is not paid twice.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0055_refund_lines
Revises: 0054_paid_at_index
Create Date: 2026-12-05 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0055_refund_lines"
down_revision: str | None = "0054_paid_at_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("refunds", sa.Column("lines", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE refunds DROP COLUMN lines"))
