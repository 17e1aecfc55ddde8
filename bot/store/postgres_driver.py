"""PostgreSQL through its asyncpg connection, for the few jobs SQLAlchemy's execution costs
too much in: a search's plan (bot.store.repositories.search) and bulk inserts by COPY.

Both run on the connection a session already holds, inside its transaction: what they write
commits or rolls back with the rest of the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from asyncpg import Connection as AsyncpgConnection
from sqlalchemy import Column, Table
from sqlalchemy.ext.asyncio import AsyncSession


async def asyncpg_connection(session: AsyncSession) -> AsyncpgConnection:
    """The asyncpg connection under the session's (its transaction begun if it was not)."""
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # an open connection's
    return driver


async def copy_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (column values by name, every row naming the same columns) with
    COPY ... FROM STDIN in binary, as an INSERT through SQLAlchemy would store them: the
    columns' Python-side defaults fill what the rows leave out (a callable's once for the
    whole batch: one instant), each value goes through its type's bind processor (JSON),
    and server defaults fill the rest. Triggers fire as for an INSERT.

    For 100,000 products, SQLAlchemy's multi-row INSERTs spent about 5 s of Python on
    parameters (each rendered, cast and processed); COPY hands asyncpg plain tuples."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    named = set(rows[0])
    columns = [c for c in table.columns if c.name in named or _python_default(c) is not None]
    defaults = {c.name: _python_default(c) for c in columns if c.name not in named}
    given = {name: make() for name, make in defaults.items() if make is not None}
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    records = [
        tuple(
            value if process is None else process(value)
            for value, process in zip(
                (row[c.name] if c.name in named else given[c.name] for c in columns),
                processors,
                strict=True,
            )
        )
        for row in rows
    ]
    driver = await asyncpg_connection(session)
    await driver.copy_records_to_table(
        table.name, records=records, columns=[c.name for c in columns]
    )


def _python_default(column: Column[Any]) -> Callable[[], Any] | None:
    """What SQLAlchemy would put in this column when an INSERT leaves it out, if it would."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    arg = default.arg  # type: ignore[attr-defined]
    if default.is_scalar:
        return lambda: arg
    return lambda: arg(None)  # SQLAlchemy wraps a no-argument callable to take its context
