"""Where SQLite statements run: a visit's reads by key on the event loop's own thread (no trip
to the connection's thread), everything that may wait or take long on the connection's thread."""

from __future__ import annotations

import threading

from sqlalchemy import text

from bot.store.sqlite_driver import OneTripConnection, heavy_reads
from bot.store.uow import Store, UnitOfWork

LOOP_THREAD = threading.get_ident


async def thread_of_a_select(uow: UnitOfWork) -> int:
    """The thread a SELECT of this unit runs on, told by a function SQLite calls back."""
    connection = await uow.session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, OneTripConnection)
    driver.sqlite.create_function("running_thread", 0, threading.get_ident)
    return int((await uow.session.execute(text("SELECT running_thread()"))).scalar_one())


async def test_a_visits_reads_by_key_run_on_the_event_loops_thread(sqlite_store: Store) -> None:
    async with sqlite_store.reading(deferring=True, by_key=True) as uow:
        assert await thread_of_a_select(uow) == LOOP_THREAD()


async def test_reads_that_may_take_long_go_to_the_connections_thread(sqlite_store: Store) -> None:
    async with sqlite_store.reading(deferring=True, by_key=True) as uow:
        with heavy_reads():  # a search, inside a visit
            assert await thread_of_a_select(uow) != LOOP_THREAD()
        assert await thread_of_a_select(uow) == LOOP_THREAD()  # and back after it


async def test_other_readers_and_every_writer_use_the_connections_thread(
    sqlite_store: Store,
) -> None:
    async with sqlite_store.reading() as uow:  # an admin's report, a job
        assert await thread_of_a_select(uow) != LOOP_THREAD()
    async with sqlite_store.uow() as uow:  # in a transaction: BEGIN IMMEDIATE may wait
        assert await thread_of_a_select(uow) != LOOP_THREAD()
    async with sqlite_store.reading(by_key=True):
        pass
    async with sqlite_store.reading() as uow:  # a visit's mode ends with the visit
        assert await thread_of_a_select(uow) != LOOP_THREAD()
