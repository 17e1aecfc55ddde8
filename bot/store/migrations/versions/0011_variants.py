"""product variants: options, variants with their own SKU, stock, holds, price and photo

- products.options: the options a shopper picks (None: sold as one unit);
  products.option_words: the variants' option values, searched with the title and
  description (the search triggers of 0008 are made again over the longer text);
- product_variants: one row per combination sold;
- cart_lines / order_lines / restock_subscriptions.variant_id: the variant bought or waited
  for, 0 for a product without variants (0, not NULL, so uniqueness per cart line and per
  subscription stays a plain constraint); order_lines.title grows to hold "Title - M / Oat".

Revision ID: 0011_variants
Revises: 0010_promo_tips_notes
Create Date: 2026-11-30 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_variants"
down_revision: str | None = "0010_promo_tips_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_triggers(text: str, watched: str) -> tuple[str, ...]:
    """0008's search triggers over `text` (a row's searchable words), fired by `watched`."""
    row_text = {row: text.format(row=row) for row in ("new", "old")}
    changed = " OR ".join(f"new.{c} IS NOT old.{c}" for c in watched.split(", "))
    return (
        "DROP TRIGGER IF EXISTS search_products_after_insert",
        "DROP TRIGGER IF EXISTS search_products_after_update",
        "DROP TRIGGER IF EXISTS search_products_after_delete",
        f"""CREATE TRIGGER search_products_after_insert AFTER INSERT ON products BEGIN
            INSERT INTO search_products (rowid, words)
                SELECT new.id, {row_text["new"]} WHERE new.is_active;
            INSERT OR IGNORE INTO search_terms (term)
                SELECT value FROM json_each(search_words({row_text["new"]}));
        END""",
        f"""CREATE TRIGGER search_products_after_update
        AFTER UPDATE OF {watched}, is_active ON products BEGIN
            INSERT INTO search_products (search_products, rowid, words)
                SELECT 'delete', old.id, {row_text["old"]} WHERE old.is_active;
            INSERT INTO search_products (rowid, words)
                SELECT new.id, {row_text["new"]} WHERE new.is_active;
            INSERT OR IGNORE INTO search_terms (term)
                SELECT value FROM json_each(search_words({row_text["new"]}))
                WHERE {changed};
        END""",
        f"""CREATE TRIGGER search_products_after_delete AFTER DELETE ON products
        WHEN old.is_active BEGIN
            INSERT INTO search_products (search_products, rowid, words)
                VALUES ('delete', old.id, {row_text["old"]});
        END""",
    )


def _postgres_search(text: str, watched: str) -> tuple[str, ...]:
    """0008's generated words column and its indexes over `text`."""
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched.split(", "))
    return (
        "DROP TRIGGER IF EXISTS search_terms_after_edit ON products",
        "DROP INDEX IF EXISTS ix_search_products",
        "ALTER TABLE products DROP COLUMN search_vector",
        "ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"(array_to_tsvector(search_words({text.format(row='products')}))) STORED",
        "CREATE INDEX ix_search_products ON products USING gin (search_vector) WHERE is_active",
        f"""CREATE TRIGGER search_terms_after_edit AFTER UPDATE OF {watched} ON products
        FOR EACH ROW WHEN ({changed})
        EXECUTE FUNCTION search_terms_from_edited_product()""",
    )


OLD_TEXT, OLD_WATCHED = "{row}.title || ' ' || {row}.description", "title, description"
NEW_TEXT = "{row}.title || ' ' || {row}.description || ' ' || {row}.option_words"
NEW_WATCHED = "title, description, option_words"


def upgrade() -> None:
    op.add_column("products", sa.Column("options", sa.JSON(), nullable=True))
    op.add_column(
        "products", sa.Column("option_words", sa.Text(), server_default="", nullable=False)
    )
    op.create_table(
        "product_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("photo", sa.String(length=512), nullable=True),
        sa.Column("photo_file_id", sa.String(length=256), nullable=True),
        sa.CheckConstraint(
            "price IS NULL OR price >= 0", name=op.f("ck_product_variants_price_not_negative")
        ),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_product_variants_reserved_not_negative")),
        sa.CheckConstraint(
            "stock >= reserved", name=op.f("ck_product_variants_stock_covers_reserved")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_variants_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_variants")),
        sa.UniqueConstraint("sku", name=op.f("uq_product_variants_sku")),
    )
    op.create_index(
        op.f("ix_product_variants_product_id"), "product_variants", ["product_id"], unique=False
    )
    with op.batch_alter_table("cart_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("variant_id", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_constraint("uq_cart_lines_cart_product", type_="unique")
        batch_op.create_unique_constraint(
            "uq_cart_lines_cart_product_variant", ["cart_id", "product_id", "variant_id"]
        )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("variant_id", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.alter_column(
            "title", existing_type=sa.String(length=128), type_=sa.String(length=160)
        )
    with op.batch_alter_table("restock_subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("variant_id", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_constraint("uq_restock_subscriptions_customer", type_="unique")
        batch_op.create_unique_constraint(
            "uq_restock_subscriptions_variant", ["customer_id", "product_id", "variant_id"]
        )
    _search_over(NEW_TEXT, NEW_WATCHED)


def downgrade() -> None:
    _search_over(OLD_TEXT, OLD_WATCHED)
    with op.batch_alter_table("restock_subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_restock_subscriptions_variant", type_="unique")
        batch_op.create_unique_constraint(
            "uq_restock_subscriptions_customer", ["customer_id", "product_id"]
        )
        batch_op.drop_column("variant_id")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.alter_column(
            "title", existing_type=sa.String(length=160), type_=sa.String(length=128)
        )
        batch_op.drop_column("variant_id")
    with op.batch_alter_table("cart_lines", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cart_lines_cart_product_variant", type_="unique")
        batch_op.create_unique_constraint("uq_cart_lines_cart_product", ["cart_id", "product_id"])
        batch_op.drop_column("variant_id")
    op.drop_index(op.f("ix_product_variants_product_id"), table_name="product_variants")
    op.drop_table("product_variants")
    # Not batches: on SQLite those would copy `products` (and drop its triggers).
    op.execute(sa.text("ALTER TABLE products DROP COLUMN option_words"))
    op.execute(sa.text("ALTER TABLE products DROP COLUMN options"))


def _search_over(text: str, watched: str) -> None:
    """The search index's triggers (and, on PostgreSQL, its words column) over `text`. The
    words of a product without variants are the same either way (option_words is empty), so
    rows indexed before stay right."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    statements = _postgres_search(text, watched) if postgresql else _sqlite_triggers(text, watched)
    for statement in statements:
        op.execute(sa.text(statement))
