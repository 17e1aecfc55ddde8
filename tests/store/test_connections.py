"""A PostgreSQL connection the server closed (a restart, an administrator) never reaches a
shopper's visit: the pool replaces it when it is checked out."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import event

from bot.config import load_settings
from bot.shop import Shop
from bot.store.uow import Store
from tests.conftest import PG_ADMIN_URL


@pytest.mark.postgres
async def test_a_connection_the_server_closed_is_replaced_before_a_visit_uses_it(
    pg_url: str,
) -> None:
    store = Store.from_url(pg_url)
    await store.migrate()
    try:
        closed = asyncio.Event()
        async with store.reading() as uow:  # leaves one connection in the pool
            connection = await uow.session.connection()
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None
            driver.add_termination_listener(lambda _connection: closed.set())
            assert await uow.categories.list_all() == []

        admin = await asyncpg.connect(PG_ADMIN_URL)
        try:  # the server ends every session of this database
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                pg_url.rsplit("/", 1)[1],
            )
        finally:
            await admin.close()
        await asyncio.wait_for(closed.wait(), timeout=10)  # the client has seen it go

        async with store.reading() as uow:  # served by a new connection, no error
            assert await uow.categories.list_all() == []
    finally:
        await store.close()


@pytest.mark.postgres
async def test_ten_visits_at_once_again_and_again_open_no_new_connection(pg_url: str) -> None:
    """Connections opened for a burst of visits stay for the next one: opening one costs a
    server process and a startup (with SQLAlchemy's default pool of five, every burst past
    five opened and closed the rest again)."""
    store = Store.from_url(pg_url)
    await store.migrate()
    opened: list[object] = []
    event.listen(store.engine.sync_engine, "connect", lambda *_: opened.append(object()))
    try:

        async def burst(visits: int) -> None:
            all_in = asyncio.Barrier(visits)

            async def visit() -> None:
                async with store.reading() as uow:
                    await uow.categories.list_all()  # each holds a connection ...
                    await all_in.wait()  # ... until every one of them does

            await asyncio.gather(*(visit() for _ in range(visits)))

        await burst(10)
        first = len(opened)
        for _ in range(3):
            await burst(10)
        assert len(opened) == first
        assert store.engine.pool.checkedin() == 10  # all kept for the next burst
    finally:
        await store.close()


@pytest.mark.postgres
async def test_a_worker_keeps_as_many_connections_as_database_pool_size_says(
    pg_url: str,
) -> None:
    env = {"BOT_TOKEN": "123456:TEST-TOKEN", "DATABASE_URL": pg_url}
    default = Shop.create(load_settings(env, env_file=None))
    sized = Shop.create(load_settings({**env, "DATABASE_POOL_SIZE": "3"}, env_file=None))
    try:
        assert default.store.engine.pool.size() == 20  # type: ignore[attr-defined]
        assert sized.store.engine.pool.size() == 3  # type: ignore[attr-defined]
    finally:
        await default.store.close()
        await sized.store.close()


async def test_no_query_waits_for_postgresqls_jit_compiler(pg_url: str) -> None:
    """A count the planner over-estimates (the in-stock count of a 100,000-product category:
    0.9 ms to run) was compiled just in time for 15 ms first; a shop's queries are all short."""
    from sqlalchemy import text

    store = Store.from_url(pg_url)
    try:
        async with store.reading() as uow:
            jit = await uow.session.scalar(text("SELECT current_setting('jit')"))
        assert jit == "off"
    finally:
        await store.close()
