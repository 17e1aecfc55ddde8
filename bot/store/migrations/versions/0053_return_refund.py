"""an approved return's refund: the pending refund set aside in the approval's transaction

- return_requests.refund_id: the refund (refunds.id) an approval set aside, in the decision's
  own transaction, so a crash between the decision and the provider's refund leaves it
  pending for the pending-refunds job rather than an approved return nobody refunds. NULL for
  every request before (declined, waiting, or approved and refunded the old way), and for a
  request reopened because its refund was refused.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0053_return_refund
Revises: 0052_sale_of_index
Create Date: 2026-12-05 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0053_return_refund"
down_revision: str | None = "0052_sale_of_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("return_requests", sa.Column("refund_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE return_requests DROP COLUMN refund_id"))
