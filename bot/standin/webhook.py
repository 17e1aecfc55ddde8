"""Webhook delivery: setWebhook, and POSTing each update until the bot's server takes it.

Like Telegram, updates of one chat go out one after another while different chats are
delivered side by side; a failed POST is retried with a growing delay, then dropped.
``webhook_targets`` plays a load balancer in front of several workers (round robin).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from typing import Any

import aiohttp

from bot.standin import errors
from bot.standin.core import StandInCore, api_method
from bot.standin.errors import ApiError
from bot.standin.models import WebhookDelivery
from bot.standin.params import Params
from bot.standin.updates import Update, allowed_update_types, update_kind

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _ordering_key(update: Update) -> int:
    """The chat (or, for queries, the user) whose updates go out one after another."""
    payload = update[update_kind(update)]
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    if isinstance(chat, dict) and "id" in chat:
        return int(chat["id"])
    return int((payload.get("from") or {}).get("id", 0))


class WebhookArea(StandInCore):
    """setWebhook/deleteWebhook/getWebhookInfo and one delivery task per chat."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhook_secret: str | None = None
        self.webhook_targets: list[str] | None = None
        """Test-only: plays the load balancer in front of several workers. When set, each
        delivery attempt goes to the next URL of this list in turn (round robin) instead of to
        the URL the bot registered; the secret token header is sent as registered."""
        self.webhook_attempts = 4
        """Deliveries of one update before giving up on it, as Telegram does after a while."""
        self.webhook_retry_delay = 0.05
        """Seconds before the first retry; doubled for each further one."""
        self.webhook_deliveries: list[WebhookDelivery] = []
        """Every POST to the webhook (or its connection failure), oldest first."""
        self._next_target = itertools.count()
        self._delivery_tasks: dict[int, asyncio.Task[None]] = {}
        self._http: aiohttp.ClientSession | None = None

    def deliveries_of(self, update_id: int) -> list[WebhookDelivery]:
        """Every webhook delivery attempt of one update."""
        return [d for d in self.webhook_deliveries if d.update_id == update_id]

    async def _end_background_work(self) -> None:
        await super()._end_background_work()
        tasks = list(self._delivery_tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
            self._http = None

    # ------------------------------------------------------------------ methods

    @api_method("deleteWebhook")
    async def _delete_webhook(self, params: Params) -> bool:
        """Back to getUpdates; updates not yet delivered wait for it."""
        self.webhook_url, self.webhook_secret = "", None
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self._updates.changed.notify()  # a long poll may go on now
        return True

    @api_method("setWebhook")
    async def _set_webhook(self, params: Params) -> bool:
        """POST updates to ``url`` from now on (an empty url removes the webhook).

        Unlike Telegram, plain http and any port are accepted: this is loopback.
        """
        url = params.text("url") or ""
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise ApiError(errors.WEBHOOK_URL_INVALID)
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(secret):
            raise ApiError(errors.SECRET_TOKEN_INVALID)
        if (allowed := allowed_update_types(params.json("allowed_updates"))) is not None:
            self.allowed_updates = allowed
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url, self.webhook_secret = url, secret
        self._updates.changed.notify()  # a waiting long poll ends with 409
        for update in self._updates:  # what waited for getUpdates goes out now
            self._dispatch(update)
        return True

    @api_method("getWebhookInfo")
    async def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        failed = [d for d in self.webhook_deliveries if not d.ok]
        if self.webhook_url and failed:
            info["last_error_date"] = int(time.time())
            info["last_error_message"] = failed[-1].error
        if self.webhook_url:
            info["max_connections"] = 40
            info["allowed_updates"] = sorted(self.allowed_updates)
        return info

    # ------------------------------------------------------------------ delivery

    def _dispatch(self, update: Update) -> None:
        """Make sure the update's chat has a delivery task; it sends the chat's updates in order.

        Different chats are delivered side by side, as Telegram does over several connections.
        """
        super()._dispatch(update)
        if not self.webhook_url:
            return
        key = _ordering_key(update)
        if key not in self._delivery_tasks and not self._closing:
            self._delivery_tasks[key] = asyncio.create_task(self._deliver_chat(key))

    async def _deliver_chat(self, key: int) -> None:
        try:
            while self.webhook_url and not self._closing:
                update = next((u for u in self._updates if _ordering_key(u) == key), None)
                if update is None:
                    return
                allowed = update_kind(update) in self.allowed_updates
                delivered = allowed and await self._deliver(update)
                if not delivered and allowed and (not self.webhook_url or self._closing):
                    return  # the webhook went away: the update waits for getUpdates
                self._updates.remove(update)  # done or dropped
        finally:
            self._delivery_tasks.pop(key, None)

    async def _deliver(self, update: Update) -> bool:
        """POST one update until a 2xx answer; False if every attempt failed (it is dropped)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        headers = {SECRET_TOKEN_HEADER: self.webhook_secret} if self.webhook_secret else {}
        delay = self.webhook_retry_delay
        for attempt in range(1, self.webhook_attempts + 1):
            url = self.webhook_url
            if self.webhook_targets:
                url = self.webhook_targets[next(self._next_target) % len(self.webhook_targets)]
            status: int | None = None
            error: str | None = None
            try:
                async with self._http.post(url, json=update, headers=headers) as response:
                    status = response.status
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}: {exc}"
            self.webhook_deliveries.append(
                WebhookDelivery(
                    update["update_id"],
                    update_kind(update),
                    url,
                    time.monotonic(),
                    status,
                    error,
                )
            )
            self._changes.notify()
            if error is None:
                return True
            if attempt == self.webhook_attempts or not self.webhook_url or self._closing:
                break
            await asyncio.sleep(delay)  # Telegram's retries back off too
            delay *= 2
        return False
