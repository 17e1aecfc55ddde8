"""refund attempts: a second payment's refund the provider could not be reached for is tried
again by the pending-refunds job, a few times with pauses; `refunds.attempts` counts the
tries that failed (0 for every refund before).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0025_refund_attempts
Revises: 0024_sku_upper_index
Create Date: 2026-12-03 14:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_refund_attempts"
down_revision: str | None = "0024_sku_upper_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    attempts = sa.Column("attempts", sa.Integer(), server_default="0", nullable=False)
    op.add_column("refunds", attempts)


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE refunds DROP COLUMN attempts"))
