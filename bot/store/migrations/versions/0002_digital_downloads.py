"""digital downloads: products.download(+_file_id), order_lines.gift_codes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("download", sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column("download_file_id", sa.String(length=256), nullable=True))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gift_codes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("gift_codes")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("download_file_id")
        batch_op.drop_column("download")
