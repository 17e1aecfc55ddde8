"""Long polling: getUpdates hands out queued updates and confirms them by offset."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.standin import errors
from bot.standin.core import StandInCore, api_method
from bot.standin.errors import ApiError
from bot.standin.params import Params
from bot.standin.updates import allowed_update_types, update_kind


class PollingArea(StandInCore):
    """getUpdates as Telegram answers it: one poller at a time, held open until updates come."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._poll_generation = 0
        self.waiting_polls = 0
        """getUpdates requests currently held open (long polling)."""

    @api_method("getUpdates")
    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(errors.WEBHOOK_ACTIVE, 409)
        if (allowed := allowed_update_types(params.json("allowed_updates"))) is not None:
            self.allowed_updates = allowed
        self._updates.confirm(params.integer("offset"))
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.number("timeout"), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates.changed.notify()  # an older long poll ends with 409, as on Telegram
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(errors.GET_UPDATES_CONFLICT, 409)
            if self.webhook_url:  # set while this poll waited
                raise ApiError(errors.WEBHOOK_ACTIVE, 409)
            deliverable = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if deliverable or remaining <= 0 or self._closing:
                return deliverable
            self.waiting_polls += 1
            self._changes.notify()
            try:
                async with asyncio.timeout(remaining):
                    await self._updates.changed.wait()  # new updates, a newer poll, a webhook
            except TimeoutError:
                pass
            finally:
                self.waiting_polls -= 1

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Pending updates of allowed types; others are dropped as Telegram never sends them."""
        return self._updates.keep(lambda u: update_kind(u) in self.allowed_updates)[:limit]

    @api_method("close", "logOut")
    async def _true(self, params: Params) -> bool:
        return True
