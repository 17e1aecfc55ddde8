"""The stand-in's core: HTTP plumbing, the method registry, chats, the update queue, waiting.

Each Bot API area (messages, payments, inline, files, profile, polling, webhook) is a class
built on :class:`StandInCore` whose handlers carry ``@api_method("sendMessage")``; the core
finds them when it starts, so a method is registered where it is defined.

Waiting is by :class:`~bot.standin.signals.Signal`: each chat announces its own changes (a
message sent, edited or deleted, a query answered), the call log and the update queue theirs,
and all of them reach one stand-in wide signal that :meth:`StandInCore.wait_until` uses for
arbitrary predicates. A shopper waiting for a reply wakes only when their chat changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import math
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from bot.standin import errors
from bot.standin.chats import ChatState, PendingQuery
from bot.standin.errors import ApiError
from bot.standin.faults import Fault, FaultPlan
from bot.standin.models import ApiCall, Message
from bot.standin.params import Params, read_params
from bot.standin.signals import Signal
from bot.standin.updates import DEFAULT_UPDATE_TYPES, Update, UpdateQueue

T = TypeVar("T")
Handler = Callable[[Params], Awaitable[Any]]
HandlerT = TypeVar("HandlerT", bound=Callable[..., Awaitable[Any]])

_API_METHOD_SPEC = "__bot_api_method__"


def api_method(*names: str, rate_limited: bool = False) -> Callable[[HandlerT], HandlerT]:
    """Register the decorated handler as the Bot API method(s) ``names``.

    Telegram matches method names without regard to case, and so does the stand-in.
    ``rate_limited`` marks sends that count toward :attr:`StandInCore.flood_limit_per_second`.
    """

    def register(handler: HandlerT) -> HandlerT:
        setattr(handler, _API_METHOD_SPEC, (names, rate_limited))
        return handler

    return register


@dataclass(frozen=True)
class ApiMethod:
    """One registered Bot API method."""

    name: str
    handler: Handler
    rate_limited: bool


class StandInCore:
    """State every area shares, the HTTP server, and the fake client side's entry points."""

    def __init__(
        self,
        token: str,
        *,
        host: str,
        port: int,
        bot_id: int,
        bot_username: str,
        bot_first_name: str,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.flood_limit_per_second: float | None = None
        self.calls: list[ApiCall] = []
        self.faults = FaultPlan()
        """Test-only: 429s, 5xx answers, timeouts and dropped connections to inject."""
        self.chats: dict[int, ChatState] = {}
        self.queries: dict[str, PendingQuery] = {}
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.webhook_url = ""
        """Set by setWebhook: updates are then POSTed there instead of waiting for getUpdates."""
        self._changes = Signal()
        """Every change anywhere: for :meth:`wait_until` and its arbitrary predicates."""
        self._calls_changed = Signal(parent=self._changes)
        self._updates = UpdateQueue(Signal(parent=self._changes))
        # Telegram numbers a bot's updates on from where it left off, never reusing one; a bot
        # that keeps its database across stand-ins (the sandbox's --db) must never meet an
        # old number again, so each stand-in starts from the clock (microseconds).
        self._update_ids = itertools.count(int(time.time() * 1_000_000))
        self._revisions = itertools.count(1)
        self.revision = 0
        self._closing = False
        self._let_go = asyncio.Event()  # requests held now (a `time_out` fault) end when set
        self._send_times: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._methods = self._registered_methods()

    def _registered_methods(self) -> dict[str, ApiMethod]:
        """Every handler marked with :func:`api_method`, by lower-cased method name."""
        table: dict[str, ApiMethod] = {}
        for attribute in dir(type(self)):
            spec = getattr(getattr(type(self), attribute, None), _API_METHOD_SPEC, None)
            if spec is None:
                continue
            names, rate_limited = spec
            for name in names:
                if name.lower() in table:
                    raise TypeError(f"Bot API method {name} is registered twice")
                table[name.lower()] = ApiMethod(name, getattr(self, attribute), rate_limited)
        return table

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on loopback; with port 0 the OS picks a free port (see :attr:`base_url`)."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        self._add_routes(app)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break

    def _add_routes(self, app: web.Application) -> None:
        """The Bot API's method URLs; areas with URLs of their own add them too."""
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)

    async def stop(self) -> None:
        """Wake pending long polls, end background work and close the server."""
        self._closing = True
        self.let_held_requests_go()
        self._updates.changed.notify()
        await self._end_background_work()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _end_background_work(self) -> None:
        """Areas that run tasks of their own (webhook deliveries) end them here."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; PTB appends the token."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``; PTB appends the token."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object, as in ``from`` of its messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ------------------------------------------------------------------ inspection

    def fail_next(
        self, method: str, description: str = errors.BOT_BLOCKED, code: int = 403
    ) -> None:
        """Make the next call of `method` (e.g. "sendDocument") fail with this error."""
        self.faults.error(method, description, code)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every logged call of one method (case-insensitive, like Telegram)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset, or not yet accepted by the webhook."""
        return list(self._updates)

    # ------------------------------------------------------------------ the fake client side

    async def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of ``kind`` (e.g. "message") for getUpdates; returns it."""
        update = self._new_update(kind, payload)
        self._updates.push(update)
        self._dispatch(update)
        return update

    async def redeliver(self, update: dict[str, Any]) -> None:
        """Deliver this very update again, same ``update_id``: what Telegram does when a
        webhook answered too late, or a poller restarted before confirming it."""
        copy: Update = dict(update)
        self._updates.push(copy)
        self._dispatch(copy)

    def _new_update(self, kind: str, payload: dict[str, Any]) -> Update:
        """An update with the next update_id, not queued (yet)."""
        return {"update_id": next(self._update_ids), kind: payload}

    def _dispatch(self, update: Update) -> None:
        """Send a queued update on its way; with polling it waits for getUpdates."""

    async def open_query(
        self,
        kind: str,
        chat: ChatState,
        payload: dict[str, Any],
        *,
        invoice: dict[str, Any] | None = None,
        shipping_amount: int = 0,
    ) -> PendingQuery:
        """Register a query (callback/shipping/pre-checkout) that awaits the bot's answer;
        a payment query keeps its invoice (and chosen shipping), so its answer is checked."""
        query_id = str(secrets.randbits(63))
        query = PendingQuery(
            query_id=query_id,
            kind=kind,
            chat_id=chat.chat_id,
            created_at=time.monotonic(),
            payload={"id": query_id, **payload},
            invoice=invoice,
            shipping_amount=shipping_amount,
        )
        self.queries[query_id] = query
        await self.push_update(kind, query.payload)
        return query

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Wait, without polling, until ``predicate`` returns something truthy (None: forever).

        The predicate is checked again after every change: any call, update or delivery.
        """
        return await self._changes.wait_until(predicate, timeout)

    async def wait_for_call(
        self, matches: Callable[[ApiCall], bool], *, since: int = 0, timeout: float | None
    ) -> ApiCall:
        """The first call logged from position ``since`` of :attr:`calls` on that ``matches``,
        waiting for it if it has not been made yet. Each call is looked at once."""
        looked_at = since

        def found() -> ApiCall | None:
            nonlocal looked_at
            while looked_at < len(self.calls):
                call = self.calls[looked_at]
                looked_at += 1
                if matches(call):
                    return call
            return None

        return await self._calls_changed.wait_until(found, timeout)

    async def wait_delivered(self, timeout: float | None) -> None:
        """Wait until every queued update has been confirmed by getUpdates or taken by the
        webhook (the bot has fetched them; handling them may still go on)."""
        await self._updates.changed.wait_until(lambda: not self._updates, timeout)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_method(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        name = request.match_info["method"]
        logged: dict[str, Any] = {}
        fault: Fault | None = None
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(errors.UNAUTHORIZED, 401)
            method = self._methods.get(name.lower())
            if method is None:
                raise ApiError(errors.NOT_FOUND, 404)
            name = method.name
            params = await read_params(request)
            logged = params.logged()
            fault = self.faults.take(name)
            if fault is None or fault.executed:
                if method.rate_limited:
                    self._check_flood()
                result = await method.handler(params)
                call = ApiCall(name, logged, started, True, result)
                response = web.json_response({"ok": True, "result": result})
            else:
                call = ApiCall(
                    name, logged, started, False, fault.description, error_code=fault.status
                )
                response = fault.response() if not fault.loses_answer else web.Response()
        except ApiError as err:
            call = ApiCall(name, logged, started, False, err.description, error_code=err.code)
            response = web.json_response(err.envelope(), status=err.code)
        if fault is not None:
            call = dataclasses.replace(call, fault=fault.kind)
        self._log_call(call)
        if fault is not None and fault.loses_answer:
            await self._lose_answer(request, fault)
        return response

    def let_held_requests_go(self) -> None:
        """End the requests a `time_out` fault holds now: their connections close without an
        answer, as after the hold (later ones are held again)."""
        self._let_go.set()
        self._let_go = asyncio.Event()

    async def _lose_answer(self, request: web.Request, fault: Fault) -> None:
        """Hold the request (a timeout) and close its connection: no answer ever arrives."""
        if fault.hold > 0 and not self._closing:
            try:
                async with asyncio.timeout(fault.hold):
                    await self._let_go.wait()
            except TimeoutError:
                pass
        if request.transport is not None:
            request.transport.close()

    def _log_call(self, call: ApiCall) -> None:
        self.calls.append(call)
        self._calls_changed.notify()

    # ------------------------------------------------------------------ chats

    def _new_chat(
        self, chat_id: int, user: dict[str, Any], group_title: str | None = None
    ) -> ChatState:
        chat = ChatState(
            chat_id=chat_id,
            user=user,
            group_title=group_title,
            changed=Signal(parent=self._changes),
        )
        self.chats[chat_id] = chat
        return chat

    def _touch(self, chat: ChatState, message: Message) -> None:
        """The message was sent, edited or deleted: give it the next stand-in wide revision."""
        self.revision = next(self._revisions)
        chat.record_change(message, self.revision)

    def _answer(self, query: PendingQuery, answer: dict[str, Any]) -> None:
        """The bot answered an open query; whoever waits in its chat gets to see it."""
        query.answered, query.answer = True, answer
        self.chats[query.chat_id].changed.notify()

    def _check_flood(self) -> None:
        limit = self.flood_limit_per_second
        if limit is None:
            return
        now = time.monotonic()
        while self._send_times and now - self._send_times[0] >= 1.0:
            self._send_times.popleft()
        if len(self._send_times) >= limit:
            wait = max(1, math.ceil(1.0 - (now - self._send_times[0])))
            raise ApiError(errors.retry_after(wait), 429, {"retry_after": wait})
        self._send_times.append(now)

    # ------------------------------------------------------------------ shared validation

    def _chat(self, params: Params, *, sending: bool) -> ChatState:
        chat_id = params.values.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(errors.CHAT_ID_EMPTY)
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(errors.CHAT_NOT_FOUND)
        if sending and chat.blocked:
            raise ApiError(errors.BOT_BLOCKED, 403)
        return chat

    def _take_query(
        self, params: Params, id_field: str, kind: str, max_age: float | None = None
    ) -> PendingQuery:
        """The open query an answer refers to; answered, unknown or too old ones are refused."""
        query = self.queries.get(params.text(id_field) or "")
        if query is None or query.kind != kind or query.answered:
            raise ApiError(errors.QUERY_TOO_OLD)
        if max_age is not None and time.monotonic() - query.created_at > max_age:
            raise ApiError(errors.QUERY_TOO_OLD)
        return query
