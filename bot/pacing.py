"""How fast the bot talks to Telegram: replies at once, bulk sends paced, Telegram's 429s obeyed.

Telegram limits a bot per chat (about one message a second, enforced with 429 and
`retry_after`) and limits *bulk notifications* (broadcasts, messages nobody asked for) to about
30 a second; it has no bot-wide cap on replies (Bots FAQ; tdlib/td #1834, #3034). PTB's
`AIORateLimiter` applies its 30/s to every request with a chat id, which held the shop's replies
to a tenth of what the framework can do. So:

- interactive requests (replies, edits, callback and query answers, invoices) go out at once;
- bulk sends pass `rate_limit_args=BULK` and queue, in order, for one `Pacer` at
  `BROADCAST_RATE`;
- any request answered with 429 waits `retry_after` and is tried again; until then the same
  chat's other requests wait too (a bulk 429 holds the whole bulk queue), other chats go on;
- a request that meets a fault of Telegram's (a 5xx answer, a timeout, a dropped connection)
  is tried again after a short, growing pause, within a deadline: 8 s for the answers to
  shipping and pre-checkout queries, which Telegram waits 10 s for, 20 s for the rest. A
  request the Bot API refuses (400 Bad Request, 403) is never repeated.

A retried send whose first try did reach Telegram (the answer was what got lost) shows twice:
for a shop, a message twice is better than a receipt or an invoice never.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Final

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

BULK: Final[dict[str, Any]] = {"bulk": True}
"""`rate_limit_args` of a send nobody asked for (broadcasts, notices, admin alerts)."""

ShopBot = ExtBot[dict[str, Any]]
"""The bot as handlers and services get it: its methods take `rate_limit_args=BULK`."""

MAX_RETRIES = 5  # tries after the first, before a fault reaches the caller
BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)  # seconds before each retry after a fault
DEADLINE = 20.0  # seconds from the first try after which no retry starts
QUERY_DEADLINE = 8.0  # answers to queries Telegram waits 10 s for
QUERY_ANSWERS = frozenset({"answerPreCheckoutQuery", "answerShippingQuery"})
WINDOW_MARGIN = 0.05  # seconds of slack per window, so HTTP jitter never squeezes rate+1 sends in

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
FaultListener = Callable[[str, Exception, bool], None]


class Pacer:
    """Spaces sends evenly at `rate` per second and never lets more than `rate` into any second."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.burst = max(1, math.floor(rate))
        self._clock = clock
        self._recent: deque[float] = deque(maxlen=self.burst)
        self._next = 0.0

    def delay(self) -> float:
        """Seconds to wait before the next send may start."""
        now = self._clock()
        start = max(now, self._next)
        if len(self._recent) == self.burst:
            start = max(start, self._recent[0] + 1.0 + WINDOW_MARGIN)
        return start - now

    def sent_at(self, moment: float) -> None:
        self._recent.append(moment)
        self._next = moment + self.interval

    async def wait(self) -> None:
        delay = self.delay()
        if delay > 0:
            await asyncio.sleep(delay)
        self.sent_at(self._clock())


class ShopRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """The bot's one rate limiter (see the module docstring for the rules)."""

    def __init__(self, bulk_rate: float, max_retries: int = MAX_RETRIES) -> None:
        self.bulk_rate = bulk_rate
        self.max_retries = max_retries
        self._bulk_pacer = Pacer(bulk_rate)
        self._bulk_queue = asyncio.Lock()  # FIFO: bulk sends leave in the order they came
        self._paused_until: dict[Any, float] = {}  # chat id -> monotonic time Telegram set
        self.on_fault: FaultListener = lambda endpoint, error, retried: None
        """Told of every fault met (for /metrics): the method, the error, whether retried."""

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        if rate_limit_args and rate_limit_args.get("bulk"):
            async with self._bulk_queue:  # a 429 here holds the queue: it is a bot-wide signal
                return await self._send(callback, args, kwargs, endpoint, chat_id, bulk=True)
        return await self._send(callback, args, kwargs, endpoint, chat_id, bulk=False)

    async def _send(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        chat_id: Any,
        *,
        bulk: bool,
    ) -> JSONResult:
        deadline = time.monotonic() + (QUERY_DEADLINE if endpoint in QUERY_ANSWERS else DEADLINE)
        for attempt in range(self.max_retries + 1):
            await self._wait_for_chat(chat_id)
            if bulk:
                await self._bulk_pacer.wait()
            if endpoint in QUERY_ANSWERS:  # leave time for another try within Telegram's wait
                left = deadline - time.monotonic()
                kwargs = {**kwargs, "read_timeout": max(min(left / 2, 4.0), 0.5)}
            try:
                return await callback(*args, **kwargs)
            except BadRequest:
                raise  # refused for what it says: the same request would be refused again
            except (RetryAfter, TimedOut, NetworkError) as error:
                pause = (
                    retry_after_seconds(error)
                    if isinstance(error, RetryAfter)
                    else BACKOFF[min(attempt, len(BACKOFF) - 1)]
                )
                last_try = attempt == self.max_retries or time.monotonic() + pause > deadline
                self.on_fault(endpoint, error, not last_try)
                if last_try:
                    log.warning(
                        "%s to chat %s failed after %s tries: %r",
                        endpoint,
                        chat_id,
                        attempt + 1,
                        error,
                    )
                    raise
                log.info("%s to chat %s: %r; retrying in %.2f s", endpoint, chat_id, error, pause)
                flood = isinstance(error, RetryAfter) and chat_id is not None
            if flood:
                self._pause(chat_id, pause)  # Telegram asked this chat to wait: all of it waits
            else:
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, chat_id: Any, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._paused_until[chat_id] = max(until, self._paused_until.get(chat_id, 0.0))

    async def _wait_for_chat(self, chat_id: Any) -> None:
        until = self._paused_until.get(chat_id)
        if until is None:
            return
        delay = until - time.monotonic()
        if delay <= 0:
            self._paused_until.pop(chat_id, None)
            return
        await asyncio.sleep(delay)


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, read without PTB's int-to-timedelta deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
