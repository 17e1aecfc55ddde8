"""the category sales started before 0040 get their row, found in the audit log

- category_sales: a row for each category whose last `sale.start` or `sale.end` in the audit
  log (every /sale has written one, from the first) is a start, that has no row yet (a sale
  started before 0040) and still has a product on sale: its percent and who started it and
  when from that entry, no end date (such a sale runs until /sale end, as before). So /sale
  and /admin list it, and its end date can be set, as for any sale /sale started.
- products.category_sale_of: the products of such a category are the ones its sale covers
  (what its end gives back), as 0046 marked those of the sales running then.

The entry names the category by its title at the time: a category renamed since, or whose
title another category shares, is not guessed at (its sale still ends by /sale end, which
ends every price on sale in a category without a row). Down, the rows stay: they are what
/sale would have written.

Revision ID: 0056_sales_before_0040
Revises: 0055_refund_lines
Create Date: 2026-12-05 05:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0056_sales_before_0040"
down_revision: str | None = "0055_refund_lines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as this revision has them (never today's models).
_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("actor_telegram_id", sa.BigInteger),
    sa.column("action", sa.String),
    sa.column("target", sa.String),
    sa.column("details", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_categories = sa.table("categories", sa.column("id", sa.Integer), sa.column("title", sa.String))
_sales = sa.table(
    "category_sales",
    sa.column("category_id", sa.Integer),
    sa.column("percent", sa.Integer),
    sa.column("ends_at", sa.DateTime(timezone=True)),
    sa.column("started_by", sa.BigInteger),
    sa.column("started_at", sa.DateTime(timezone=True)),
)
_products = sa.table(
    "products",
    sa.column("id", sa.Integer),
    sa.column("category_id", sa.Integer),
    sa.column("compare_at_price", sa.BigInteger),
    sa.column("category_sale_of", sa.Integer),
    sa.column("category_sale_ends_at", sa.DateTime(timezone=True)),
)
_variants = sa.table(
    "product_variants",
    sa.column("product_id", sa.Integer),
    sa.column("compare_at_price", sa.BigInteger),
)
SALE_PERCENTS = range(1, 91)  # what /sale has ever taken (bot.pricing.SALE_PERCENTS)


def _last_starts(bind: sa.Connection) -> dict[str, Any]:
    """Category title -> its last `sale.start` entry, for the titles whose last sale entry
    is a start."""
    last: dict[str, Any] = {}
    rows = bind.execute(
        sa.select(_audit)
        .where(_audit.c.action.in_(("sale.start", "sale.end")), _audit.c.target.is_not(None))
        .order_by(_audit.c.id)
    )
    for row in rows:
        last[row.target] = row
    return {title: row for title, row in last.items() if row.action == "sale.start"}


def _has_a_price_on_sale(bind: sa.Connection, category_id: int) -> bool:
    """A product of the category, or a variant priced on its own, has its regular price."""
    products = (
        sa.select(_products.c.category_id)
        .where(_products.c.category_id == category_id, _products.c.compare_at_price.is_not(None))
        .exists()
    )
    variants = (
        sa.select(_variants.c.product_id)
        .join(_products, _products.c.id == _variants.c.product_id)
        .where(_products.c.category_id == category_id, _variants.c.compare_at_price.is_not(None))
        .exists()
    )
    return bool(bind.scalar(sa.select(sa.or_(products, variants))))


def upgrade() -> None:
    bind = op.get_bind()
    running = set(bind.scalars(sa.select(_sales.c.category_id)))
    for title, entry in _last_starts(bind).items():
        percent = (entry.details or {}).get("percent")
        if not isinstance(percent, int) or percent not in SALE_PERCENTS:
            continue
        named = list(bind.scalars(sa.select(_categories.c.id).where(_categories.c.title == title)))
        if len(named) != 1 or named[0] in running:
            continue
        (category_id,) = named
        if not _has_a_price_on_sale(
            bind, category_id
        ):  # its prices all went back since (/price, /edit): nothing runs
            continue
        bind.execute(
            sa.insert(_sales).values(
                category_id=category_id,
                percent=percent,
                ends_at=None,
                started_by=entry.actor_telegram_id,
                started_at=entry.created_at,
            )
        )
        bind.execute(
            sa.update(_products)
            .where(_products.c.category_id == category_id)
            .values(category_sale_of=category_id, category_sale_ends_at=None)
        )
        running.add(category_id)


def downgrade() -> None:
    pass  # the rows stay: a /sale of today would have written them
