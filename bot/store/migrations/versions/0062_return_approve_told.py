"""an approved return's message to the shopper: taken for sending once, sent by a job if owed

- return_requests.approve_told_at: when her message about an approval was taken for sending
  (a compare-and-set just before the send, so it goes out once). NULL on an approved
  request whose refund is recorded means the bot died between the refund and that moment:
  the job sends it. Every request approved before is marked told at its decision (her
  message went out then, or was lost with no way to know), so the job sends no old one.
- ix_return_requests_approve_untold: only the approved requests not told yet (nearly none),
  so the job reads an empty index, not the table.
- ix_return_requests_refund_id: the request a refund belongs to, asked as every refund ends
  (a return's refund writes its outcome in the audit log, or reopens the request).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0062_return_approve_told
Revises: 0061_order_tax
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0062_return_approve_told"
down_revision: str | None = "0061_order_tax"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNTOLD = sa.text("status = 'approved' AND approve_told_at IS NULL")


def upgrade() -> None:
    op.add_column(
        "return_requests", sa.Column("approve_told_at", sa.DateTime(timezone=True), nullable=True)
    )
    # the index before the UPDATE, as in 0058: PostgreSQL may plan with it at once
    op.create_index(
        "ix_return_requests_approve_untold",
        "return_requests",
        ["id"],
        sqlite_where=UNTOLD,
        postgresql_where=UNTOLD,
    )
    op.create_index("ix_return_requests_refund_id", "return_requests", ["refund_id"])
    op.execute(
        sa.text(
            "UPDATE return_requests SET approve_told_at = COALESCE(decided_at, created_at) "
            "WHERE status = 'approved'"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_return_requests_refund_id", table_name="return_requests")
    op.drop_index("ix_return_requests_approve_untold", table_name="return_requests")
    op.execute(sa.text("ALTER TABLE return_requests DROP COLUMN approve_told_at"))
