"""Where SQLite work runs: a visit's reads by key and the short writes that follow on the event
loop's own thread (bot.store.inline), everything that may wait or take long on a connection's
thread; and the loop's connection never waits for another process, nor checkpoints itself."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text, update

from bot.services import admin_catalog
from bot.store import uow as uow_module
from bot.store.inline import InlineSession
from bot.store.models import ChatState
from bot.store.seed import seed_catalog
from bot.store.sqlite_driver import heavy_reads, others_waiting
from bot.store.uow import Store, UnitOfWork, Write
from tests.conftest import CATALOG_PATH

LOOP_THREAD = threading.get_ident
RUNNING_THREAD = text("SELECT running_thread()")
AUTOCHECKPOINT = text("PRAGMA wal_autocheckpoint")


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Every connection the store opens can tell the thread a statement runs on, and
    records (thread, statement) of everything it runs."""
    from bot.store import db

    ran: list[tuple[int, str]] = []

    def with_thread_function(register: object) -> object:
        def register_too(connection: Any) -> None:
            register(connection)  # type: ignore[operator]
            connection.create_function("running_thread", 0, threading.get_ident)
            driver = getattr(connection, "driver_connection", None)  # aiosqlite's, or sqlite3's
            raw: sqlite3.Connection = driver._conn if driver is not None else connection
            raw.set_trace_callback(lambda sql: ran.append((threading.get_ident(), sql)))

        return register_too

    monkeypatch.setattr(
        db, "register_sqlite_functions", with_thread_function(db.register_sqlite_functions)
    )
    return ran


async def thread_of_a_select(uow: UnitOfWork) -> int:
    return int((await uow.session.execute(RUNNING_THREAD)).scalar_one())


@pytest.fixture
async def store(tmp_path: Path, statements: list[tuple[int, str]]) -> Store:
    store = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")
    await store.migrate()
    yield store  # type: ignore[misc]
    await store.close()


async def test_a_visits_reads_by_key_run_on_the_event_loops_thread(store: Store) -> None:
    async with store.reading(deferring=True, by_key=True) as uow:
        assert isinstance(uow.session, InlineSession)
        assert await thread_of_a_select(uow) == LOOP_THREAD()


async def test_reads_that_may_take_long_go_to_a_connections_thread(store: Store) -> None:
    async with store.reading(deferring=True, by_key=True) as uow:
        with heavy_reads():  # a search, inside a visit
            assert await thread_of_a_select(uow) != LOOP_THREAD()
        assert await thread_of_a_select(uow) == LOOP_THREAD()  # and back after it


async def test_when_no_other_update_waits_for_the_loop_long_reads_stay_on_its_thread(
    store: Store,
) -> None:
    others = [False]
    async with store.reading(deferring=True, by_key=True) as uow:
        with others_waiting(lambda: others[0]), heavy_reads():
            assert await thread_of_a_select(uow) == LOOP_THREAD()  # a lone shopper's search
            others[0] = True  # another chat's update came in meanwhile
            assert await thread_of_a_select(uow) != LOOP_THREAD()


async def test_other_readers_and_writing_units_use_a_connections_thread(store: Store) -> None:
    async with store.reading() as uow:  # an admin's report, a job
        assert await thread_of_a_select(uow) != LOOP_THREAD()
    async with store.uow() as uow:  # in a transaction: BEGIN IMMEDIATE may wait
        assert await thread_of_a_select(uow) != LOOP_THREAD()


async def chat_version(store: Store, chat_id: int) -> int | None:
    async with store.reading() as uow:
        state = await uow.chat_states.get(chat_id)
    return None if state is None else state.version


async def a_chat(store: Store, chat_id: int) -> Write:
    """A chat, and a compare-and-set write that moves its version from 1 to 2."""
    async with store.uow() as uow:
        uow.session.add(ChatState(chat_id=chat_id, state="menu", data={}, version=1))
    return Write(
        update(ChatState)
        .where(ChatState.chat_id == chat_id, ChatState.version == 1)
        .values(version=2)
    )


async def test_a_visits_writes_commit_on_the_event_loops_thread(store: Store) -> None:
    move = await a_chat(store, 1)
    threads: list[int] = []
    told = Write(text("INSERT INTO audit_log_threads VALUES (running_thread())"), rows=1)
    async with store.uow() as uow:
        await uow.session.execute(text("CREATE TABLE audit_log_threads (thread INTEGER)"))

    assert await store.apply([move, told], chat_id=1)

    async with store.reading() as uow:
        threads = list(await uow.session.scalars(text("SELECT thread FROM audit_log_threads")))
    assert threads == [LOOP_THREAD()]
    assert await chat_version(store, 1) == 2
    assert not await store.apply([move], chat_id=1)  # the version moved: refused, nothing done


async def test_another_process_writing_never_blocks_the_event_loop(
    store: Store, tmp_path: Path, statements: list[tuple[int, str]]
) -> None:
    """An import in another process holds SQLite's write lock: the loop's BEGIN gives up at
    once (no busy wait), the visit's write waits for the lock on a connection's thread, and
    the loop goes on meanwhile (here: it ends that import, which it could not if blocked)."""
    move = await a_chat(store, 1)
    other = sqlite3.connect(tmp_path / "shop.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    asyncio.get_running_loop().call_soon(other.execute, "COMMIT")
    statements.clear()

    assert await store.apply([move], chat_id=1)

    assert await chat_version(store, 1) == 2
    on_loop = [sql for thread, sql in statements if thread == LOOP_THREAD()]
    assert on_loop[:1] == ["BEGIN IMMEDIATE"]
    assert not any(sql.startswith("UPDATE") for sql in on_loop)
    other.close()
    async with store.reading(by_key=True) as uow:  # the loop's BEGIN gave up at once
        assert (await uow.session.execute(text("PRAGMA busy_timeout"))).scalar_one() == 0


async def test_the_write_ahead_log_is_checkpointed_off_the_event_loop(
    store: Store, statements: list[tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's connection never checkpoints on its own (a checkpoint copies pages and
    syncs the file); every CHECKPOINT_EVERY of its commits, a connection's thread does."""
    monkeypatch.setattr(uow_module, "CHECKPOINT_EVERY", 3)
    for chat_id in range(1, 4):
        assert await store.apply([await a_chat(store, chat_id)], chat_id=chat_id)
    assert store._checkpoint is not None
    await store._checkpoint

    checkpoints = [thread for thread, sql in statements if "wal_checkpoint" in sql]
    assert len(checkpoints) == 1 and checkpoints[0] != LOOP_THREAD()
    async with store.reading(by_key=True) as uow:
        assert (await uow.session.execute(AUTOCHECKPOINT)).scalar_one() == 0  # the loop's
    async with store.reading() as uow:
        assert (await uow.session.execute(AUTOCHECKPOINT)).scalar_one() == 1000  # SQLite's


async def test_visits_that_interleave_around_their_searches_each_read_what_is_stored(
    store: Store,
) -> None:
    """Visit A reads, waits for its search on a thread; visit B starts meanwhile on the same
    loop connection, outlives A, sees a write made after A ended, and the next visit too."""
    move = await a_chat(store, 1)
    seen: list[str] = []
    a_ended = asyncio.Event()

    async def visit_a() -> None:
        async with store.reading(deferring=True, by_key=True) as uow:
            seen.append(f"A {await chat_version_in(uow, 1)}")
            with heavy_reads():
                await uow.session.execute(text("SELECT 1"))
        a_ended.set()

    async def visit_b() -> None:
        async with store.reading(deferring=True, by_key=True) as uow:
            seen.append(f"B {await chat_version_in(uow, 1)}")
            with heavy_reads():
                await uow.session.execute(text("SELECT 1"))
            await a_ended.wait()
            assert await store.apply([move], chat_id=1)
            seen.append(f"B {await chat_version_in(uow, 1)}")

    await asyncio.gather(visit_a(), visit_b())
    async with store.reading(deferring=True, by_key=True) as uow:
        seen.append(f"next {await chat_version_in(uow, 1)}")
    assert seen == ["A 1", "B 1", "B 2", "next 2"]


async def chat_version_in(uow: UnitOfWork, chat_id: int) -> int:
    found = await uow.session.execute(
        text("SELECT version FROM chat_states WHERE chat_id = :chat"), {"chat": chat_id}
    )
    return int(found.scalar_one())


async def test_a_seed_compares_the_shops_products_before_it_holds_the_writer(
    store: Store,
) -> None:
    """`python -m bot seed` of a catalog the shop has: an admin's /price sent while the seed
    compares the stored products goes through then, not after the seed's transaction (which
    holds SQLite's one writer that every write waits for), as an admin's import does."""
    await seed_catalog(store, CATALOG_PATH)
    loop = asyncio.get_running_loop()
    done: list[str] = []
    repricing: list[asyncio.Task[None]] = []

    async def reprice() -> None:
        async with store.uow() as uow:
            await admin_catalog.set_price(uow, "KIT-MUG-CER", 1700, actor=9001)
        done.append("the admin's price")

    def seen(*args: Any) -> None:
        statement: str = args[2]
        if "'optimize'" in statement:  # the seed's transaction's last write
            done.append("the seed's transaction")
        elif statement.startswith("SELECT products.id, products.sku") and not repricing:
            repricing.append(loop.create_task(reprice()))  # the seed is comparing

    event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await seed_catalog(store, CATALOG_PATH)
        await repricing[0]
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", seen)
    assert done == ["the admin's price", "the seed's transaction"]
