"""sale prices guarded by the database: a row's regular price (`compare_at_price`) is above its
price, or absent. The services have always refused anything else (bot.pricing); now
no code path can store a "sale" whose regular price is not above the price. Products, and
variants with a price of their own (a variant without one sells at the product's price and its
own `compare_at_price` is never read: bot.services.sellable.variant_compare_at).

Rows stored before that break the rule are repaired first: not on sale (NULL), which is what
every reader already made of them (bot.pricing.on_sale).

PostgreSQL: ALTER TABLE ... ADD CONSTRAINT. On SQLite the constraint is written into the
table's stored definition, after the repair made every row keep it: a batch would copy
`products` and lose its variants, triggers and expression indexes (bot.store.check_constraints).

Revision ID: 0034_sale_above_price
Revises: 0033_price_drops
Create Date: 2026-12-04 04:20:00.000000
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.check_constraints import add_check, drop_check

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
        add_check(table, name, rule)


def downgrade() -> None:
    for table, (name, rule) in _RULES.items():
        drop_check(table, name, rule)
