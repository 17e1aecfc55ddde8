"""Alembic migrations, run programmatically: the only way the schema is created."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SEARCH_INDEX_PREFIXES = ("search_", "ix_search_")  # made by migration 0008, not by the models
# Made by migration 0021 per database: SQLite reads `options` from the index, PostgreSQL
# cannot put json in one (and needs not: it knows a partial index's condition holds).
IN_STOCK_INDEX_PREFIX = "ix_products_in_stock_"


def is_model_object(name: str | None, type_: str, parent_names: object) -> bool:
    """For autogenerate: the search index's tables and indexes are not described by the models
    (FTS5 and GIN machinery), nor the in-stock indexes (different per database), so comparing
    must not propose dropping them."""
    return not (name or "").startswith((*SEARCH_INDEX_PREFIXES, IN_STOCK_INDEX_PREFIX))


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


@functools.cache
def script_heads() -> frozenset[str]:
    """The newest revision(s) of the migration scripts, read from their files once per
    process (alembic executes all of them to find out)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Apply every pending migration on this engine's database.

    A database already at the head returns after reading its `alembic_version`: every start
    of the bot (each webhook worker, each restart) migrates, and alembic's own way, loading
    its environment and every migration file, took 50-250 ms to find nothing to do (as much
    as starting the rest of the bot)."""

    def _upgrade(connection: Connection) -> None:
        from alembic.runtime.migration import MigrationContext

        current = MigrationContext.configure(connection).get_current_heads()
        if current and frozenset(current) == script_heads():
            return
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")

    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(_current)
