"""product photos: a product's gallery, the photos shown after its main one (`products.photo`)
on its card (◀ 1/3 ▶) and on the storefront page. `products.photos` is a JSON list of
{"photo": <path, URL or file_id as the catalog names it>, "file_id": <Telegram's, once sent>};
NULL for a product of one photo (every product before).

Added with ALTER TABLE ... ADD COLUMN (no table rebuild on SQLite).

Revision ID: 0026_product_photos
Revises: 0025_refund_attempts
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_product_photos"
down_revision: str | None = "0025_refund_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("photos", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE products DROP COLUMN photos"))
