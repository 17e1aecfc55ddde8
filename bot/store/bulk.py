"""Rows for a bulk insert that skips SQLAlchemy's execution, as that execution would store them.

A 100,000-product seed spent about 5 s of Python in SQLAlchemy's multi-row INSERTs, on
parameters (each rendered, cast and processed one by one). The drivers take plain tuples
faster: PostgreSQL's COPY (bot.store.postgres_driver.CopyFeed) and SQLite's multi-row
INSERTs in one trip to its thread (bot.store.sqlite_driver.insert_rows). What SQLAlchemy
would have done to the values is done here once: the columns' Python-side defaults fill
what the rows leave out, and each value goes through its type's bind processor (JSON to
text; on SQLite also datetimes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Dialect, Table


def stored_values(
    table: Table, rows: Sequence[dict[str, Any]], dialect: Dialect
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns to insert and each row's values for them. Every row names the same
    columns; columns it leaves out take their Python default (a callable's once for the
    whole batch: one instant) or, with none, their server default."""
    named = set(rows[0]) if rows else set()
    columns = [c for c in table.columns if c.name in named or _python_default(c) is not None]
    values = [_column_values(column, rows, named, dialect) for column in columns]
    return [c.name for c in columns], list(zip(*values, strict=True))


def _column_values(
    column: Column[Any], rows: Sequence[dict[str, Any]], named: set[str], dialect: Dialect
) -> list[Any]:
    """One column's values for every row, processed for the driver: column by column, a
    default is made and processed once (a datetime's text on SQLite), not once per row."""
    process = column.type._cached_bind_processor(dialect)
    if column.name not in named:
        make = _python_default(column)
        assert make is not None  # columns without one are left to the server
        value = make()
        return [value if process is None else process(value)] * len(rows)
    if process is None:
        return [row[column.name] for row in rows]
    return [process(row[column.name]) for row in rows]


def _python_default(column: Column[Any]) -> Callable[[], Any] | None:
    """What SQLAlchemy would put in this column when an INSERT leaves it out, if it would."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    arg = default.arg  # type: ignore[attr-defined]
    if default.is_scalar:
        return lambda: arg
    return lambda: arg(None)  # SQLAlchemy wraps a no-argument callable to take its context
