"""Throwaway PostgreSQL databases for tests, made ahead and dropped behind their backs.

On PostgreSQL 15 with fsync on, `CREATE DATABASE ... TEMPLATE` took 0.2-0.7 s and
`DROP DATABASE` 0.6-0.9 s (it waits for a checkpoint): together about a second of each
PostgreSQL test's set-up and teardown, a fifth of the suite's time. Here both happen on a
thread of the process's own while tests run: the next copy of a template is made as soon as
one is taken, and a test's database is dropped after it, without the test waiting. Each test
still gets a database nobody used before.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import defaultdict, deque
from concurrent.futures import Future
from typing import Any

import asyncpg

AHEAD = 1  # copies of each template kept ready: enough when a test takes longer than a copy


def pg_database_url(admin_dsn: str, name: str) -> str:
    """The SQLAlchemy URL of database `name` on the server of `admin_dsn`."""
    base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def create_pg_database(admin_dsn: str, template: str | None = None) -> str:
    """A new database with a random name (a copy of `template`, if given): its name."""
    name = f"shopbot_test_{uuid.uuid4().hex[:12]}"
    copying = f' TEMPLATE "{template}"' if template else ""
    await _execute(admin_dsn, f'CREATE DATABASE "{name}"{copying}')
    return name


async def drop_pg_database(admin_dsn: str, name: str) -> None:
    await _execute(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _execute(admin_dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


class PgDatabases:
    """One per test process. `take(template)` gives the name of a new database (a copy of
    `template`, or empty with None); `give_back(name)` drops it later; `close()` drops what
    is left and waits for every drop."""

    def __init__(self, admin_dsn: str) -> None:
        self.admin_dsn = admin_dsn
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pg-databases", daemon=True
        )
        self._thread.start()
        self._ready: defaultdict[str | None, deque[Future[str]]] = defaultdict(deque)
        self._drops: list[Future[None]] = []
        self._creating = asyncio.Lock()  # one CREATE at a time: the server queues them anyway

    def _submit(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _create(self, template: str | None) -> str:
        async with self._creating:
            return await create_pg_database(self.admin_dsn, template)

    async def take(self, template: str | None = None) -> str:
        """A new database's name; the next copy of `template` starts at once."""
        ready = self._ready[template]
        copy = ready.popleft() if ready else self._submit(self._create(template))
        while len(ready) < AHEAD:
            ready.append(self._submit(self._create(template)))
        name: str = await asyncio.wrap_future(copy)
        return name

    def give_back(self, name: str) -> None:
        """Drop `name` soon; the caller does not wait (a failed drop fails `close`)."""
        self._drops = [drop for drop in self._drops if not drop.done() or drop.exception()]
        self._drops.append(self._submit(drop_pg_database(self.admin_dsn, name)))

    def forget(self, template: str | None) -> None:
        """Drop the copies of `template` made ahead, and wait until they are gone: before
        the template itself is dropped."""
        ready = self._ready.pop(template, deque())
        for copy in ready:
            self.give_back(copy.result())
        self._wait_for_drops()

    def _wait_for_drops(self) -> None:
        drops, self._drops = self._drops, []
        for drop in drops:
            drop.result()

    def close(self) -> None:
        for template in list(self._ready):
            self.forget(template)
        self._wait_for_drops()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
