"""the shop's answers to the questions shoppers often ask (/faq)

- faq_entries: a question and its answer in the shop's default language, its versions in
  the other languages (JSON), and its place in the list.

Revision ID: 0065_faq
Revises: 0064_inbox_chat_index
Create Date: 2026-12-12 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0065_faq"
down_revision: str | None = "0064_inbox_chat_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entries")),
    )


def downgrade() -> None:
    op.drop_table("faq_entries")
