"""Migrations are the only way the schema is created, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.migrate import current_revision, is_model_object
from bot.store.models import Base
from bot.store.uow import Store


async def _tables(conn: AsyncConnection) -> set[str]:
    return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_migrations_build_every_model_table_and_stamp_head(database_url: str) -> None:
    store = Store.from_url(database_url)
    try:
        async with store.engine.connect() as conn:
            assert await _tables(conn) == set()
        await store.migrate()
        async with store.engine.connect() as conn:
            tables = await _tables(conn)
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
        assert await current_revision(store.engine) is not None
    finally:
        await store.close()


async def test_migrating_twice_changes_nothing(database_url: str) -> None:
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        first = await current_revision(store.engine)
        await store.migrate()
        assert await current_revision(store.engine) == first
    finally:
        await store.close()


# SQLAlchemy cannot reflect the search index's expression index on SQLite; it is not a model's.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
async def test_schema_matches_the_models_so_no_migration_is_missing(database_url: str) -> None:
    """Autogenerate against the migrated database finds nothing to add: models == migrations
    (the search index's own tables and indexes aside, as in bot/store/migrations/env.py)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        async with store.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_name": is_model_object}),
                    Base.metadata,
                )
            )
        assert diff == []
    finally:
        await store.close()
