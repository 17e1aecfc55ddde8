"""PostgreSQL through its asyncpg connection, for the few jobs SQLAlchemy's execution costs
too much in: a search's plan (bot.store.repositories.search) and bulk inserts by COPY.

Both run on the connection a session already holds, inside its transaction: what they write
commits or rolls back with the rest of the unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asyncpg import Connection as AsyncpgConnection
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.bulk import stored_values


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
