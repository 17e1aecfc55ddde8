"""broadcasts: each /broadcast recorded, so every worker sees one being sent and can stop it

A broadcast's stop signal lived in the memory of the worker sending it: a Stop handled by
another worker found nothing to stop, and two Sends (two admins, or one Send landing on two
workers) started two broadcasts. Each broadcast is now a row: who started it, from which chat,
its total and counts so far, its status (sending, stopping, stopped, done) and times. The
partial unique index lets one row at most be sending.

Revision ID: 0018_broadcasts
Revises: 0017_partial_refund_keeps_status
Create Date: 2026-12-04 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_broadcasts"
down_revision: str | None = "0017_partial_refund_keeps_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENDING = sa.text("status = 'sending'")


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("blocked", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    op.create_index(
        "uq_broadcasts_one_sending",
        "broadcasts",
        ["status"],
        unique=True,
        sqlite_where=SENDING,
        postgresql_where=SENDING,
    )


def downgrade() -> None:
    op.drop_index("uq_broadcasts_one_sending", table_name="broadcasts")
    op.drop_table("broadcasts")
