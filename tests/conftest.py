"""Shared fixtures: real databases (SQLite file and a throwaway PostgreSQL database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin import BotApiStandIn
from bot.store.models import Product
from bot.store.repositories import search
from bot.store.uow import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_PATH = PROJECT_ROOT / "data" / "catalog.json"
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None if PostgreSQL accepts connections, else the reason (checked in a worker thread)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
        await conn.close()

    try:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, probe()).result()
    except Exception as exc:
        return str(exc)
    return None


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL admin DSN; in CI a missing server fails the run instead of skipping."""
    reason = _pg_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    return PG_ADMIN_URL


async def create_pg_database(admin_dsn: str) -> tuple[str, str]:
    import asyncpg

    name = f"shopbot_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return name, f"{base}/{name}"


async def drop_pg_database(admin_dsn: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture
async def pg_url(pg_server: str) -> AsyncIterator[str]:
    name, url = await create_pg_database(pg_server)
    try:
        yield url
    finally:
        await drop_pg_database(pg_server, name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test using this runs twice: on SQLite and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
        return
    admin_dsn = request.getfixturevalue("pg_server")
    name, url = await create_pg_database(admin_dsn)
    try:
        yield url
    finally:
        await drop_pg_database(admin_dsn, name)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated, empty store on each backend (and no planner counts remembered from
    another test's database: products never analysed look alike in every one)."""
    search.forget_estimates()
    store = Store.from_url(database_url)
    await store.migrate()
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def sqlite_store(sqlite_url: str) -> AsyncIterator[Store]:
    """A migrated, empty SQLite store (for tests that need only one backend)."""
    store = Store.from_url(sqlite_url)
    await store.migrate()
    try:
        yield store
    finally:
        await store.close()


async def add_product(
    store: Store,
    sku: str = "MUG",
    *,
    price: int = 1600,
    stock: int = 10,
    currency: str = "USD",
    title: str | None = None,
    description: str = "",
    photo: str = "",
    digital: bool = False,
) -> int:
    """One product in the "Kitchen" category, straight into the store; returns its id."""
    async with store.uow() as uow:
        category = await uow.categories.get_or_create("kitchen", "Kitchen")
        product = await uow.products.add(
            Product(
                sku=sku,
                title=title or f"{sku} title",
                description=description,
                category_id=category.id,
                price=price,
                currency=currency,
                stock=stock,
                photo=photo,
                is_digital=digital,
            )
        )
        return product.id


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """A Bot API stand-in on loopback, for tests that talk to it with a bot of their own."""
    async with BotApiStandIn() as server:
        yield server
