"""PostgreSQL: `writes_refused()`, which aborts the statement that calls it

`Store.apply` sends a visit's writes as one statement (each a data-modifying WITH query,
bot.store.postgres_driver.apply_as_one) where it took four trips (BEGIN and the chat's lock,
each write, COMMIT). A write that touches another number of rows than it expects must undo
them all: the statement's last step calls this function then, and an error undoes all a
statement did. Plain SQL has no way to raise one of its own.

Revision ID: 0015_writes_refused
Revises: 0014_search_terms_hashed
Create Date: 2026-12-01 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_writes_refused"
down_revision: str | None = "0014_search_terms_hashed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITES_REFUSED = """
CREATE OR REPLACE FUNCTION writes_refused() RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'a write touched another number of rows than it expects'
        USING ERRCODE = 'SHOP1';
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(WRITES_REFUSED))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP FUNCTION IF EXISTS writes_refused()"))
