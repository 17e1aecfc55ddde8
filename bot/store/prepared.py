"""Statements a shopper's every round trip runs, prepared once for the database's driver.

A statement built once at import, with named parameters, is marked `prepared(...)`; in a
shopper's visit and `Store.apply` it then runs as `Prepared`: compiled once, straight
through the driver: on the event loop's SQLite connection (bot.store.inline), and on the
asyncpg connection of a visit's session or of an apply on PostgreSQL (postgres_driver).
Everywhere else (SQLite's connections on threads, other units of work) the mark changes
nothing and SQLAlchemy runs the statement as ever.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy
from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

if TYPE_CHECKING:
    from asyncpg import Connection as AsyncpgConnection

PREPARED = "shopbot_prepared"
"""Execution option of a statement marked `prepared`."""

_Statement = TypeVar("_Statement", bound=Executable)


def prepared(statement: _Statement) -> _Statement:
    """Mark a statement built once, with named parameters, that a shopper's every round trip
    runs (the module docstring says what that changes)."""
    return statement.execution_options(**{PREPARED: True})


class Prepared:
    """A statement marked `prepared`, compiled once for a dialect and run on the driver's
    connection (sqlite3's, or asyncpg's). Through SQLAlchemy, a statement by key cost 60-150
    µs on SQLite (an execution context, its events, a cursor result, the rows' processing set
    up anew each time; on PostgreSQL a greenlet too) and an ORM read of a product about
    250 µs, against about 15 µs of SQLite's own work: a round trip runs five to eight of
    them. Here what the statement needs is worked out once: its SQL, the order of its
    parameters with their defaults and conversions, and how a row is made of what the driver
    returns. A list parameter (`IN`) gets as many places as its list has items at each run
    on SQLite, and is one array on PostgreSQL (`= ANY($n)`).

    `select(Model)` gives detached `Model` objects, as a session gives them once closed:
    a reading unit changes nothing it reads, and a relationship not loaded still raises.

    What it reads of the compiled statement (its parameters' order, its conversions) is
    SQLAlchemy's own, the same in 2.0 and 2.1 (pyproject keeps it below 2.2);
    tests/store/test_prepared.py compares every kind of read with SQLAlchemy's, so a release
    that changes them fails there first.
    """

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        names = compiled.positiontup
        lists = {bind.key for bind in compiled.post_compile_params if bind.expanding}
        if (
            names is None
            or len(lists) != len(compiled.post_compile_params)
            or compiled.literal_execute_params
            or compiled.insert_prefetch  # a column default computed at each run
            or compiled.update_prefetch
        ):
            raise TypeError(f"not a statement to prepare: {compiled}")
        to_driver: dict[str, Any] = dict(compiled._bind_processors)
        self.sql = compiled.string
        self.is_select = bool(getattr(statement, "is_select", False))
        self._expands = dialect.paramstyle == "qmark"  # SQLite: a `?` per item, at each run
        if lists and not self._expands:
            # PostgreSQL: `IN (list)` becomes `= ANY($n)`, one array parameter, so the SQL
            # stays the same whatever the list's length. SQLAlchemy numbered the other
            # parameters in order ($1, $2, ...) leaving the lists out: they come last.
            plain = [name for name in names if name not in lists]
            listed = [name for name in names if name in lists]
            names = plain + listed
            for number, name in enumerate(listed, len(plain) + 1):
                place = f"IN (__[POSTCOMPILE_{name}])"
                if self.sql.count(place) != 1 or f"NOT {place}" in self.sql:
                    raise TypeError(f"a list parameter only in one `IN`: {compiled}")
                self.sql = self.sql.replace(place, f"= ANY(${number})")
        self._parameters = [
            (name, _default_of(compiled.binds[name]), to_driver.get(name), name in lists)
            for name in names
        ]
        columns = compiled._result_columns or []
        from_driver = [c.type._cached_result_processor(dialect, None) for c in columns]
        self._from_driver = from_driver if any(from_driver) else None
        self._make = _row_maker(statement, columns)

    def run(self, dbapi: sqlite3.Connection, params: dict[str, Any] | None) -> PreparedResult:
        """On a sqlite3 connection."""
        sql, values = self.bound(params)
        cursor = dbapi.execute(sql, values)
        if not self.is_select:
            return PreparedResult([], cursor.rowcount)
        return self._result(cursor)

    async def run_on_asyncpg(
        self, driver: AsyncpgConnection, params: dict[str, Any] | None
    ) -> PreparedResult:
        """On an asyncpg connection (compiled for PostgreSQL)."""
        sql, values = self.bound(params)
        if not self.is_select:
            status = await driver.execute(sql, *values)  # "UPDATE 1"
            return PreparedResult([], int(status.rsplit(" ", 1)[-1]))
        return self._result(await driver.fetch(sql, *values))

    def bound(self, params: dict[str, Any] | None) -> tuple[str, list[Any]]:
        """The SQL to run and its parameters' values, in order, as the driver takes them."""
        given = params or {}
        sql, values = self.sql, []
        for name, default, convert, is_list in self._parameters:
            value = given[name] if name in given else default()
            if is_list:
                items = [item if convert is None else convert(item) for item in value]
                if self._expands:  # `IN (...)`: as many places as the list has items
                    sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * len(items)))
                    values.extend(items)
                else:  # `= ANY($n)`: the list is one array
                    values.append(items)
            else:
                values.append(value if convert is None else convert(value))
        return sql, values

    def _result(self, rows: Iterable[Sequence[Any]]) -> PreparedResult:
        make, converts = self._make, self._from_driver
        if converts is None:
            return PreparedResult([make(row) for row in rows], -1)
        return PreparedResult(
            [
                make([v if c is None else c(v) for v, c in zip(row, converts, strict=True)])
                for row in rows
            ],
            -1,
        )


def _row_maker(statement: Any, columns: Sequence[Any]) -> Callable[[Sequence[Any]], Any]:
    """Rows as SQLAlchemy's read: by position or column name; or, for `select(Model)`, a
    one-element row holding the detached object."""
    described: list[dict[str, Any]] = getattr(statement, "column_descriptions", [])
    entity = described[0].get("entity") if len(described) == 1 else None
    if entity is None or described[0].get("expr") is not entity:
        row: Any = namedtuple("row", [c.keyname for c in columns], rename=True)  # type: ignore[misc]
        return row._make
    if statement._with_options:
        raise TypeError(f"loader options are not prepared: {statement}")
    mapper = sqlalchemy.inspect(entity)
    keys = [mapper.get_property_by_column(c.objects[0]).key for c in columns]
    new = mapper.class_manager.new_instance

    def detached(values: Sequence[Any]) -> tuple[Any]:
        found = new()
        found.__dict__.update(zip(keys, values, strict=True))
        make_transient_to_detached(found)
        return (found,)

    return detached


def _default_of(bind: Any) -> Callable[[], Any]:
    """A parameter's value when the caller gives none: the statement's own (a literal in
    it, or a function of the moment), or a KeyError naming it."""
    if bind.required:

        def missing() -> Any:
            raise KeyError(f"a value is required for the parameter {bind.key!r}")

        return missing
    if bind.callable is not None:
        return bind.callable
    value = bind.value
    return lambda: value


class PreparedResult:
    """A prepared statement's rows, with the parts of SQLAlchemy's `Result` the
    repositories use."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise MultipleResultsFound("more than one row where at most one was expected")
        return self.first()

    def one(self) -> Any:
        if not self._rows:
            raise NoResultFound("no row where one was expected")
        return self.one_or_none()

    def scalars(self) -> PreparedResult:
        return PreparedResult([row[0] for row in self._rows], self.rowcount)

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]


_PREPARED: dict[tuple[int, str], tuple[Executable, Prepared | None]] = {}
_PREPARED_MOST = 1024  # marked statements are built once: this many means something is not


def prepared_form(statement: Any, dialect: Dialect) -> Prepared | None:
    """The statement's prepared form for this dialect if it is marked `prepared` (None
    otherwise)."""
    key = (id(statement), dialect.name)
    found = _PREPARED.get(key)
    if found is not None:  # the statement is held below: its id is not another's
        return found[1]
    options = getattr(statement, "_execution_options", None)
    if not options or not options.get(PREPARED):
        return None
    if len(_PREPARED) >= _PREPARED_MOST:
        _PREPARED.clear()
    form = Prepared(statement, dialect)
    _PREPARED[key] = (statement, form)  # held, so its id is not reused
    return form
