"""search index: products' own words read as plain text, as queries are (NFKC, no format
characters)

Queries were read through bot.store.search_index.plain (full-width "ｍｕｇ" is "mug", a
zero-width space or a soft hyphen inside a word is dropped), the products' text was not: a
product titled "Ｍｕｇ" or "Mu(U+200B)g" was found by no query on PostgreSQL, and on SQLite
FTS5 indexed the raw text (its tokenizer folds case, not width, and splits at format
characters). Now:

- PostgreSQL: `search_words` reads text as `plain` does (drops every character of
  search_index.FORMAT_CHARACTERS, the list `plain` drops, then `normalize(..., NFKC)`), and
  the rows whose words change are rewritten, so their generated `search_vector` follows; their
  new words become terms;
- SQLite: the triggers hand FTS5 `search_text(...)` (`plain`, a function every connection of
  the bot registers) instead of the raw text, and the FTS5 index is rebuilt so rows indexed
  before read the same way (a contentless index must be handed, to delete a row, the text it
  was given).

Revision ID: 0019_search_plain_text
Revises: 0018_broadcasts
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.search_index import FORMAT_CHARACTERS

revision: str = "0019_search_plain_text"
down_revision: str | None = "0018_broadcasts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What 0012_languages left: the text a product is found by, and the columns it comes from.
_TEXT = (
    "{row}.title || ' ' || {row}.description || ' ' || {row}.option_words || ' ' || "
    "{row}.translated_text"
)
_WATCHED = "title, description, option_words, translated_text"
_PLAIN = "search_text({})"  # SQLite: what FTS5 is handed, around the text
_RAW = "{}"  # ... before this migration


def _postgres_words(normalised: str) -> str:
    """0008's `search_words` (split at anything but letters and digits, lower-cased) over
    `normalised`, an expression of its argument $1."""
    return f"""CREATE OR REPLACE FUNCTION search_words(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT array_remove(
            string_to_array(regexp_replace(lower({normalised}), '[^[:alnum:]]+', ' ', 'g'), ' '),
            '')
    $$"""


def _unicode_literal(characters: str) -> str:
    """`characters` as a PostgreSQL string literal of escapes (U&'\\+00200B...'): readable,
    and no invisible character in the migration's SQL."""
    return "U&'" + "".join(f"\\+{ord(ch):06X}" for ch in characters) + "'"


_POSTGRES_PLAIN = f"normalize(translate($1, {_unicode_literal(FORMAT_CHARACTERS)}, ''), NFKC)"
_POSTGRES_RAW = "$1"

# The rows whose words differ from what the function now says are rewritten (`title = title`
# recomputes the generated column; no trigger of products fires for an unchanged title), and
# their words become terms, in one statement.
_POSTGRES_REINDEX = f"""WITH changed AS (
        UPDATE products SET title = title
        WHERE search_vector IS DISTINCT FROM
            array_to_tsvector(search_words({_TEXT.format(row="products")}))
        RETURNING search_vector)
    SELECT search_terms_add(ARRAY(SELECT unnest(tsvector_to_array(search_vector)) FROM changed))"""


def _sqlite_triggers(indexed: str) -> tuple[str, ...]:
    """0012's search triggers, with FTS5 handed `indexed` (a format of the row's text)."""
    text = {row: indexed.format(_TEXT.format(row=row)) for row in ("new", "old")}
    words = _TEXT.format(row="new")
    changed = " OR ".join(f"new.{c} IS NOT old.{c}" for c in _WATCHED.split(", "))
    return (
        "DROP TRIGGER IF EXISTS search_products_after_insert",
        "DROP TRIGGER IF EXISTS search_products_after_update",
        "DROP TRIGGER IF EXISTS search_products_after_delete",
        f"""CREATE TRIGGER search_products_after_insert AFTER INSERT ON products BEGIN
            INSERT INTO search_products (rowid, words)
                SELECT new.id, {text["new"]} WHERE new.is_active;
            INSERT OR IGNORE INTO search_terms (term)
                SELECT value FROM json_each(search_words({words}));
        END""",
        f"""CREATE TRIGGER search_products_after_update
        AFTER UPDATE OF {_WATCHED}, is_active ON products BEGIN
            INSERT INTO search_products (search_products, rowid, words)
                SELECT 'delete', old.id, {text["old"]} WHERE old.is_active;
            INSERT INTO search_products (rowid, words)
                SELECT new.id, {text["new"]} WHERE new.is_active;
            INSERT OR IGNORE INTO search_terms (term)
                SELECT value FROM json_each(search_words({words}))
                WHERE {changed};
        END""",
        f"""CREATE TRIGGER search_products_after_delete AFTER DELETE ON products
        WHEN old.is_active BEGIN
            INSERT INTO search_products (search_products, rowid, words)
                VALUES ('delete', old.id, {text["old"]});
        END""",
        # Every row again, as the new triggers hand it (the terms were `plain` already).
        "INSERT INTO search_products (search_products) VALUES ('delete-all')",
        f"INSERT INTO search_products (rowid, words) "
        f"SELECT id, {indexed.format(_TEXT.format(row='products'))} FROM products WHERE is_active",
    )


def _index(postgres_words: str, sqlite_indexed: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        if bind.execute(sa.text("SHOW server_encoding")).scalar() != "UTF8":
            return  # normalize() needs UTF8, as do the format characters: words stay as were
        statements: Sequence[str] = (_postgres_words(postgres_words), _POSTGRES_REINDEX)
    else:
        statements = _sqlite_triggers(sqlite_indexed)
    for statement in statements:
        op.execute(sa.text(statement))


def upgrade() -> None:
    _index(_POSTGRES_PLAIN, _PLAIN)


def downgrade() -> None:
    _index(_POSTGRES_RAW, _RAW)
