"""a return's goods put back on the shelf: when an approval restocked them

- return_requests.restocked_at: NULL for every request before (none was restocked); set in
  the approval's transaction when the admin chose ✅ Approve, refund and restock, by a
  compare-and-set, so a request's lines go back in stock once however often it is approved
  (a refund the provider refused reopens the request, and a later approval finds it set).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0044_return_restock
Revises: 0043_staff
Create Date: 2026-12-04 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044_return_restock"
down_revision: str | None = "0043_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "return_requests", sa.Column("restocked_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE return_requests DROP COLUMN restocked_at"))
