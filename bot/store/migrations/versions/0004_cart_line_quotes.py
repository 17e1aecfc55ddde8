"""cart_lines.quoted_price: the price a shopper was shown, kept on the cart line

Until now it lived in the chat's JSON (ChatState.data["shopper"]["quotes"]); a line without a
quote counts as quoted at today's price, so existing carts need no data copied.

Revision ID: 0004
Revises: 0007
Create Date: 2026-12-04 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cart_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quoted_price", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cart_lines", schema=None) as batch_op:
        batch_op.drop_column("quoted_price")
