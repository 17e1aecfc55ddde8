"""broadcasts to an audience, and broadcasts planned for later

- broadcasts.audience: whom it is for ("all" for every broadcast before: they went to all).
- broadcasts.text, broadcasts.send_at: the text and time of a broadcast scheduled for later
  (NULL for every broadcast before: they were sent at once).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0049_broadcast_audiences
Revises: 0048_pickup_points
Create Date: 2026-12-04 18:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0049_broadcast_audiences"
down_revision: str | None = "0048_pickup_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("audience", "text", "send_at")


def upgrade() -> None:
    op.add_column(
        "broadcasts",
        sa.Column("audience", sa.String(length=16), nullable=False, server_default="all"),
    )
    op.add_column("broadcasts", sa.Column("text", sa.Text(), nullable=True))
    op.add_column("broadcasts", sa.Column("send_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM broadcasts WHERE status IN ('scheduled', 'cancelled')"))
    for column in COLUMNS:
        op.execute(sa.text(f"ALTER TABLE broadcasts DROP COLUMN {column}"))
