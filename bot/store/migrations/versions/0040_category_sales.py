"""categories on sale by /sale, and the day each sale ends by itself

- category_sales: one row per category on sale by /sale (its percent, when the sale ends
  (NULL: when an admin ends it), who started it and when). Written in /sale's Start
  transaction, deleted by /sale end and by the job that ends sales as planned (the delete is
  that job's claim). Indexed by ends_at, the job's one read. A sale goes with its category
  (ON DELETE CASCADE). Sales started before this revision have no row: they run until
  /sale end, as before.

Revision ID: 0040_category_sales
Revises: 0039_return_requests
Create Date: 2026-12-04 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040_category_sales"
down_revision: str | None = "0039_return_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category_sales",
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_sales_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", name=op.f("pk_category_sales")),
    )
    op.create_index(op.f("ix_category_sales_ends_at"), "category_sales", ["ends_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_category_sales_ends_at"), table_name="category_sales")
    op.drop_table("category_sales")
