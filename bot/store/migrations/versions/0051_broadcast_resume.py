"""broadcasts remember how far they got, so another worker can go on after a crash

- broadcasts.reached_id: the customer id (ascending order) the sender last finished, written
  with its counts once a batch; 0 before the first batch.
- broadcasts.attempt: how many times a worker took it over from a dead sender; a sender writes
  only while the row is still its attempt, so a slow one taken for dead stops writing.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0051_broadcast_resume
Revises: 0050_gift_card_returned
Create Date: 2026-12-04 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051_broadcast_resume"
down_revision: str | None = "0050_gift_card_returned"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("reached_id", "attempt")


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column(
            "broadcasts", sa.Column(column, sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    for column in COLUMNS:
        op.execute(sa.text(f"ALTER TABLE broadcasts DROP COLUMN {column}"))
