"""A CHECK constraint added to (or taken from) a table that holds the shop's data, for
migrations (0034, 0047).

PostgreSQL: ALTER TABLE ... ADD CONSTRAINT. SQLite cannot add a constraint to a table, and a
batch (copy the table, drop the old one, rename the copy) must not run on `products`: with the
bot's foreign keys on, dropping it deletes every variant (ON DELETE CASCADE), and the copy
loses the search index's triggers and its expression indexes. So on SQLite the constraint is
written into the table's stored definition (SQLite's own procedure for a change that leaves
the stored rows as they are, https://sqlite.org/lang_altertable.html#otheralter: writable
schema, then a new schema version so every connection reads the table anew); the migration
first makes every stored row keep it, since SQLite does not check them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import sqlalchemy as sa
from alembic import op


def add_check(table: str, name: str, rule: str) -> None:
    """`CONSTRAINT name CHECK (rule)` on `table` (`name` in full: ck_<table>_<what>)."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_definition(table, partial(_added, clause=_clause(name, rule)))
    else:
        op.create_check_constraint(op.f(name), table, sa.text(rule))


def drop_check(table: str, name: str, rule: str) -> None:
    """The constraint `add_check` added, taken away."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_definition(table, partial(_taken, clause=_clause(name, rule)))
    else:
        op.drop_constraint(op.f(name), table, type_="check")


def _clause(name: str, rule: str) -> str:
    return f",\n\tCONSTRAINT {name} CHECK ({rule})"


def _added(sql: str, clause: str) -> str:
    if clause in sql:  # there already
        return sql
    body = sql.rstrip()
    if not body.endswith(")"):
        raise RuntimeError(f"unexpected table definition: {sql[:80]}...")
    return body[:-1].rstrip() + clause + "\n)"


def _taken(sql: str, clause: str) -> str:
    return sql.replace(clause, "")


def _sqlite_definition(table: str, change: Callable[[str], str]) -> None:
    """Rewrite `table`'s stored CREATE TABLE, in the migration's transaction."""
    bind = op.get_bind()
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
        {"table": table},
    ).scalar_one()
    changed = change(sql)
    if changed == sql:
        return
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :table"),
            {"sql": changed, "table": table},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
