"""search_terms read by prefix on PostgreSQL: an index in bytewise (C) order

A search names the few index terms a query word begins (bot.store.repositories.search,
PREFIX_TERMS) rather than asking the text index for the prefix, which merges every such
term's list of products. Finding those terms is a range of the vocabulary; on PostgreSQL the
primary key's order is the database's collation, where a range is not a prefix, so this
index keeps the terms in bytewise order. SQLite compares text bytewise already.

Revision ID: 0013_search_terms_bytewise
Revises: 0012_languages
Create Date: 2026-11-30 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_search_terms_bytewise"
down_revision: str | None = "0012_languages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            sa.text('CREATE INDEX ix_search_terms_bytewise ON search_terms (term COLLATE "C")')
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP INDEX IF EXISTS ix_search_terms_bytewise"))
