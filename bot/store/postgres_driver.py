"""PostgreSQL through its asyncpg connection, for the few jobs SQLAlchemy's execution costs
too much in: a search's plan (bot.store.repositories.search), bulk inserts by COPY, the
BEGIN of `Store.apply`'s short transactions, a visit's writes as one statement
(`apply_as_one`), and the statements a shopper's every round trip runs (marked
`prepared`: bot.store.prepared), in a visit (`VisitSession`) and in `Store.apply` (`write`).

The search and COPY run on the connection a session already holds, inside its transaction:
what they write commits or rolls back with the rest of the unit of work. `transaction`
begins its own, on a connection of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from asyncpg import Connection as AsyncpgConnection
from asyncpg import PostgresError
from sqlalchemy import Executable, Table, Update, exists, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.store.bulk import stored_values
from bot.store.db import ExecutingSession, rowcount
from bot.store.prepared import Prepared, prepared_form

REFUSED = "SHOP1"  # the SQLSTATE writes_refused() raises (migration 0015)
_AFTER_LOCK = exists(select(literal_column("1")).select_from(table("held")))
_PLACE = re.compile(r"\$(\d+)")
_AS_ONE: dict[int, tuple[Executable, Prepared]] = {}  # by id(statement), which it holds


@asynccontextmanager
async def transaction(
    connection: AsyncConnection, *, first: str | None
) -> AsyncIterator[AsyncpgConnection]:
    """A transaction on an AUTOCOMMIT connection, begun together with statement `first`
    (plain SQL: a chat's lock) in one trip, where SQLAlchemy's own took two (BEGIN, then the
    statement): committed at the end, rolled back if the body raises. The connection is
    invalidated if that cannot be done, so it never goes back to the pool inside a
    transaction. Gives the asyncpg connection, for `write`."""
    driver = await _driver_of(connection)
    begin = "BEGIN ISOLATION LEVEL READ COMMITTED"
    try:  # a BEGIN cut short (a cancelled task) is undone like the rest
        await driver.execute(f"{begin}; {first}" if first else begin)  # one simple query
        yield driver
    except BaseException:
        try:
            await driver.execute("ROLLBACK")
        except BaseException:
            await connection.invalidate()
        raise  # what the body (or the BEGIN) raised
    try:
        await driver.execute("COMMIT")
    except BaseException:
        if driver.is_in_transaction():
            await connection.invalidate()
        raise


async def asyncpg_connection(session: AsyncSession) -> AsyncpgConnection:
    """The asyncpg connection under the session's (its transaction begun if it was not)."""
    return await _driver_of(await session.connection())


async def _driver_of(connection: AsyncConnection) -> AsyncpgConnection:
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # an open connection's
    return driver


async def write(
    connection: AsyncConnection,
    statement: Executable,
    params: dict[str, Any] | None,
    driver: AsyncpgConnection | None = None,
) -> int:
    """Run a write on `connection` (whose asyncpg connection is `driver`, if known): the rows
    it touched. A statement marked `prepared` goes straight to asyncpg."""
    form = prepared_form(statement, connection.dialect)
    if form is None:
        return rowcount(await connection.execute(statement, params))
    return (await form.run_on_asyncpg(driver or await _driver_of(connection), params)).rowcount


class VisitSession(ExecutingSession):
    """The session of a shopper's visit on PostgreSQL (AUTOCOMMIT, as every reading unit's
    there: each read is atomic, and the visit's writes are compare-and-set, made later by
    `Store.apply`). A read marked `prepared` goes straight to the asyncpg connection the
    session holds: no greenlet, execution context or cursor result per statement (profiled
    at 10 chats: SQLAlchemy's execution of a visit's statements was about a fifth of the
    bot's CPU). Anything else runs through SQLAlchemy as ever."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._driver: AsyncpgConnection | None = None

    async def execute(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        form = None if kwargs or self.bind is None else prepared_form(statement, self.bind.dialect)
        if form is None or not form.is_select:  # a write goes the way that refuses it
            return await super().execute(statement, params, **kwargs)
        if self._driver is None:
            self._driver = await asyncpg_connection(self)
        return await form.run_on_asyncpg(self._driver, params)

    async def commit(self) -> None:
        self._driver = None  # the session may give its connection back
        await super().commit()

    async def rollback(self) -> None:
        self._driver = None
        await super().rollback()

    async def close(self) -> None:
        self._driver = None
        await super().close()


class CopyFeed:
    """One COPY ... FROM STDIN that rows are sent to while they are still being made: the
    server writes what it has while this process makes the next rows (a 100,000-product
    seed spent 9.6 s in the server's COPY after 4.5 s of checking and converting rows).

    `send` hands rows over and returns at once unless the server is far behind; `end` ends
    the COPY (statement triggers fire) and raises what the server refused. Until then the
    session's connection is the COPY's: end it before any other statement, or `abort` it
    (nothing sent stays) when giving up."""

    _BACKLOG = 4  # batches waiting for the connection before `send` waits too

    def __init__(self, session: AsyncSession, table: Table) -> None:
        self.session, self.table = session, table
        self._columns: list[str] = []
        self._batches: asyncio.Queue[list[tuple[Any, ...]] | None] = asyncio.Queue(self._BACKLOG)
        self._copy: asyncio.Task[str] | None = None

    async def send(self, rows: Sequence[dict[str, Any]]) -> None:
        """Rows naming the same columns as every row sent before (bot.store.bulk)."""
        if not rows:
            return
        columns, records = stored_values(self.table, rows, self.session.get_bind().dialect)
        if self._copy is None:
            self._columns = columns
            driver = await asyncpg_connection(self.session)
            self._copy = asyncio.create_task(
                driver.copy_records_to_table(
                    self.table.name, records=self._records(), columns=columns
                )
            )
        elif columns != self._columns:
            raise ValueError(f"rows name {columns}, the COPY {self._columns}")
        await self._hand_over(records)

    async def end(self) -> None:
        """Wait for the server to write every row sent; raises what it refused."""
        if self._copy is not None:
            await self._hand_over(None)
            copy, self._copy = self._copy, None
            await copy

    async def abort(self) -> None:
        """Stop the COPY, if one runs: the server drops what it was sent."""
        if self._copy is None:
            return
        copy, self._copy = self._copy, None
        copy.cancel()  # asyncpg tells the server the COPY failed
        with contextlib.suppress(BaseException):
            await copy

    async def _records(self) -> AsyncIterator[tuple[Any, ...]]:
        batches = self._batches
        while (batch := await batches.get()) is not None:
            for record in batch:
                yield record

    async def _hand_over(self, batch: list[tuple[Any, ...]] | None) -> None:
        """Queue `batch` (None: the end) for the COPY, or raise why the COPY stopped."""
        assert self._copy is not None
        if not self._copy.done():
            queued = asyncio.ensure_future(self._batches.put(batch))
            try:
                await asyncio.wait({queued, self._copy}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not queued.done():
                    queued.cancel()
            if not queued.cancelled():
                return
        await self._copy  # it ended before taking the batch: its error
        raise RuntimeError("the COPY ended before its rows were all sent")


async def apply_as_one(
    connection: AsyncConnection,
    writes: Sequence[tuple[Executable, dict[str, Any] | None, int | None]],
    *,
    chat_id: int | None,
) -> bool | None:
    """Make `writes` (statement, parameters, rows it must touch or None) all or none in one
    statement, on an AUTOCOMMIT connection, holding `chat_id`'s lock before any of them
    writes: True if done, False if one touched another number of rows (nothing written).
    None, and nothing done, if they cannot go as one: only `prepared` UPDATEs, each of
    another table, can (the parts of one statement see the same snapshot: a later write
    would not see an earlier one's rows).

    Where a transaction took four trips (BEGIN with the lock, each write, COMMIT), this is
    one: each write is a data-modifying WITH query that waits for the lock first (a chat
    changed meanwhile then fails its compare-and-set as it would after a BEGIN), and the
    last step checks what each touched, calling writes_refused() (migration 0015) to undo
    them all if one is off."""
    tables = [getattr(statement, "table", None) for statement, _, _ in writes]
    if len(set(map(id, tables))) != len(writes):
        return None
    forms = [_as_one_form(statement, connection.dialect) for statement, _, _ in writes]
    if None in forms:
        return None
    parts: list[str] = []
    values: list[Any] = []
    checks: list[str] = []
    for i, (form, (_, params, rows)) in enumerate(zip(forms, writes, strict=True)):
        assert form is not None
        sql, own = form.bound(params)
        parts.append(f"w{i} AS ({_PLACE.sub(lambda m: f'${int(m[1]) + len(values)}', sql)})")
        values.extend(own)
        if rows is not None:
            checks.append(f"(SELECT count(*) FROM w{i}) = {int(rows)}")
    if chat_id is None:  # writes that belong to no chat: no lock to wait for
        held = "held AS MATERIALIZED (SELECT 1)"
    else:
        held = f"held AS MATERIALIZED (SELECT pg_advisory_xact_lock(${len(values) + 1}::bigint))"
        values.append(chat_id)
    verdict = (
        f"CASE WHEN {' AND '.join(checks)} THEN 0 ELSE writes_refused() END" if checks else "0"
    )
    sql = f"WITH {held}, {', '.join(parts)} SELECT {verdict}"
    driver = await _driver_of(connection)
    try:
        await driver.fetchval(sql, *values)
    except PostgresError as error:
        if getattr(error, "sqlstate", None) == REFUSED:
            return False
        raise
    return True


def _as_one_form(statement: Executable, dialect: Any) -> Prepared | None:
    """A `prepared` UPDATE as `apply_as_one` runs it: after the chat's lock (`held`), and
    returning a row for each it touched. Made once per statement."""
    found = _AS_ONE.get(id(statement))
    if found is not None:
        return found[1]
    if not isinstance(statement, Update) or prepared_form(statement, dialect) is None:
        return None
    form = Prepared(statement.where(_AFTER_LOCK).returning(literal_column("1")), dialect)
    _AS_ONE[id(statement)] = (statement, form)
    return form
