"""After a seed, a big catalog is ready to browse at once: on PostgreSQL the products table is
vacuumed, so deep catalog pages come from the browse index alone."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.store.seed import seed_catalog
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH


@pytest.mark.postgres
async def test_a_seed_leaves_the_catalog_readable_from_its_indexes(pg_url: str) -> None:
    store = Store.from_url(pg_url)
    await store.migrate()
    try:
        await seed_catalog(store, CATALOG_PATH)
        async with store.engine.connect() as connection:
            visible = await connection.scalar(
                text("SELECT relallvisible FROM pg_class WHERE relname = 'products'")
            )
        # Every page of the table is marked all-visible: an index-only scan needs no table
        # reads (before the vacuum, none is, until autovacuum comes by).
        assert visible and visible > 0
    finally:
        await store.close()


async def test_vacuum_is_a_no_op_on_sqlite(sqlite_store: Store) -> None:
    await seed_catalog(sqlite_store, CATALOG_PATH)
    await sqlite_store.vacuum_catalog()  # nothing to do, nothing raised
    async with sqlite_store.reading() as uow:
        assert await uow.products.get_by_sku("KIT-MUG-CER") is not None
