"""a shopper's "Delete my data" (/privacy): when her data was deleted at her request

- customers.forgotten_at: NULL for everyone before; set when she deleted her data (her
  row stays, anonymised, so her orders keep their customer for the shop's accounts).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0041_forget
Revises: 0040_category_sales
Create Date: 2026-12-04 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041_forget"
down_revision: str | None = "0040_category_sales"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE customers DROP COLUMN forgotten_at"))
