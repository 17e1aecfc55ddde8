"""staff (STAFF_IDS): an order's note names who wrote it as she was then

- order_notes.author: "staff:9002" or "admin:9001" (bot.permissions.actor_name), kept when
  the note is written; NULL for every note before, all of them an admin's.

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0043_staff
Revises: 0042_search_words_faster
Create Date: 2026-12-04 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043_staff"
down_revision: str | None = "0042_search_words_faster"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("order_notes", sa.Column("author", sa.String(64), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE order_notes DROP COLUMN author"))
