"""the shop blocks an abusive user (/block): who blocked her, when, why, and when she was
last told

- customers.blocked_at, blocked_reason, blocked_by (the admin's Telegram id): NULL for
  everyone before; set by /block, cleared by /unblock.
- customers.blocked_told_at: when she was last answered "This shop can't take your messages"
  (at most once an hour, whichever worker handles her message).
- ix_customers_blocked_at: a partial index of the blocked only, so /blocked reads its page
  from it, newest first, without reading every customer.
- ix_audit_log_blocks: the audit rows of blocks by their target, so "Delete my data" blanks
  the reasons given for blocking her without reading the whole log.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0066_customer_blocks
Revises: 0065_faq
Create Date: 2026-12-05 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0066_customer_blocks"
down_revision: str | None = "0065_faq"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("blocked_at", "blocked_reason", "blocked_by", "blocked_told_at")
BLOCKED = sa.text("blocked_at IS NOT NULL")
BLOCKS = sa.text("action = 'customer.block'")


def upgrade() -> None:
    op.add_column("customers", sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("customers", sa.Column("blocked_reason", sa.String(length=200), nullable=True))
    op.add_column("customers", sa.Column("blocked_by", sa.BigInteger(), nullable=True))
    op.add_column(
        "customers", sa.Column("blocked_told_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_customers_blocked_at",
        "customers",
        ["blocked_at", "id"],
        postgresql_where=BLOCKED,
        sqlite_where=BLOCKED,
    )
    op.create_index(
        "ix_audit_log_blocks",
        "audit_log",
        ["target"],
        postgresql_where=BLOCKS,
        sqlite_where=BLOCKS,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_log_blocks", table_name="audit_log")
    op.drop_index("ix_customers_blocked_at", table_name="customers")
    for column in reversed(COLUMNS):
        op.execute(sa.text(f"ALTER TABLE customers DROP COLUMN {column}"))
