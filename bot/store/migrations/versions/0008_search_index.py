"""search index: the database's own text index over products, kept in step by triggers;
browsing: categories count their visible products, an index pages a category by title

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000

SQLite: `search_products`, an FTS5 table (contentless, no positions) of each active
product's title and description. PostgreSQL: `products.search_vector`, a generated column of
each product's words (`search_words`, the same split as bot.store.search_index.words), and a
GIN full-text index over it for active products. Both:
`search_terms`, every word ever seen, and `search_trigrams`, each term's trigrams, where typo
candidates are looked up. Triggers on `products` keep all of it in step with every insert,
edit, hide and import, whichever code path writes.

`categories.active_products` counts each category's active products, also kept by triggers.

Later migrations: a batch migration that recreates `products` on SQLite drops its triggers;
create them again (SQLITE_TRIGGERS) or the index goes stale.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = "{row}.title || ' ' || {row}.description"

SQLITE_TABLES = (
    # Contentless: the words live in `products`; the triggers hand FTS5 the old text to delete.
    "CREATE VIRTUAL TABLE search_products USING fts5(words, content='', detail='none', "
    "tokenize='unicode61 remove_diacritics 0', prefix='3')",
    "CREATE INDEX ix_search_products_title ON products (lower(title), id)",
    "CREATE TABLE search_terms (term TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE search_trigrams (trigram TEXT NOT NULL, length INTEGER NOT NULL, "
    "term TEXT NOT NULL, PRIMARY KEY (trigram, length, term)) WITHOUT ROWID",
)
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER search_products_after_insert AFTER INSERT ON products BEGIN
        INSERT INTO search_products (rowid, words)
            SELECT new.id, {_TEXT.format(row="new")} WHERE new.is_active;
        INSERT OR IGNORE INTO search_terms (term)
            SELECT value FROM json_each(search_words({_TEXT.format(row="new")}));
    END""",
    f"""CREATE TRIGGER search_products_after_update
    AFTER UPDATE OF title, description, is_active ON products BEGIN
        INSERT INTO search_products (search_products, rowid, words)
            SELECT 'delete', old.id, {_TEXT.format(row="old")} WHERE old.is_active;
        INSERT INTO search_products (rowid, words)
            SELECT new.id, {_TEXT.format(row="new")} WHERE new.is_active;
        INSERT OR IGNORE INTO search_terms (term)
            SELECT value FROM json_each(search_words({_TEXT.format(row="new")}))
            WHERE new.title IS NOT old.title OR new.description IS NOT old.description;
    END""",
    f"""CREATE TRIGGER search_products_after_delete AFTER DELETE ON products
    WHEN old.is_active BEGIN
        INSERT INTO search_products (search_products, rowid, words)
            VALUES ('delete', old.id, {_TEXT.format(row="old")});
    END""",
    """CREATE TRIGGER search_terms_after_insert AFTER INSERT ON search_terms BEGIN
        INSERT OR IGNORE INTO search_trigrams (trigram, length, term)
            SELECT value, length(new.term), new.term FROM json_each(search_trigrams(new.term));
    END""",
)
SQLITE_COUNT_TRIGGERS = (
    """CREATE TRIGGER categories_count_after_insert AFTER INSERT ON products
    WHEN new.is_active BEGIN
        UPDATE categories SET active_products = active_products + 1 WHERE id = new.category_id;
    END""",
    """CREATE TRIGGER categories_count_after_update AFTER UPDATE OF category_id, is_active
    ON products WHEN old.is_active IS NOT new.is_active OR old.category_id IS NOT new.category_id
    BEGIN
        UPDATE categories SET active_products = active_products
            - (id = old.category_id AND old.is_active) + (id = new.category_id AND new.is_active)
        WHERE id IN (old.category_id, new.category_id);
    END""",
    """CREATE TRIGGER categories_count_after_delete AFTER DELETE ON products
    WHEN old.is_active BEGIN
        UPDATE categories SET active_products = active_products - 1 WHERE id = old.category_id;
    END""",
)
SQLITE_BACKFILL = (
    f"INSERT INTO search_products (rowid, words) "
    f"SELECT id, {_TEXT.format(row='products')} FROM products WHERE is_active",
    f"INSERT OR IGNORE INTO search_terms (term) SELECT value "
    f"FROM products, json_each(search_words({_TEXT.format(row='products')}))",
)

POSTGRES_COUNT_TRIGGERS = (
    """CREATE FUNCTION categories_count_new_products() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE categories SET active_products = active_products + added.count
        FROM (SELECT category_id, count(*) FROM new_products WHERE is_active
              GROUP BY category_id) AS added
        WHERE categories.id = added.category_id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER categories_count_after_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION categories_count_new_products()""",
    # One UPDATE for both categories of a move, so two moves never lock them in turn.
    """CREATE FUNCTION categories_count_changed_product() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE categories SET active_products = active_products
            - CASE WHEN id = OLD.category_id AND OLD.is_active THEN 1 ELSE 0 END
            + CASE WHEN TG_OP = 'UPDATE' AND id = NEW.category_id AND NEW.is_active
                   THEN 1 ELSE 0 END
        WHERE id = OLD.category_id OR (TG_OP = 'UPDATE' AND id = NEW.category_id);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER categories_count_after_update AFTER UPDATE OF category_id, is_active
    ON products FOR EACH ROW
    WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active
          OR OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION categories_count_changed_product()""",
    """CREATE TRIGGER categories_count_after_delete AFTER DELETE ON products
    FOR EACH ROW WHEN (OLD.is_active) EXECUTE FUNCTION categories_count_changed_product()""",
)
COUNT_BACKFILL = (
    "UPDATE categories SET active_products = (SELECT count(*) FROM products "
    "WHERE products.category_id = categories.id AND products.is_active)"
)
POSTGRES_UP = (
    # The words of a text (repeats included): split at anything but letters and digits.
    r"""CREATE FUNCTION search_words(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT array_remove(
            string_to_array(regexp_replace(lower($1), '[^[:alnum:]]+', ' ', 'g'), ' '), '')
    $$""",
    # The words once per row (not per query), and the full-text index over them.
    "ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(array_to_tsvector(search_words(title || ' ' || description))) STORED",
    "CREATE INDEX ix_search_products ON products USING gin (search_vector) WHERE is_active",
    # Matches in title order: for a common word, walking titles beats sorting every match.
    'CREATE INDEX ix_search_products_title ON products (lower(title) COLLATE "C", id) '
    "WHERE is_active",
    "CREATE TABLE search_terms (term text PRIMARY KEY)",
    "CREATE TABLE search_trigrams (trigram text NOT NULL, length integer NOT NULL, "
    "term text NOT NULL, PRIMARY KEY (trigram, length, term))",
    # New words and their trigrams (padded by a space, as bot.store.search_index.trigrams).
    # Known words are skipped before inserting (cheaper than conflicting); new ones go in
    # in term order, so two transactions adding the same new words never deadlock.
    """CREATE FUNCTION search_terms_add(words text[]) RETURNS void LANGUAGE sql AS $$
        WITH added AS (
            INSERT INTO search_terms (term)
            SELECT word FROM (SELECT DISTINCT unnest(words) AS word) AS distinct_words
            WHERE NOT EXISTS (SELECT FROM search_terms WHERE term = word)
            ORDER BY 1 ON CONFLICT DO NOTHING RETURNING term
        )
        INSERT INTO search_trigrams (trigram, length, term)
        SELECT DISTINCT substr(' ' || term || ' ', i, 3), length(term), term
        FROM added, generate_series(1, length(term)) AS i
    $$""",
    """CREATE FUNCTION search_terms_from_new_products() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM search_terms_add(ARRAY(
            SELECT unnest(tsvector_to_array(search_vector)) FROM new_products));
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_terms_after_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION search_terms_from_new_products()""",
    """CREATE FUNCTION search_terms_from_edited_product() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM search_terms_add(tsvector_to_array(NEW.search_vector));
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_terms_after_edit AFTER UPDATE OF title, description ON products
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title
                       OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION search_terms_from_edited_product()""",
    "SELECT search_terms_add(ARRAY(SELECT unnest(tsvector_to_array(search_vector)) FROM products))",
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS categories_count_after_delete ON products",
    "DROP TRIGGER IF EXISTS categories_count_after_update ON products",
    "DROP TRIGGER IF EXISTS categories_count_after_insert ON products",
    "DROP FUNCTION IF EXISTS categories_count_changed_product()",
    "DROP FUNCTION IF EXISTS categories_count_new_products()",
    "DROP TRIGGER IF EXISTS search_terms_after_edit ON products",
    "DROP TRIGGER IF EXISTS search_terms_after_insert ON products",
    "DROP FUNCTION IF EXISTS search_terms_from_edited_product()",
    "DROP FUNCTION IF EXISTS search_terms_from_new_products()",
    "DROP FUNCTION IF EXISTS search_terms_add(text[])",
    "DROP TABLE IF EXISTS search_trigrams",
    "DROP TABLE IF EXISTS search_terms",
    "DROP INDEX IF EXISTS ix_search_products_title",
    "DROP INDEX IF EXISTS ix_search_products",
    "ALTER TABLE products DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS search_words(text)",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS categories_count_after_delete",
    "DROP TRIGGER IF EXISTS categories_count_after_update",
    "DROP TRIGGER IF EXISTS categories_count_after_insert",
    "DROP TRIGGER IF EXISTS search_terms_after_insert",
    "DROP TRIGGER IF EXISTS search_products_after_delete",
    "DROP TRIGGER IF EXISTS search_products_after_update",
    "DROP TRIGGER IF EXISTS search_products_after_insert",
    "DROP TABLE IF EXISTS search_trigrams",
    "DROP TABLE IF EXISTS search_terms",
    "DROP TABLE IF EXISTS search_products",
    "DROP INDEX IF EXISTS ix_search_products_title",
)


def upgrade() -> None:
    # Browsing: a category's visible products in title order, paged from the index.
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_category_id")
        batch_op.create_index(
            "ix_products_category_browse", ["category_id", "is_active", "title", "id"]
        )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active_products", sa.Integer(), server_default="0", nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        statements: Sequence[str] = (*POSTGRES_COUNT_TRIGGERS, COUNT_BACKFILL, *POSTGRES_UP)
    else:
        statements = (
            *SQLITE_COUNT_TRIGGERS,
            COUNT_BACKFILL,
            *SQLITE_TABLES,
            *SQLITE_TRIGGERS,
            *SQLITE_BACKFILL,
        )
    for statement in statements:
        op.execute(sa.text(statement))


def downgrade() -> None:
    down = POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN
    for statement in down:
        op.execute(sa.text(statement))
    # Not a batch: on SQLite that would copy `categories`, which products point to.
    op.execute(sa.text("ALTER TABLE categories DROP COLUMN active_products"))
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_category_browse")
        batch_op.create_index("ix_products_category_id", ["category_id"], unique=False)
