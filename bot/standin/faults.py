"""Faults the stand-in injects into the bot's calls, to test how the bot rides them out.

``standin.faults`` plans them per method (or ``"*"`` for every method), for the next N calls
or for every call during a number of seconds::

    standin.faults.flood("sendMessage", retry_after=2)              # the next call: 429
    standin.faults.server_error("*", status=502, seconds=1.5)       # an outage: every call 502
    standin.faults.time_out("answerPreCheckoutQuery")               # held past the client's wait
    standin.faults.drop_connection("sendMessage", executed=True)    # sent, but the answer is lost

The answers are Telegram's: 429 with ``parameters.retry_after``, 500 as the Bot API server's
JSON, 502/503/504 as the HTML page of the nginx in front of it. ``executed=True`` makes a lost
answer one whose call took effect (the message was sent), the case that makes retries send
twice. Each faulty call is logged in :attr:`BotApiStandIn.calls` with ``fault`` set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from aiohttp import web

from bot.standin import errors
from bot.standin.errors import ApiError

FaultKind = Literal["error", "flood", "server_error", "timeout", "disconnect"]
ANY_METHOD = "*"
SERVER_ERROR_STATUSES = (500, 502, 503, 504)
DEFAULT_HOLD_SECONDS = 30.0
"""Longer than python-telegram-bot waits for an answer (5 s; 10 s for a 5 s long poll)."""

_NGINX_PAGE = (
    "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
    "<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """One planned fault: which calls it hits, for how long, and what they get."""

    kind: FaultKind
    method: str
    """The method's name in lower case, or ``"*"`` for every method."""
    status: int | None
    """The HTTP status answered, or None when no answer comes (timeout, disconnect)."""
    description: str
    parameters: dict[str, Any] | None = None
    hold: float = 0.0
    executed: bool = False
    calls_left: int | None = 1
    until: float | None = None

    @property
    def loses_answer(self) -> bool:
        """The bot gets no answer at all: the request is held, or its connection dropped."""
        return self.kind in ("timeout", "disconnect")

    def hits(self, method: str) -> bool:
        return self.method in (ANY_METHOD, method.lower())

    def spent(self, now: float) -> bool:
        return self.calls_left == 0 or (self.until is not None and now >= self.until)

    def response(self) -> web.Response:
        """What the bot receives instead of the method's answer."""
        assert self.status is not None, "a lost answer has no response"
        if self.kind == "server_error" and self.status != 500:
            title = f"{self.status} {HTTPStatus(self.status).phrase}"
            return web.Response(
                status=self.status, text=_NGINX_PAGE.format(title=title), content_type="text/html"
            )
        error = ApiError(self.description, self.status, self.parameters)
        return web.json_response(error.envelope(), status=self.status)


class FaultPlan:
    """Faults waiting for the calls they hit; the earliest planned applies first."""

    def __init__(self) -> None:
        self.planned: list[Fault] = []

    def take(self, method: str) -> Fault | None:
        """The fault this call of ``method`` gets, if any (it counts as one of its calls)."""
        if not self.planned:
            return None
        now = time.monotonic()
        self.planned = [fault for fault in self.planned if not fault.spent(now)]
        for fault in self.planned:
            if fault.hits(method):
                if fault.calls_left is not None:
                    fault.calls_left -= 1
                return fault
        return None

    def clear(self) -> None:
        """Forget every planned fault: Telegram is healthy again."""
        self.planned.clear()

    def error(
        self,
        method: str,
        description: str,
        code: int = 400,
        *,
        times: int | None = None,
        seconds: float | None = None,
    ) -> Fault:
        """Answer with this Bot API error, e.g. ``errors.BOT_BLOCKED`` and 403."""
        return self._plan(Fault("error", method, code, description), times, seconds)

    def flood(
        self,
        method: str,
        retry_after: int = 1,
        *,
        times: int | None = None,
        seconds: float | None = None,
    ) -> Fault:
        """Answer 429 "Too Many Requests: retry after N" with ``parameters.retry_after``."""
        fault = Fault(
            "flood", method, 429, errors.retry_after(retry_after), {"retry_after": retry_after}
        )
        return self._plan(fault, times, seconds)

    def server_error(
        self,
        method: str,
        status: int = 502,
        *,
        times: int | None = None,
        seconds: float | None = None,
    ) -> Fault:
        """Answer 500 (the Bot API server's JSON) or 502/503/504 (nginx's HTML page)."""
        if status not in SERVER_ERROR_STATUSES:
            raise ValueError(f"status must be one of {SERVER_ERROR_STATUSES}, not {status}")
        description = HTTPStatus(status).phrase
        return self._plan(Fault("server_error", method, status, description), times, seconds)

    def time_out(
        self,
        method: str,
        *,
        hold: float = DEFAULT_HOLD_SECONDS,
        executed: bool = False,
        times: int | None = None,
        seconds: float | None = None,
    ) -> Fault:
        """Hold the request ``hold`` seconds (or until the stand-in stops), then drop its
        connection: the client times out first. ``executed``: the call takes effect anyway."""
        effect = " after taking effect" if executed else ""
        description = f"Timed out: held {hold:g} s without an answer{effect}"
        fault = Fault("timeout", method, None, description, hold=hold, executed=executed)
        return self._plan(fault, times, seconds)

    def drop_connection(
        self,
        method: str,
        *,
        executed: bool = False,
        times: int | None = None,
        seconds: float | None = None,
    ) -> Fault:
        """Close the connection without an answer. ``executed``: the call takes effect first."""
        effect = " after taking effect" if executed else ""
        description = f"Connection dropped without an answer{effect}"
        fault = Fault("disconnect", method, None, description, executed=executed)
        return self._plan(fault, times, seconds)

    def _plan(self, fault: Fault, times: int | None, seconds: float | None) -> Fault:
        """For the next ``times`` calls (1 if neither is given), during ``seconds``, or both:
        whichever runs out first."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        fault.method = fault.method if fault.method == ANY_METHOD else fault.method.lower()
        fault.calls_left = 1 if times is None and seconds is None else times
        fault.until = None if seconds is None else time.monotonic() + seconds
        self.planned.append(fault)
        return fault
