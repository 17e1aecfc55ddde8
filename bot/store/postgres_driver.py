"""PostgreSQL through its asyncpg connection, for the few jobs SQLAlchemy's execution costs
too much in: a search's plan (bot.store.repositories.search), bulk inserts by COPY, and the
BEGIN of `Store.apply`'s short transactions.

The first two run on the connection a session already holds, inside its transaction: what
they write commits or rolls back with the rest of the unit of work. `transaction` begins its
own, on a connection of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from asyncpg import Connection as AsyncpgConnection
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.store.bulk import stored_values


@asynccontextmanager
async def transaction(connection: AsyncConnection, *, first: str | None) -> AsyncIterator[None]:
    """A transaction on an AUTOCOMMIT connection, begun together with statement `first`
    (plain SQL: a chat's lock) in one trip, where SQLAlchemy's own took two (BEGIN, then the
    statement): committed at the end, rolled back if the body raises. The connection is
    invalidated if that cannot be done, so it never goes back to the pool inside a
    transaction."""
    raw = await connection.get_raw_connection()
    driver: AsyncpgConnection = raw.driver_connection
    begin = "BEGIN ISOLATION LEVEL READ COMMITTED"
    try:  # a BEGIN cut short (a cancelled task) is undone like the rest
        await driver.execute(f"{begin}; {first}" if first else begin)  # one simple query
        yield
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
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # an open connection's
    return driver


async def copy_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (column values by name, every row naming the same columns) with
    COPY ... FROM STDIN in binary, inside the session's transaction, as an INSERT through
    SQLAlchemy would store them (bot.store.bulk). Triggers fire as for an INSERT."""
    if not rows:
        return
    columns, records = stored_values(table, rows, session.get_bind().dialect)
    driver = await asyncpg_connection(session)
    await driver.copy_records_to_table(table.name, records=records, columns=columns)
