"""a declined return's message to the shopper: taken for sending once, sent by a job if owed

- return_requests.decline_told_at: when her message about a decline was taken for sending (a
  compare-and-set just before the send, so it goes out once). NULL on a declined request
  means the bot died between the decision and that moment: the job sends it. Every request
  declined before is marked told at its decision (her message went out then, or was lost
  with no way to know), so the job does not send old declines again.
- ix_return_requests_decline_untold: only the declined requests still owed their message
  (nearly none), so the job reads an empty index, not the table.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0058_return_decline_told
Revises: 0057_refund_card_shares
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0058_return_decline_told"
down_revision: str | None = "0057_refund_card_shares"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNTOLD = sa.text("status = 'declined' AND decline_told_at IS NULL")


def upgrade() -> None:
    op.add_column(
        "return_requests", sa.Column("decline_told_at", sa.DateTime(timezone=True), nullable=True)
    )
    # the index before the UPDATE: built over rows no UPDATE has touched yet, PostgreSQL may
    # plan with it at once (an index built after HOT updates waits for older snapshots)
    op.create_index(
        "ix_return_requests_decline_untold",
        "return_requests",
        ["id"],
        sqlite_where=UNTOLD,
        postgresql_where=UNTOLD,
    )
    op.execute(
        sa.text(
            "UPDATE return_requests SET decline_told_at = COALESCE(decided_at, created_at) "
            "WHERE status = 'declined'"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_return_requests_decline_untold", table_name="return_requests")
    op.execute(sa.text("ALTER TABLE return_requests DROP COLUMN decline_told_at"))
