"""the admins' morning report: sent once a day, each admin may turn hers off.

- daily_reports: one row per day reported on (`report_date`, the shop's day, on its clock),
  inserted before the report goes out. Its primary key is the claim: of any number of
  workers (and restarts) exactly one inserts the row for a day, and only that one sends.
- customers.morning_report: an admin's switch in /settings, on by default.

Revision ID: 0035_daily_reports
Revises: 0034_sale_above_price
Create Date: 2026-12-04 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_daily_reports"
down_revision: str | None = "0034_sale_above_price"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_reports",
        sa.Column("report_date", sa.Date(), primary_key=True, autoincrement=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column(
        "customers",
        sa.Column("morning_report", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE customers DROP COLUMN morning_report"))
    op.drop_table("daily_reports")
