"""Engine and session factory: one place that knows the SQLite and PostgreSQL specifics."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Protocol

from asyncpg import PostgresError
from sqlalchemy import Engine, Executable, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.store import sqlite_driver
from bot.store.search_index import register_sqlite_functions

DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, sqlite3.Error, PostgresError)
"""What a database's refusal can be raised as: SQLAlchemy's errors, and the drivers' own
where the store talks to them directly (bot.store.sqlite_driver, postgres_driver)."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


READING = "shopbot_reading"
"""Execution option of a reading unit of work: plain BEGIN on SQLite, and no writes at all."""


SNAPSHOT = "shopbot_snapshot"
"""Execution option of a snapshot (`Store.snapshot`): a reading unit whose statements all see
the database as one moment left it. SQLite: a plain BEGIN (its first read fixes the WAL
snapshot); PostgreSQL: REPEATABLE READ, READ ONLY."""


class WriteWhileReading(RuntimeError):
    """A reading unit of work tried to write; the caller reruns its work in a writing one."""


POSTGRES_POOL_SIZE = 20
"""Connections a worker keeps open to PostgreSQL. With SQLAlchemy's default of five, ten
chats at once kept opening connections past the pool and closing them on return (each a
new server process, TLS offered and refused, a startup): a sixth of the bot's CPU at 10
chats (profiled), and 0.33 -> 0.43 x the echo bot's round trips."""
POSTGRES_OVERFLOW = 10
"""Opened beyond the pool in a burst and closed after it: a worker holds at most 30 (three
workers fit PostgreSQL's default max_connections of 100; DATABASE_POOL_SIZE sets the pool's
size for more workers, or a bigger server)."""


def create_engine(url: str, *, echo: bool = False, pool_size: int | None = None) -> AsyncEngine:
    """Create the async engine; on SQLite turn on WAL, foreign keys and BEGIN IMMEDIATE, and
    add the functions the search index's triggers call.

    SQLite ignores SELECT ... FOR UPDATE, and a deferred transaction that reads before it writes
    can fail to upgrade its lock; taking the write lock at BEGIN makes every writing unit of
    work safe. A reading unit of work (execution option READING) begins no transaction at all
    (each SELECT is atomic in WAL mode, beside the writer; PostgreSQL reads in AUTOCOMMIT) and
    may not write: its writes are compare-and-set statements applied later (Store.apply).
    """
    if not is_sqlite(url):
        engine = create_async_engine(
            url,
            echo=echo,
            pool_size=pool_size or POSTGRES_POOL_SIZE,
            max_overflow=POSTGRES_OVERFLOW,
            # No query of a shop runs long enough to gain from JIT compiling, and a plan the
            # planner over-estimates (an in-stock count) spent 15 ms compiling to run 1 ms.
            connect_args={"server_settings": {"jit": "off"}},
        )
        _drop_closed_connections(engine)
        refuse_writes_while_reading(engine)
        return engine

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        echo=echo,
        connect_args={"timeout": 30, "async_creator_fn": sqlite_driver.connect},
        # Sessions always end their transaction (commit, or rollback on close), so the pool's
        # own rollback on check-in would only add a trip to the database thread per unit.
        pool_reset_on_return=None,
        # Each connection is a thread. A fixed pool of eight (as many as before, at most):
        # with an overflow, every burst of more than the pool's size opened connections
        # (a thread, the PRAGMAs, the functions) and closed them again, about one open per
        # five round trips at 10 chats (profiled).
        pool_size=8,
        max_overflow=0,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        prepare_sqlite_connection(dbapi_connection, busy_timeout_ms=30_000)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(SNAPSHOT):  # many reads that must agree: one read transaction
            conn.exec_driver_sql("BEGIN")
        elif not options.get(READING):  # a reader needs no transaction
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    refuse_writes_while_reading(engine)
    return engine


def prepare_sqlite_connection(
    dbapi_connection: Any, *, busy_timeout_ms: int, checkpoints: bool = True
) -> None:
    """What every SQLite connection of the bot is set up with: BEGIN is ours to emit, WAL,
    foreign keys, NORMAL syncing, how long to wait for a lock, and the functions the search
    index's triggers call. `checkpoints=False`: it never checkpoints the WAL itself."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"busy_timeout={busy_timeout_ms}",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    if not checkpoints:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()
    register_sqlite_functions(dbapi_connection)


def _drop_closed_connections(engine: AsyncEngine) -> None:
    """A pooled PostgreSQL connection the server closed (a restart, an administrator) is
    replaced at checkout, before any work meets it.

    SQLAlchemy's `pool_pre_ping` does this by asking the server, and with asyncpg a ping is
    three round trips (BEGIN, an empty statement, ROLLBACK): nine per update at the three
    checkouts an update makes, the largest part of a /help's database time (profiled). The
    connection itself knows when the server has closed it, for nothing."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _check(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the server closed this connection")


_READ_STATEMENTS = (
    "SELECT",
    "BEGIN",
    "WITH",
    "PRAGMA",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "EXPLAIN (FORMAT JSON) SELECT",  # a plan's estimates: nothing runs
)


def refuse_writes_while_reading(engine: AsyncEngine | Engine) -> None:
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _check(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if conn.get_execution_options().get(READING) and not statement.lstrip().upper().startswith(
            _READ_STATEMENTS
        ):
            raise WriteWhileReading(statement.split(None, 2)[:2])


def create_sessionmaker(
    engine: AsyncEngine,
    *,
    reading: bool = False,
    snapshot: bool = False,
    session: type[AsyncSession] = AsyncSession,
) -> async_sessionmaker[AsyncSession]:
    """`reading`: sessions that may not write (see READING); `snapshot`: reading sessions
    whose reads all see one moment (see SNAPSHOT)."""
    if snapshot and is_sqlite(str(engine.url)):
        bind = engine.execution_options(**{READING: True, SNAPSHOT: True})
    elif snapshot:
        bind = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True, **{READING: True}
        )
    elif reading and is_sqlite(str(engine.url)):
        # Every SQLite connection already runs in autocommit mode (the "connect" hook), and
        # a reader emits no BEGIN: asking for AUTOCOMMIT again would cost two trips to the
        # connection's thread per unit of work (set on checkout, reset on check-in).
        bind = engine.execution_options(**{READING: True})
    elif reading:
        bind = engine.execution_options(isolation_level="AUTOCOMMIT", **{READING: True})
    else:
        bind = engine
    return async_sessionmaker(bind, class_=session, expire_on_commit=False)


class ExecutingSession(AsyncSession):
    """An `AsyncSession` whose `scalar` and `scalars` go through its own `execute` (the base
    class runs them on a path of their own): a subclass that runs some statements its own
    way (a visit's session: bot.store.inline, postgres_driver) overrides `execute` alone."""

    async def scalar(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return (await self.execute(statement, params, **kwargs)).scalar()

    async def scalars(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return (await self.execute(statement, params, **kwargs)).scalars()


def rowcount(result: object) -> int:
    """Rows an INSERT, UPDATE or DELETE touched."""
    return int(getattr(result, "rowcount", 0) or 0)


class Writer(Protocol):
    """`UnitOfWork.write`: run a compare-and-set statement now, or keep it for later."""

    async def __call__(
        self,
        statement: Executable,
        *,
        rows: int | None = 1,
        params: dict[str, Any] | None = None,
    ) -> bool: ...


def insert_or_ignore(session: AsyncSession | AsyncEngine, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in this session's (or engine's) dialect."""
    bind = session.get_bind() if isinstance(session, AsyncSession) else session
    postgresql = bind.dialect.name == "postgresql"
    return (postgresql_insert if postgresql else sqlite_insert)(table).on_conflict_do_nothing()
