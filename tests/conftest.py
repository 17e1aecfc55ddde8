"""Shared fixtures: real databases (SQLite file and a throwaway PostgreSQL database)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.standin import BotApiStandIn
from bot.standin.card_provider import LocalStripe
from bot.store.models import Product
from bot.store.repositories import search
from bot.store.seed import seed_if_empty
from bot.store.uow import Store
from tests.pg_databases import (
    PgDatabases,
    create_pg_database,
    drop_pg_database,
    pg_database_url,
)

T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_PATH = PROJECT_ROOT / "data" / "catalog.json"
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/test")


# The tests that take longest, in that order (5-40 s each in one process, `pytest -n 0
# --durations=0` on 2026-12-05). pytest-xdist's worksteal hands each worker a contiguous part
# of the list, and a worker that runs out steals from the end of the other's: with these at
# the front, both workers end on short tests together, instead of one waiting while the
# other runs the crash test it drew last.
LONGEST_FIRST = (
    "tests/test_benchmarks.py::test_the_benchmarks_run_in_quick_mode",
    "tests/reliability/test_crash.py",
    "tests/admin/test_e2e_big_files.py",
    "tests/reliability/test_telegram_faults.py::test_a_fault_that_outlasts_the_retries_is_",
    "tests/production/test_webhook_workers.py::test_workers_starting_together_on_an_empty_",
    "tests/test_cli.py::test_seed_is_idempotent_and_a_corrupt_catalog_changes_nothing",
    "tests/demo/test_sandbox_terminal.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=longest_first)  # stable: the rest keep their order


def longest_first(item: pytest.Item) -> int:
    """Where `item` goes: the place of the first entry of LONGEST_FIRST its id starts with."""
    for place, start in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(start):
            return place
    return len(LONGEST_FIRST)


def _run_aside(work: Coroutine[Any, Any, T]) -> T:
    """Run async set-up from a sync (session-wide) fixture: on a thread of its own, since
    pytest-asyncio may be running a test's loop on this one."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def _pg_available() -> str | None:
    """None if PostgreSQL accepts connections, else the reason."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
        await conn.close()

    try:
        _run_aside(probe())
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


@pytest.fixture(scope="session")
def pg_databases(pg_server: str) -> Iterator[PgDatabases]:
    """The process's throwaway PostgreSQL databases: made ahead, dropped behind the tests'
    backs (tests/pg_databases.py)."""
    databases = PgDatabases(pg_server)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture
async def pg_url(pg_databases: PgDatabases) -> AsyncIterator[str]:
    name = await pg_databases.take()
    try:
        yield pg_database_url(pg_databases.admin_dsn, name)
    finally:
        pg_databases.give_back(name)


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextlib.asynccontextmanager
async def _fresh_database(
    request: pytest.FixtureRequest, tmp_path: Path, *, like: tuple[str, str] | None
) -> AsyncIterator[str]:
    """A new database of the test's backend (`request.param`): empty, or a copy of the
    run's template that `like` names (the SQLite fixture's, the PostgreSQL one's)."""
    if request.param == "sqlite":
        path = tmp_path / "shop.db"
        if like is not None:
            shutil.copyfile(request.getfixturevalue(like[0]), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    template = request.getfixturevalue(like[1]) if like is not None else None
    name = await databases.take(template)
    try:
        yield pg_database_url(databases.admin_dsn, name)
    finally:
        databases.give_back(name)


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test using this runs twice: on SQLite and on a fresh PostgreSQL database."""
    async with _fresh_database(request, tmp_path, like=None) as url:
        yield url


async def _prepare(url: str, *, seed: Path | None = None) -> None:
    store = Store.from_url(url)
    try:
        await store.migrate()
        if seed is not None:
            await seed_if_empty(store, seed)
    finally:
        await store.close()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema, made once per run: a test's store starts as a copy
    of it. Migrating from nothing cost each test about 0.2 s (a third of the suite's time
    went to it); the copy, and `migrate` finding nothing to do, take about 0.02 s. Tests of
    migrating itself take `database_url`, which stays empty."""
    path = tmp_path_factory.mktemp("templates") / "migrated.db"
    _run_aside(_prepare(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Path:
    """`migrated_sqlite` with the demo catalog seeded: what a `ShopHarness` makes of an
    empty working directory, for the harness fixtures to start from."""
    path = tmp_path_factory.mktemp("templates") / "seeded.db"
    shutil.copyfile(migrated_sqlite, path)
    _run_aside(_prepare(f"sqlite+aiosqlite:///{path}", seed=CATALOG_PATH))
    return path


def seeded_shop_in(workdir: Path, seeded: Path) -> Path:
    """Put the seeded template where a `ShopHarness` on `workdir` keeps its database."""
    workdir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(seeded, workdir / "shop.db"))


@pytest.fixture(scope="session")
def migrated_pg(pg_server: str, pg_databases: PgDatabases) -> Iterator[str]:
    """A PostgreSQL database at the newest schema, made once per run; each test's store
    is a copy of it (`CREATE DATABASE ... TEMPLATE`)."""
    name = _run_aside(create_pg_database(pg_server))
    try:
        _run_aside(_prepare(pg_database_url(pg_server, name)))
        yield name
    finally:
        pg_databases.forget(name)
        _run_aside(drop_pg_database(pg_server, name))


@pytest.fixture(params=BACKENDS)
async def migrated_database_url(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    """Like `database_url`, but the database already has the newest schema (a copy of the
    run's migrated one)."""
    async with _fresh_database(request, tmp_path, like=("migrated_sqlite", "migrated_pg")) as url:
        yield url


@pytest.fixture(scope="session")
def seeded_pg(pg_server: str, migrated_pg: str, pg_databases: PgDatabases) -> Iterator[str]:
    """`migrated_pg` with the demo catalog seeded, made once per run (as `seeded_sqlite`)."""
    name = _run_aside(pg_databases.take(migrated_pg))
    try:
        _run_aside(_prepare(pg_database_url(pg_server, name), seed=CATALOG_PATH))
        yield name
    finally:
        pg_databases.forget(name)
        _run_aside(drop_pg_database(pg_server, name))


@pytest.fixture(params=BACKENDS)
async def seeded_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Like `migrated_database_url`, with the demo catalog seeded (in its own currency, USD):
    what a `ShopHarness` with the default catalog makes of it, for harnesses to start from."""
    async with _fresh_database(request, tmp_path, like=("seeded_sqlite", "seeded_pg")) as url:
        yield url


@pytest.fixture
async def store(migrated_database_url: str) -> AsyncIterator[Store]:
    """A migrated, empty store on each backend (and no planner counts remembered from
    another test's database: products never analysed look alike in every one). `migrate`
    still runs: it finds nothing to do unless the copied schema is behind."""
    search.forget_estimates()
    store = Store.from_url(migrated_database_url)
    await store.migrate()
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def sqlite_store(
    sqlite_url: str, tmp_path: Path, migrated_sqlite: Path
) -> AsyncIterator[Store]:
    """A migrated, empty SQLite store (for tests that need only one backend), in
    `sqlite_url`'s file."""
    shutil.copyfile(migrated_sqlite, tmp_path / "shop.db")
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


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A localstripe server on loopback for the session (keeping Stripe's Idempotency-Key
    answers: bot/standin/card_provider.py); its base URL. Defined here, once: a module that
    imported it from another conftest got a server of its own."""
    with LocalStripe(tmp_path_factory.mktemp("localstripe")) as url:
        yield url


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """A Bot API stand-in on loopback, for tests that talk to it with a bot of their own."""
    async with BotApiStandIn() as server:
        yield server


def selects_run(store: Store) -> list[str]:
    """The SELECT statements `store` runs from now on (a list that grows; clear it to count
    from a later moment): what a screen costs in trips to the database."""
    from sqlalchemy import event

    ran: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            ran.append(statement)

    event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
    return ran
