"""a product's per-order limit guarded by the database: `max_per_order` is NULL (no limit) or a
whole number from 1 to 1000 (bot.catalog_rules.MAX_PER_ORDER), what /edit, /addproduct and
catalog files accept; 0037 added the column with the rule kept in code only.

Rows stored before that break the rule (a path that skipped the code's check) are repaired
first: no limit (NULL), logged. The constraint is added as 0034's are: ALTER TABLE on
PostgreSQL, the table's stored definition on SQLite (bot.store.check_constraints; a batch
would copy `products` and lose its variants, triggers and expression indexes).

Revision ID: 0047_max_per_order_check
Revises: 0046_product_sale_ends
Create Date: 2026-12-04 18:00:00.000000
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.check_constraints import add_check, drop_check

revision: str = "0047_max_per_order_check"
down_revision: str | None = "0046_product_sale_ends"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

# The models say the same (bot.store.models.Product).
NAME = "ck_products_max_per_order_in_range"
RULE = "max_per_order IS NULL OR (max_per_order >= 1 AND max_per_order <= 1000)"


def upgrade() -> None:
    repaired = (
        op.get_bind()
        .execute(sa.text(f"UPDATE products SET max_per_order = NULL WHERE NOT ({RULE})"))
        .rowcount
    )
    if repaired:
        log.warning("products: %s limits per order not from 1 to 1000: no limit now", repaired)
    add_check("products", NAME, RULE)


def downgrade() -> None:
    drop_check("products", NAME, RULE)
