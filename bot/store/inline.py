"""SQLite on the event loop's own thread: a shopper's visit, and the short writes that follow.

A visit reads a handful of rows by key, and its writes (the cart, the chat, the inbox's
marks) are a few compare-and-set statements: microseconds of SQLite each. Done the asyncio
way, each statement also cost a greenlet (SQLAlchemy's bridge from async to its sync core),
a trip to the connection's thread and back, and the wake-ups in between: profiled at 10
chats, that was the largest part of the shop's own CPU beyond the framework's (about 220 µs
per ORM read through AsyncSession against about 85 µs through a plain Session, on this
machine). So on SQLite a file database gets one more connection, used synchronously on the
loop's thread, for:

- a visit's reads (`InlineSession`): a plain `Session` under the `AsyncSession` the
  repositories know; reads that may take long (`sqlite_driver.heavy_reads()`: searches, deep
  catalog pages) still go to a connection's thread, through an ordinary session;
- `LoopConnection.apply`: BEGIN IMMEDIATE, the statements, COMMIT, with nothing awaited in
  between, so no other coroutine ever sees the connection inside a transaction. The store's
  writer lock is held around it, so no writer of this process is in the way; a writer of
  another process (an import beside the bot) is: BEGIN then fails at once (`Busy`) instead
  of waiting, and the caller writes through a connection's thread.

Statements marked `prepared` (bot.store.prepared: the few every round trip runs) skip
SQLAlchemy's execution here: compiled once, they go straight to the DBAPI connection.

Reads never begin a transaction on SQLite (each SELECT is atomic in WAL mode), so sessions
of visits that interleave (one waits for its search on a thread while another runs) can
share the reader's connection: nothing is held between their statements.

Nothing here waits: the connection's busy timeout is zero (a read that finds the database
locked, which in WAL mode only a crash recovery does, is made on a connection's thread), and
it never checkpoints the WAL itself (the store runs checkpoints on a connection's thread,
`Store._after_commit`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Protocol

import sqlalchemy
from sqlalchemy import Connection, Engine, Executable, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import StaticPool

from bot.store import sqlite_driver
from bot.store.db import (
    READING,
    ExecutingSession,
    prepare_sqlite_connection,
    refuse_writes_while_reading,
)
from bot.store.prepared import prepared_form

_BUFFERED = {"prebuffer_rows": True}  # every row fetched now: no cursor outlives its call


class Busy(Exception):
    """Another process holds SQLite's write lock: write through a connection's thread."""


class PendingWrite(Protocol):
    """`bot.store.uow.Write`: a statement, the rows it must touch (None: any), parameters."""

    @property
    def statement(self) -> Executable: ...
    @property
    def rows(self) -> int | None: ...
    @property
    def params(self) -> dict[str, Any] | None: ...


def create_inline_engine(url: str) -> Engine | None:
    """The loop-thread connection for a SQLite file database (None for anything else: an
    in-memory database is private to each connection, and PostgreSQL is reached over the
    network, where waiting is the loop's own job)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    engine = sqlalchemy.create_engine(
        parsed.set(drivername="sqlite"),
        poolclass=StaticPool,  # one connection: nothing on it ever waits, so one is enough
        pool_reset_on_return=None,  # every use ends its own transaction
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # It never waits, and the store checkpoints for it.
        prepare_sqlite_connection(dbapi_connection, busy_timeout_ms=0, checkpoints=False)

    refuse_writes_while_reading(engine)
    return engine


class LoopConnection:
    """The one connection used on the loop's thread, as two SQLAlchemy connections kept open
    (a reader's, refused any write, and a writer's): a unit of work then costs no pool
    checkout and no connection set-up (about a third of a one-read visit's database time)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads: Connection | None = None
        self._writes: Connection | None = None
        self._dbapi: sqlite3.Connection | None = None
        self._searcher: sqlite_driver.OneTripConnection | None = None
        self._opening_searcher = asyncio.Lock()  # two first searches open one connection

    @classmethod
    def for_url(cls, url: str) -> LoopConnection | None:
        engine = create_inline_engine(url)
        return None if engine is None else cls(engine)

    @property
    def reads(self) -> Connection:
        if self._reads is None:
            self._reads = self.engine.connect().execution_options(**{READING: True})
        return self._reads

    @property
    def dbapi(self) -> sqlite3.Connection:
        """The one sqlite3 connection under both (a static pool), for what runs on it
        directly: found once, not through SQLAlchemy's pool proxy at each use."""
        if self._dbapi is None:
            dbapi = self.reads.connection.dbapi_connection
            assert isinstance(dbapi, sqlite3.Connection)
            self._dbapi = dbapi
        return self._dbapi

    def apply(self, writes: Sequence[PendingWrite]) -> bool:
        """All of `writes` or none, in one transaction on this thread: False (nothing
        written) if one touched another number of rows than it expects. Raises `Busy` if
        another process holds the write lock; hold the store's writer lock around it."""
        if self._writes is None:
            self._writes = self.engine.connect()
        connection, dbapi, dialect = self._writes, self.dbapi, self.engine.dialect
        _begin_immediately(dbapi)
        try:
            for write in writes:
                form = prepared_form(write.statement, dialect)
                if form is not None:
                    touched = form.run(dbapi, write.params).rowcount
                else:
                    touched = connection.execute(write.statement, write.params).rowcount
                if write.rows is not None and touched != write.rows:
                    dbapi.rollback()
                    return False
            dbapi.commit()
        except BaseException:
            if dbapi.in_transaction:
                dbapi.rollback()
            raise
        finally:
            if connection.in_transaction():  # SQLAlchemy's bookkeeping; the DBAPI's ended
                connection.rollback()
        return True

    async def searcher(self) -> sqlite_driver.OneTripConnection:
        """A connection of its own on its own thread, for a visit's searches (they take
        turns: `Shop.searching`), opened when first needed and kept: taking one from the
        store's pool and giving it back cost a search 0.2 ms of the event loop's time."""
        async with self._opening_searcher:
            if self._searcher is None:
                database = self.engine.url.database
                assert database is not None
                searcher = sqlite_driver.connect(database, check_same_thread=False)
                await searcher  # its thread started, connected
                await searcher.on_thread(partial(prepare_sqlite_connection, busy_timeout_ms=30_000))
                self._searcher = searcher
            return self._searcher

    async def close(self) -> None:
        for connection in (self._reads, self._writes):
            if connection is not None:
                connection.close()
        self._reads = self._writes = self._dbapi = None
        self.engine.dispose()
        if self._searcher is not None:
            searcher, self._searcher = self._searcher, None
            await searcher.close()


def _begin_immediately(dbapi: sqlite3.Connection) -> None:
    try:
        dbapi.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise Busy(str(error)) from error
        raise


class InlineSession(ExecutingSession):
    """An `AsyncSession` whose work runs on a plain `Session` on this thread, with no
    greenlet in between. Reads inside `heavy_reads()` go to `heavy()`'s session instead (a
    connection's thread). Meant for reading units: writes would run inline too (a reading
    unit refuses them: `WriteWhileReading`)."""

    def __init__(
        self, loop: LoopConnection, bind: AsyncEngine, heavy: Callable[[], AsyncSession]
    ) -> None:
        """`loop`: whose reader's connection it reads on; `bind`: the store's engine;
        `heavy`: a reading session of it."""
        super().__init__(expire_on_commit=False)
        self.sync_session.bind = inline = loop.reads
        self._loop = loop
        self._dbapi = loop.dbapi
        self._dialect = inline.dialect
        self._store_bind = bind
        self._heavy_session_of = heavy
        self._heavy: AsyncSession | None = None

    async def one_trip(self) -> sqlite_driver.OneTripConnection:
        """The connection a visit's search runs on, on its own thread, in one trip."""
        return await self._loop.searcher()

    def loop_connection(self) -> sqlite3.Connection:
        """The sqlite3 connection this session reads on, on the event loop's thread."""
        return self._dbapi

    def _on_thread(self) -> AsyncSession:
        """The session whose statements run on a connection's thread, made when first needed."""
        if self._heavy is None:
            self._heavy = self._heavy_session_of()
        return self._heavy

    async def execute(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        if sqlite_driver.reading_heavily():
            return await self._on_thread().execute(statement, params, **kwargs)
        form = None if kwargs else prepared_form(statement, self._dialect)
        try:
            if form is not None and form.is_select:  # a write goes the way that refuses it
                return form.run(self._dbapi, params)
            options = {**_BUFFERED, **kwargs.pop("execution_options", {})}
            return self.sync_session.execute(statement, params, execution_options=options, **kwargs)
        except (OperationalError, sqlite3.OperationalError) as error:
            if "locked" not in str(error):
                raise
        # a WAL reader waits only for a crash recovery: let a connection's thread wait for it
        return await self._on_thread().execute(statement, params, **kwargs)

    async def connection(self, *args: Any, **kwargs: Any) -> Any:
        """None to give: a visit's reads run on the loop's thread, and work in one trip on a
        connection's thread goes to `one_trip` (sqlite_driver.one_trip_connection)."""
        raise NotImplementedError("a visit's reads run on the loop's thread: see one_trip")

    async def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        return self.sync_session.get(entity, ident, **kwargs)

    async def flush(self, objects: Sequence[Any] | None = None) -> None:
        self.sync_session.flush(objects)

    @property
    def bind(self) -> AsyncEngine:
        """The store's engine: what repositories ask for the dialect."""
        return self._store_bind

    @bind.setter
    def bind(self, bind: AsyncEngine) -> None:
        self._store_bind = bind

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self._store_bind

    def begin(self) -> Any:
        """Nothing to start: the plain session begins at its first statement."""
        return _Started()

    async def commit(self) -> None:
        """Only a session holding changes has anything to commit: it flushes them, and a
        reading unit refuses (`WriteWhileReading`). Reads end with `close`."""
        session = self.sync_session
        if session.new or session.dirty or session.deleted:
            session.commit()

    async def rollback(self) -> None:
        if self.sync_session.in_transaction():
            self.sync_session.rollback()

    async def close(self) -> None:
        try:
            self.sync_session.close()
        finally:
            if self._heavy is not None:
                await self._heavy.close()


class _Started:
    """`await session.begin()` on an `InlineSession`: done at once."""

    def __await__(self) -> Iterator[None]:
        return iter(())
