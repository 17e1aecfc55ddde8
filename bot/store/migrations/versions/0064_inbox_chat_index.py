"""a shopper's updates in the inbox are found by her chat, to forget them with her data

- ix_inbox_chat_id: inbox.chat_id (stored with every update since 0007: the chat, or the
  sender of an update with no chat). 🗑 Delete my data blanks the bodies of her updates the
  inbox keeps (`INBOX_KEEP_HOURS`): with the index it reads hers alone, where it read every
  update of the last day. Storing an update costs one index entry more (README "Privacy"
  has the figures).

Revision ID: 0064_inbox_chat_index
Revises: 0063_orders_created_index
Create Date: 2026-12-10 12:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0064_inbox_chat_index"
down_revision: str | None = "0063_orders_created_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_inbox_chat_id", "inbox", ["chat_id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_chat_id", table_name="inbox")
