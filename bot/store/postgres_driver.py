"""PostgreSQL through its asyncpg connection, for the few jobs SQLAlchemy's execution costs
too much in: a search's plan (bot.store.repositories.search), bulk inserts by COPY, the
BEGIN of `Store.apply`'s short transactions, and the statements a shopper's every round
trip runs (marked `prepared`: bot.store.prepared), in a visit (`VisitSession`) and in
`Store.apply` (`write`).

The search and COPY run on the connection a session already holds, inside its transaction:
what they write commits or rolls back with the rest of the unit of work. `transaction`
begins its own, on a connection of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from asyncpg import Connection as AsyncpgConnection
from sqlalchemy import Executable, Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.store.bulk import stored_values
from bot.store.db import ExecutingSession, rowcount
from bot.store.prepared import prepared_form


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


async def copy_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (column values by name, every row naming the same columns) with
    COPY ... FROM STDIN in binary, inside the session's transaction, as an INSERT through
    SQLAlchemy would store them (bot.store.bulk). Triggers fire as for an INSERT."""
    if not rows:
        return
    columns, records = stored_values(table, rows, session.get_bind().dialect)
    driver = await asyncpg_connection(session)
    await driver.copy_records_to_table(table.name, records=records, columns=columns)
