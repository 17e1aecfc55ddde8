"""sale prices guarded by the database: a row's regular price (`compare_at_price`) is above its
price, or absent. The services have always refused anything else (bot.pricing); now
no code path can store a "sale" whose regular price is not above the price. Products, and
variants with a price of their own (a variant without one sells at the product's price and its
own `compare_at_price` is never read: bot.services.sellable.variant_compare_at).

Rows stored before that break the rule are repaired first: not on sale (NULL), which is what
every reader already made of them (bot.pricing.on_sale).

PostgreSQL: ALTER TABLE ... ADD CONSTRAINT. SQLite cannot add a constraint to a table, and a
batch (copy the table, drop the old one, rename the copy) must not run on `products`: with the
bot's foreign keys on, dropping it deletes every variant (ON DELETE CASCADE), and the copy
loses the search index's triggers and its expression indexes. So on SQLite the constraint is
written into the table's stored definition (SQLite's own procedure for a change that leaves
the stored rows as they are, https://sqlite.org/lang_altertable.html#otheralter: writable
schema, then a new schema version so every connection reads the table anew), after the
repair made every row keep it.

Revision ID: 0034_sale_above_price
Revises: 0033_price_drops
Create Date: 2026-12-04 04:20:00.000000
"""

import logging
from collections.abc import Callable, Sequence
from functools import partial

import sqlalchemy as sa
from alembic import op

revision: str = "0034_sale_above_price"
down_revision: str | None = "0033_price_drops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

# table -> (the constraint's name, what it holds); the models say the same (bot.store.models).
_RULES = {
    "products": (
        "ck_products_compare_at_above_price",
        "compare_at_price IS NULL OR compare_at_price > price",
    ),
    "product_variants": (
        "ck_product_variants_compare_at_above_price",
        "compare_at_price IS NULL OR price IS NULL OR compare_at_price > price",
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    for table, (name, rule) in _RULES.items():
        repaired = bind.execute(
            sa.text(
                f"UPDATE {table} SET compare_at_price = NULL "
                f"WHERE compare_at_price IS NOT NULL AND NOT ({rule})"
            )
        ).rowcount
        if repaired:
            log.warning(
                "%s: %s rows on a 'sale' not below their regular price: no longer on sale",
                table,
                repaired,
            )
        if bind.dialect.name == "sqlite":
            _sqlite_definition(table, partial(_added, clause=_clause(name, rule)))
        else:
            op.create_check_constraint(op.f(name), table, sa.text(rule))


def downgrade() -> None:
    bind = op.get_bind()
    for table, (name, rule) in _RULES.items():
        if bind.dialect.name == "sqlite":
            _sqlite_definition(table, partial(_taken, clause=_clause(name, rule)))
        else:
            op.drop_constraint(op.f(name), table, type_="check")


def _clause(name: str, rule: str) -> str:
    return f",\n\tCONSTRAINT {name} CHECK ({rule})"


def _added(sql: str, clause: str) -> str:
    if clause in sql:  # there already
        return sql
    body = sql.rstrip()
    if not body.endswith(")"):
        raise RuntimeError(f"unexpected table definition: {sql[:80]}...")
    return body[:-1].rstrip() + clause + "\n)"


def _taken(sql: str, clause: str) -> str:
    return sql.replace(clause, "")


def _sqlite_definition(table: str, change: Callable[[str], str]) -> None:
    """Rewrite `table`'s stored CREATE TABLE, in the migration's transaction."""
    bind = op.get_bind()
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
        {"table": table},
    ).scalar_one()
    changed = change(sql)
    if changed == sql:
        return
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :table"),
            {"sql": changed, "table": table},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
