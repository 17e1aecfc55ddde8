"""aiosqlite connections whose statements make one trip to the database thread, not four.

aiosqlite runs every call on the connection's own thread; SQLAlchemy's adapter makes four such
calls per statement (open a cursor, execute, fetch all rows, close), and each trip costs a GIL
hand-over and a wake-up of the event loop. Profiled, those trips were the largest part of the
shop's database time, and under load every one of them waits its turn in the event loop while
a writer holds SQLite's lock. `OneTripCursor` does the four steps in one trip and keeps the
rows; SQLAlchemy gets it through its documented `async_creator_fn` hook. A reader runs with no
transaction (each SELECT sees a consistent database on its own, in WAL mode), so it costs no
trips for BEGIN and COMMIT either.

A shopper's visit does not come here: its reads and short writes run on the event loop's own
thread (bot.store.inline). What does: writing units of work, admins' reads, and reads that may
take long even inside a visit (`heavy_reads()`: searches, deep catalog pages) while other
shoppers' updates may be waiting for the loop (`others_waiting`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import chain
from typing import Any, Protocol, runtime_checkable

import aiosqlite
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.store.bulk import stored_values

Description = tuple[tuple[Any, ...], ...] | None
Outcome = tuple[Description, int, int | None, list[Any]]


def _execute(connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]) -> Outcome:
    """Runs on the connection's thread: the statement, its rows and what the cursor says."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _execute_many(
    connection: sqlite3.Connection, sql: str, parameters: Iterable[Sequence[Any]]
) -> Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


def _execute_batch(
    connection: sqlite3.Connection,
    statements: Sequence[tuple[str, Sequence[Any]]],
    expected: Sequence[int | None],
) -> bool:
    """Runs on the connection's thread: every statement, each checked for the rows it must
    touch, then COMMIT; ROLLBACK (and False) at the first that does not."""
    cursor = connection.cursor()
    try:
        for (sql, parameters), rows in zip(statements, expected, strict=True):
            cursor.execute(sql, parameters)
            if rows is not None and cursor.rowcount != rows:
                connection.rollback()
                return False
        connection.commit()
        return True
    except BaseException:
        if connection.in_transaction:
            connection.rollback()
        raise
    finally:
        cursor.close()


_heavy: ContextVar[bool] = ContextVar("sqlite_heavy_reads", default=False)


def _assume_others() -> bool:
    return True


_others_waiting: ContextVar[Callable[[], bool]] = ContextVar(
    "sqlite_others_waiting", default=_assume_others
)


@contextmanager
def heavy_reads() -> Iterator[None]:
    """Reads in here may take long (a search, a deep page): even inside a visit, whose reads
    run on the event loop's thread (bot.store.inline), they go to a connection's thread,
    unless nothing else waits for the loop (`others_waiting`)."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


@contextmanager
def others_waiting(probe: Callable[[], bool]) -> Iterator[None]:
    """Inside, `probe()` says whether other work (other shoppers' updates) may be waiting
    for the event loop. When none is, a visit's heavy reads stay on the loop's thread: the
    trip to a connection's thread and back cost a lone shopper's search about 0.4 ms, and
    the other thread's colder caches about 0.3 ms more (a search's statements took 0.8-0.95
    ms on the loop's thread, 1.05-1.17 ms on the other, at 100,000 products). Outside
    (tests, tools), other work is assumed."""
    token = _others_waiting.set(probe)
    try:
        yield
    finally:
        _others_waiting.reset(token)


def reading_heavily() -> bool:
    """Reads that may take long, while other work may be waiting for the loop."""
    return _heavy.get() and _others_waiting.get()()


class Batch:
    """Statements kept by a connection in batch mode, to run in one trip."""

    def __init__(self, connection: OneTripConnection) -> None:
        self.connection = connection
        self.statements: list[tuple[str, Sequence[Any]]] = []

    async def run(self, expected: Sequence[int | None]) -> bool:
        """All kept statements, checked against `expected` rows each, then COMMIT."""
        self.connection._batch = None
        applied = bool(await self.connection.on_thread(_execute_batch, self.statements, expected))
        self.connection.in_transaction = False  # the batch committed or rolled back
        return applied


class OneTripCursor:
    """The subset of aiosqlite's Cursor that SQLAlchemy's adapter uses, one trip per statement."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        batch = self._connection._batch
        if batch is not None:
            batch.statements.append((sql, parameters or ()))
            self._keep((None, -1, None, []))
            return self
        outcome = await self._connection.on_thread(_execute, sql, parameters or ())
        self._keep(outcome)
        if sql.lstrip()[:5].upper() in ("BEGIN", "SAVEP"):
            self._connection.in_transaction = True
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        self._keep(await self._connection.on_thread(_execute_many, sql, parameters))
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []

    def _keep(self, outcome: Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, self._rows = outcome


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection handing out one-trip cursors, and running batches."""

    _batch: Batch | None = None
    in_transaction = False
    """A transaction is open (the connection runs in autocommit mode otherwise: readers)."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Keep the statements executed inside (BEGIN included) for `Batch.run`; any not run
        by then are dropped. Only for write statements: their rows are not fetched."""
        self._batch = Batch(self)
        try:
            yield self._batch
        finally:
            self._batch = None

    async def commit(self) -> None:
        """COMMIT, without a trip to the thread when there is nothing to end (a reader, or a
        batch that ended its own transaction)."""
        if self.in_transaction:
            await super().commit()
            self.in_transaction = False

    async def rollback(self) -> None:
        if self.in_transaction:
            await super().rollback()
            self.in_transaction = False

    async def on_thread(self, function: Any, *args: Any) -> Any:
        """Run `function(sqlite3_connection, *args)` on this connection's thread."""
        return await self._execute(lambda: function(self._conn, *args))


@runtime_checkable
class HasOneTripConnection(Protocol):
    """A session with a connection of its own for work in one trip (a visit's session,
    bot.store.inline, keeps one for searches), and the event loop's own."""

    async def one_trip(self) -> OneTripConnection: ...

    def loop_connection(self) -> sqlite3.Connection: ...


def here_if_alone(under: AsyncSession | AsyncConnection) -> sqlite3.Connection | None:
    """For work in one trip inside `heavy_reads()`: the event loop's own connection, if
    `under` is a visit's session and nothing else waits for the loop (None: go to a
    connection's thread, `one_trip_connection`)."""
    if isinstance(under, HasOneTripConnection) and not reading_heavily():
        return under.loop_connection()
    return None


async def one_trip_connection(under: AsyncSession | AsyncConnection) -> OneTripConnection:
    """The aiosqlite connection under a SQLite session or connection, for work run on its
    thread in one trip (`on_thread`); a writing session begins its transaction first, as
    any read would."""
    if isinstance(under, HasOneTripConnection):
        return await under.one_trip()
    connection = await under.connection() if isinstance(under, AsyncSession) else under
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, OneTripConnection)
    return driver


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (column values by name, every row naming the same columns) in one trip
    to the connection's thread, inside the session's transaction, as an INSERT through
    SQLAlchemy would store them (bot.store.bulk). Each statement names as many rows as
    SQLite's limit on parameters allows: row by row (executemany) a seed's inserts took
    twice as long, FTS5 writing out what it holds at the end of each statement."""
    if rows:
        columns, records = stored_values(table, rows, session.get_bind().dialect)
        driver = await one_trip_connection(session)
        await driver.on_thread(_insert_many, table.name, columns, records)


def _insert_many(
    connection: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    records: Sequence[tuple[Any, ...]],
) -> None:
    # SQLite's default limit on parameters since 3.32 (more gained nothing), or this build's
    parameters = min(32766, connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    per_statement = parameters // len(columns)
    row_marks = f"({', '.join('?' for _ in columns)})"
    cursor = connection.cursor()
    try:
        for start in range(0, len(records), per_statement):
            batch = records[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                + ", ".join([row_marks] * len(batch)),
                list(chain.from_iterable(batch)),
            )
    finally:
        cursor.close()


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """For `connect_args={"async_creator_fn": connect}`: awaited by SQLAlchemy, like
    `aiosqlite.connect`."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    return OneTripConnection(connector, iter_chunk_size=64)
