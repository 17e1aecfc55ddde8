"""/customer: a customer found by username in any case, and her orders newest first by index

`/customer @alice` compares lower(username): an index on that expression finds her without
reading every customer. A customer's orders newest first (`WHERE customer_id = ? ORDER BY id
DESC LIMIT 10`) were read through ix_orders_customer_id; on PostgreSQL that index holds no
order by id, so the newest came from sorting all her orders (or from walking the whole
primary key backwards until enough of hers turned up). (customer_id, id) gives them in
order and replaces the one-column index, which it covers.

Revision ID: 0032_customer_lookup
Revises: 0031_compare_at_price
Create Date: 2026-12-03 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_customer_lookup"
down_revision: str | None = "0031_compare_at_price"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_customers_username_lower", "customers", [sa.text("lower(username)")])
    op.create_index("ix_orders_customer_newest", "orders", ["customer_id", "id"])
    op.drop_index("ix_orders_customer_id", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])
    op.drop_index("ix_orders_customer_newest", table_name="orders")
    op.drop_index("ix_customers_username_lower", table_name="customers")
