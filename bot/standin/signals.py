"""Change notices for waiters, so each waiter wakes only for changes it could care about.

Fifty shoppers waiting at once must not all re-check their chats whenever the bot touches
one of them: each chat has its own :class:`Signal`, as do the call log and the update queue,
and all of them pass their notices on to one stand-in wide signal for arbitrary predicates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    """Wakes its current waiters on :meth:`notify`; also notifies its parent, if any."""

    def __init__(self, parent: Signal | None = None) -> None:
        self._parent = parent
        self._waiters: dict[asyncio.Future[None], None] = {}  # a set that keeps arrival order

    def notify(self) -> None:
        """Something this signal covers changed: let every waiter look again."""
        waiters, self._waiters = self._waiters, {}
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
        if self._parent is not None:
            self._parent.notify()

    async def wait(self) -> None:
        """Until the next :meth:`notify`."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[waiter] = None
        try:
            await waiter
        finally:
            self._waiters.pop(waiter, None)

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Until ``predicate()`` returns something truthy, checked now and after each notice
        (``timeout`` None: forever; else TimeoutError)."""
        async with asyncio.timeout(timeout):
            while True:
                result = predicate()
                if result:
                    return result
                await self.wait()
