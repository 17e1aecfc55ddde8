"""languages: the shopper's chosen language; product and category names per language

- customers.language: what the shopper chose with /language (NULL: their Telegram language,
  else the shop's DEFAULT_LANGUAGE);
- products.translations / categories.translations: titles and descriptions per language from
  the catalog file ({"ru": {"title": ..., "description": ...}}, {"ru": "Кухня"});
- products.translated_text: those translations' words, so the search index (migration 0008)
  finds a product by its name in any language. Its triggers (SQLite) and generated column
  (PostgreSQL), as 0011_variants left them (title, description, option words), now take this
  column in too, and the index is rebuilt.

Revision ID: 0012_languages
Revises: 0011_variants
Create Date: 2026-11-30 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_languages"
down_revision: str | None = "0011_variants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What 0011_variants left: the title, the description and the variants' option values.
_BEFORE = "{row}.title || ' ' || {row}.description || ' ' || {row}.option_words"
_AFTER = _BEFORE + " || ' ' || {row}.translated_text"


def _sqlite_triggers(text: str, watched: str) -> tuple[str, ...]:
    """Migration 0008's product triggers over `text` (the words a product is found by)."""
    return (
        f"""CREATE TRIGGER search_products_after_insert AFTER INSERT ON products BEGIN
            INSERT INTO search_products (rowid, words)
                SELECT new.id, {text.format(row="new")} WHERE new.is_active;
            INSERT OR IGNORE INTO search_terms (term)
                SELECT value FROM json_each(search_words({text.format(row="new")}));
        END""",
        f"""CREATE TRIGGER search_products_after_update
        AFTER UPDATE OF {watched}, is_active ON products BEGIN
            INSERT INTO search_products (search_products, rowid, words)
                SELECT 'delete', old.id, {text.format(row="old")} WHERE old.is_active;
            INSERT INTO search_products (rowid, words)
                SELECT new.id, {text.format(row="new")} WHERE new.is_active;
            INSERT OR IGNORE INTO search_terms (term)
                SELECT value FROM json_each(search_words({text.format(row="new")}))
                WHERE {" OR ".join(f"new.{c} IS NOT old.{c}" for c in watched.split(", "))};
        END""",
        f"""CREATE TRIGGER search_products_after_delete AFTER DELETE ON products
        WHEN old.is_active BEGIN
            INSERT INTO search_products (search_products, rowid, words)
                VALUES ('delete', old.id, {text.format(row="old")});
        END""",
    )


_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_products_after_insert",
    "DROP TRIGGER IF EXISTS search_products_after_update",
    "DROP TRIGGER IF EXISTS search_products_after_delete",
)


def _sqlite_rebuild(text: str) -> tuple[str, ...]:
    return (
        "INSERT INTO search_products (search_products) VALUES ('delete-all')",
        f"INSERT INTO search_products (rowid, words) "
        f"SELECT id, {text.format(row='products')} FROM products WHERE is_active",
        f"INSERT OR IGNORE INTO search_terms (term) SELECT value "
        f"FROM products, json_each(search_words({text.format(row='products')}))",
    )


def _postgres(text: str, watched: str) -> tuple[str, ...]:
    """The generated column of words (and its index) over `text`; new words become terms."""
    columns = watched.split(", ")
    return (
        "DROP TRIGGER IF EXISTS search_terms_after_edit ON products",
        "DROP INDEX IF EXISTS ix_search_products",
        "ALTER TABLE products DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"(array_to_tsvector(search_words({text.format(row='products')}))) STORED",
        "CREATE INDEX ix_search_products ON products USING gin (search_vector) WHERE is_active",
        f"""CREATE TRIGGER search_terms_after_edit AFTER UPDATE OF {watched} ON products
        FOR EACH ROW WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)})
        EXECUTE FUNCTION search_terms_from_edited_product()""",
        "SELECT search_terms_add(ARRAY(SELECT unnest(tsvector_to_array(search_vector)) "
        "FROM products))",
    )


def upgrade() -> None:
    op.add_column("customers", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column("categories", sa.Column("translations", sa.JSON(), nullable=True))
    op.add_column("products", sa.Column("translations", sa.JSON(), nullable=True))
    op.add_column(
        "products",
        sa.Column("translated_text", sa.Text(), server_default="", nullable=False),
    )
    watched = "title, description, option_words, translated_text"
    if op.get_bind().dialect.name == "postgresql":
        statements: Sequence[str] = _postgres(_AFTER, watched)
    else:
        statements = (
            *_SQLITE_DROP,
            *_sqlite_triggers(_AFTER, watched),
            *_sqlite_rebuild(_AFTER),
        )
    for statement in statements:
        op.execute(sa.text(statement))


def downgrade() -> None:
    watched = "title, description, option_words"
    if op.get_bind().dialect.name == "postgresql":
        statements: Sequence[str] = _postgres(_BEFORE, watched)
    else:
        statements = (
            *_SQLITE_DROP,
            *_sqlite_triggers(_BEFORE, watched),
            *_sqlite_rebuild(_BEFORE),
        )
    for statement in statements:
        op.execute(sa.text(statement))
    # Not batches: on SQLite a batch copies the table (and would drop the triggers above).
    op.execute(sa.text("ALTER TABLE products DROP COLUMN translated_text"))
    op.execute(sa.text("ALTER TABLE products DROP COLUMN translations"))
    op.execute(sa.text("ALTER TABLE categories DROP COLUMN translations"))
    op.execute(sa.text("ALTER TABLE customers DROP COLUMN language"))
