"""A local Telegram Bot API over loopback, for running the real bot without a network.

python-telegram-bot is pointed at it with ``base_url``/``base_file_url`` and polls it with
getUpdates exactly as it polls Telegram, or sets a webhook and gets each update POSTed to it.
The stand-in keeps every private chat in memory, answers in Telegram's envelope with
Telegram's error texts, and lets a :class:`FakeUser` play the human side (messages, button
taps, payments).

Inline mode: ``await user.inline_query("mug", offset="")`` delivers an ``inline_query`` update
and returns the bot's answerInlineQuery as an :class:`InlineAnswer` (results, next_offset,
button). The answer is checked as Telegram checks it: at most 50 results, result ids of 1-64
bytes and unique (``RESULT_ID_DUPLICATE``), photo/article fields present, and an unknown or
already answered query id gets ``QUERY_ID_INVALID``. ``user.choose_inline_result(result)``
gives the message that choosing a result posts (the stand-in has no other chats to put it
in, and sends no ``chosen_inline_result``: that needs BotFather's /setinlinefeedback).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

import aiohttp
from aiohttp import web

from bot.standin import errors
from bot.standin.errors import ApiError
from bot.standin.markup import EntityParseError, plain_text
from bot.standin.models import (
    ApiCall,
    Button,
    CallbackAnswer,
    Charge,
    Document,
    InlineAnswer,
    InlineResult,
    Message,
    StarRefund,
    TranscriptEvent,
    WebhookDelivery,
    render,
)
from bot.standin.user import FakeUser

T = TypeVar("T")

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INVOICE_TITLE = 32
MAX_INVOICE_DESCRIPTION = 255
MAX_INVOICE_PAYLOAD_BYTES = 128
MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
MAX_NEXT_OFFSET_BYTES = 64
_START_PARAMETER_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PRE_CHECKOUT_ANSWER_SECONDS = 10.0
STARS = "XTR"
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# Telegram's default when allowed_updates was never set or set to an empty list.
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}

# Form fields whose values PTB sends JSON-encoded (everything else is a plain string).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "prices",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "media",
        "suggested_tip_amounts",
        "shipping_options",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "results",
        "button",
    }
)
_JSON_FIELD_ERRORS = {
    "reply_markup": errors.REPLY_MARKUP_UNPARSABLE,
    "prices": errors.PRICES_UNPARSABLE,
    "shipping_options": errors.SHIPPING_OPTIONS_UNPARSABLE,
}
_INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "user_id",
        "reply_to_message_id",
        "max_tip_amount",
        "photo_size",
        "photo_width",
        "photo_height",
        "cache_time",
        "message_thread_id",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "ok",
        "show_alert",
        "is_flexible",
        "need_name",
        "need_phone_number",
        "need_email",
        "need_shipping_address",
        "send_phone_number_to_provider",
        "send_email_to_provider",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "is_personal",
    }
)
_SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendInvoice"})
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part as PTB uploads it."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class StoredFile:
    """A file Telegram would host: uploaded by the bot, sent by a user, or referenced by URL."""

    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None


@dataclass
class PendingQuery:
    """A callback, shipping or pre-checkout query waiting for the bot's answer."""

    query_id: str
    kind: str
    chat_id: int
    created_at: float
    payload: dict[str, Any]
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class ChatState:
    """One chat: a private chat with the user, or (with a title) a group the user writes in."""

    chat_id: int
    user: dict[str, Any]
    group_title: str | None = None
    blocked: bool = False
    messages: list[Message] = field(default_factory=list)
    transcript: list[TranscriptEvent] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_message_id(self) -> int:
        """Message ids in a private chat are shared by both sides and only grow."""
        return next(self._ids)

    def find(self, message_id: int) -> Message | None:
        """The message with this id, deleted or not."""
        for message in self.messages:
            if message.message_id == message_id:
                return message
        return None

    @property
    def chat_json(self) -> dict[str, Any]:
        """The Chat object Telegram puts in every message of this chat."""
        if self.group_title is not None:
            return {"id": self.chat_id, "type": "group", "title": self.group_title}
        chat: dict[str, Any] = {
            "id": self.chat_id,
            "type": "private",
            "first_name": self.user["first_name"],
        }
        if self.user.get("username"):
            chat["username"] = self.user["username"]
        return chat


class Params:
    """Decoded request parameters with typed getters that fail the way Telegram does."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def text(self, name: str, default: str | None = None) -> str | None:
        """A string parameter (numbers are accepted and turned into text)."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, (dict, list)) else str(value)

    def required_text(self, name: str) -> str:
        """A string that must be present and non-empty."""
        value = self.text(name)
        if not value:
            raise ApiError(errors.parameter_required(name))
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; garbage counts as absent, as Telegram's parser does."""
        value = self.values.get(name)
        if value is None or isinstance(value, bool):
            return default
        if isinstance(value, int):
            return value
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return default

    def number(self, name: str, default: float = 0.0) -> float:
        """A number parameter such as getUpdates' timeout."""
        value = self.values.get(name)
        try:
            return float(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def flag(self, name: str) -> bool:
        """A Boolean parameter; absent means False."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """A JSON-typed parameter (already decoded)."""
        return self.values.get(name)

    def file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an uploaded part (also via ``attach://``) or a file_id/URL."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return value if isinstance(value, str) and value else None


def _decode_field(name: str, raw: str) -> Any:
    if name in _JSON_FIELDS:
        try:
            return json.loads(raw)
        except ValueError as exc:
            message = _JSON_FIELD_ERRORS.get(name, f"Bad Request: can't parse {name}")
            raise ApiError(message) from exc
    if name in _BOOL_FIELDS:
        return raw.lower() in ("true", "1")
    if name in _INT_FIELDS or name in ("chat_id", "timeout"):
        try:
            return int(raw)
        except ValueError:
            try:
                return float(raw)
            except ValueError:
                return raw
    return raw


def scope_key(scope: dict[str, Any] | None) -> str:
    """Serialise a BotCommandScope: "default", "all_private_chats", "chat:<id>", ..."""
    if not scope:
        return "default"
    kind = str(scope.get("type", "default"))
    if kind in ("chat", "chat_administrators"):
        return f"{kind}:{scope.get('chat_id')}"
    if kind == "chat_member":
        return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    return kind


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _new_file_id(prefix: str) -> tuple[str, str]:
    return f"{prefix}{secrets.token_urlsafe(24)}", secrets.token_urlsafe(8)


Handler = Callable[[Params], Awaitable[Any]]


class BotApiStandIn:
    """The Bot API on ``http://host:port``; every call is logged in :attr:`calls`."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_id: int = 123456,
        bot_username: str = "shop_test_bot",
        bot_first_name: str = "Shop",
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.flood_limit_per_second: float | None = None
        self.supports_inline_queries = True
        """getMe's flag: inline mode switched on with BotFather's /setinline."""
        self.calls: list[ApiCall] = []
        self.commands_by_scope: dict[str, dict[str, list[dict[str, str]]]] = {}
        """Commands per serialised scope, then per language code ("" for all languages)."""
        self.star_refunds: list[StarRefund] = []
        self.scripted_failures: dict[str, list[ApiError]] = {}
        """Test-only: errors the next calls of a method get instead of running (fail_next)."""
        self.charges: dict[str, Charge] = {}
        self.webhook_url = ""
        """Set by setWebhook: updates are then POSTed there instead of waiting for getUpdates."""
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
        self.menu_buttons: dict[str, Any] = {}
        self.descriptions: dict[str, str] = {}
        self.chats: dict[int, ChatState] = {}
        self.queries: dict[str, PendingQuery] = {}
        self.files: dict[str, StoredFile] = {}
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1000)
        self._revisions = itertools.count(1)
        self.revision = 0
        self._poll_generation = 0
        self.waiting_polls = 0
        """getUpdates requests currently held open (long polling)."""
        self._closing = False
        self._changed = asyncio.Condition()
        self._send_times: deque[float] = deque()
        self._users: dict[int, FakeUser] = {}
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in self._method_table().items():
            self._methods[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on loopback; with port 0 the OS picks a free port (see :attr:`base_url`)."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break

    async def stop(self) -> None:
        """Wake pending long polls, end webhook deliveries and close the server."""
        self._closing = True
        await self._notify()
        tasks = list(self._delivery_tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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

    def user(
        self,
        user_id: int,
        first_name: str = "Alice",
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """The fake human with this id (created with a private chat on first use)."""
        if user_id not in self._users:
            user_json: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
            if username:
                user_json["username"] = username
            if language_code:
                user_json["language_code"] = language_code
            self.chats[user_id] = ChatState(chat_id=user_id, user=user_json)
            self._users[user_id] = FakeUser(self, self.chats[user_id])
        return self._users[user_id]

    def group(self, chat_id: int, title: str, member: FakeUser) -> FakeUser:
        """`member` writing in a group chat (negative id) that has the bot in it; the stand-in
        keeps one writing member per group, so give each member its own group id."""
        if chat_id not in self.chats:
            self.chats[chat_id] = ChatState(
                chat_id=chat_id, user=member.chat.user, group_title=title
            )
        return FakeUser(self, self.chats[chat_id])

    def fail_next(
        self, method: str, description: str = errors.BOT_BLOCKED, code: int = 403
    ) -> None:
        """Make the next call of `method` (e.g. "sendDocument") fail with this error."""
        self.scripted_failures.setdefault(method.lower(), []).append(ApiError(description, code))

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every logged call of one method (case-insensitive, like Telegram)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def commands(self, scope: str = "default", language_code: str = "") -> list[str]:
        """The command names set for a scope and language, e.g. ``["start", "cart"]``."""
        stored = self.commands_by_scope.get(scope, {}).get(language_code, [])
        return [command["command"] for command in stored]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset, or not yet accepted by the webhook."""
        return list(self._updates)

    def deliveries_of(self, update_id: int) -> list[WebhookDelivery]:
        """Every webhook delivery attempt of one update."""
        return [d for d in self.webhook_deliveries if d.update_id == update_id]

    # ------------------------------------------------------------------ the fake client side

    async def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of ``kind`` (e.g. "message") for getUpdates; returns it."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        if self.webhook_url:
            self._start_delivery(update)
        await self._notify()
        return update

    async def add_user_message(
        self, chat: ChatState, content: dict[str, Any]
    ) -> tuple[Message, dict[str, Any]]:
        """A message from the user: stored in the chat and queued as an update."""
        message_id = chat.next_message_id()
        date = int(time.time())
        payload = {
            "message_id": message_id,
            "from": dict(chat.user),
            "chat": chat.chat_json,
            "date": date,
            **content,
        }
        message = Message(
            chat_id=chat.chat_id,
            message_id=message_id,
            from_bot=False,
            date=date,
            text=content.get("text", content.get("caption")),
            successful_payment=content.get("successful_payment"),
            revision=self._next_revision(),
        )
        if "photo" in content:
            message.photo = content["photo"][-1]["file_id"]
            message.photo_sizes = content["photo"]
        if "document" in content:
            doc = content["document"]
            stored = self.files[doc["file_id"]]
            message.document = Document(
                doc["file_id"], doc.get("file_name"), doc.get("mime_type"), stored.data
            )
        chat.messages.append(message)
        return message, await self.push_update("message", payload)

    def store_file(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        """Host a file under a fresh file_id so getFile and downloads find it."""
        file_id, unique_id = _new_file_id("AgAC" if kind == "photo" else "BQAC")
        folder = "photos" if kind == "photo" else "documents"
        suffix = ".jpg" if kind == "photo" else ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            kind=kind,
            file_path=f"{folder}/file_{len(self.files)}{suffix}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self.files[file_id] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[dict[str, Any]]:
        """The PhotoSize list Telegram returns for a photo (a thumbnail and the full size)."""
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 90,
                "height": 90,
                "file_size": len(stored.data),
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 800,
                "height": 800,
                "file_size": len(stored.data),
            },
        ]

    async def open_query(self, kind: str, chat: ChatState, payload: dict[str, Any]) -> PendingQuery:
        """Register a query (callback/shipping/pre-checkout) that awaits the bot's answer."""
        query_id = str(secrets.randbits(63))
        query = PendingQuery(
            query_id=query_id,
            kind=kind,
            chat_id=chat.chat_id,
            created_at=time.monotonic(),
            payload={"id": query_id, **payload},
        )
        self.queries[query_id] = query
        await self.push_update(kind, query.payload)
        return query

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Wait, without polling, until ``predicate`` returns something truthy (None: forever)."""
        async with self._changed:
            async with asyncio.timeout(timeout):
                result = await self._changed.wait_for(predicate)
            assert result is not None
            return result

    def message_json(self, chat: ChatState, message: Message) -> dict[str, Any]:
        """The Message object Telegram returns for a bot message in its current state."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user if message.from_bot else dict(chat.user),
            "chat": chat.chat_json,
            "date": message.date,
        }
        if message.edited:
            data["edit_date"] = int(time.time())
        if message.invoice is not None:
            invoice = message.invoice
            data["invoice"] = {
                "title": invoice["title"],
                "description": invoice["description"],
                "start_parameter": invoice.get("start_parameter") or "",
                "currency": invoice["currency"],
                "total_amount": sum(int(price["amount"]) for price in invoice["prices"]),
            }
        elif message.photo is not None:
            data["photo"] = message.photo_sizes
        elif message.document is not None:
            doc = message.document
            stored = self.files.get(doc.file_id)
            data["document"] = {
                "file_id": doc.file_id,
                "file_unique_id": stored.file_unique_id if stored else doc.file_id[-8:],
                "file_size": len(doc.data),
            }
            if doc.file_name:
                data["document"]["file_name"] = doc.file_name
            if doc.mime_type:
                data["document"]["mime_type"] = doc.mime_type
        if message.text is not None:
            data["caption" if message.has_caption else "text"] = message.text
        if message.successful_payment is not None:
            data["successful_payment"] = message.successful_payment
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        return data

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_method(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        name = method
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(errors.UNAUTHORIZED, 401)
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(errors.NOT_FOUND, 404)
            name, handler = entry
            parsed = await self._read_params(request)
            params = {**parsed.values, **parsed.files}
            if failures := self.scripted_failures.get(name.lower()):
                raise failures.pop(0)
            if name in _SEND_METHODS:
                self._check_flood()
            result = await handler(parsed)
        except ApiError as err:
            self.calls.append(
                ApiCall(name, params, started, False, err.description, error_code=err.code)
            )
            await self._notify()
            return web.json_response(err.envelope(), status=err.code)
        self.calls.append(ApiCall(name, params, started, True, result))
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(errors.UNAUTHORIZED, 401).envelope(), status=401)
        path = request.match_info["file_path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.data, content_type=stored.mime_type or "application/octet-stream"
                )
        return web.json_response(ApiError(errors.NOT_FOUND, 404).envelope(), status=404)

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for key, raw in request.query.items():
            values[key] = _decode_field(key, raw)
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        elif request.body_exists:
            form = await request.post()
            for key, item in form.items():
                if isinstance(item, web.FileField):
                    files[key] = UploadedFile(item.filename, item.content_type, item.file.read())
                elif isinstance(item, str):
                    values[key] = _decode_field(key, item)
                else:
                    values[key] = _decode_field(key, bytes(item).decode())
        return Params(values, files)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _next_revision(self) -> int:
        self.revision = next(self._revisions)
        return self.revision

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

    def _formatted(
        self, params: Params, field_name: str, limit: int, too_long: str
    ) -> tuple[str | None, str | None]:
        raw = params.text(field_name)
        if raw is None:
            return None, None
        try:
            text = plain_text(raw, params.text("parse_mode"))
        except EntityParseError as exc:
            raise ApiError(f"Bad Request: {exc}") from exc
        if len(text) > limit:
            raise ApiError(too_long)
        return text, raw

    def _markup(
        self, params: Params, chat: ChatState | None
    ) -> tuple[dict[str, Any] | None, list[list[Button]]]:
        """Validate reply_markup; returns the inline markup to echo and its buttons."""
        markup = params.json("reply_markup")
        if markup is None:
            return None, []
        if not isinstance(markup, dict):
            raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list):
                raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
            buttons: list[list[Button]] = []
            for row in rows:
                if not isinstance(row, list):
                    raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
                parsed_row: list[Button] = []
                for button in row:
                    if not isinstance(button, dict) or "text" not in button:
                        raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
                    data = button.get("callback_data")
                    if "callback_data" in button and (
                        not isinstance(data, str)
                        or not data
                        or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
                    ):
                        raise ApiError(errors.BUTTON_DATA_INVALID)
                    parsed_row.append(Button(str(button["text"]), data, button.get("url")))
                buttons.append(parsed_row)
            return {"inline_keyboard": rows}, buttons
        if chat is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = [
                    [b["text"] if isinstance(b, dict) else str(b) for b in row]
                    for row in markup["keyboard"]
                ]
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        return None, []

    def _editable(self, params: Params) -> tuple[ChatState, Message]:
        if params.text("inline_message_id"):
            raise ApiError(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        chat = self._chat(params, sending=False)
        message = chat.find(params.integer("message_id") or 0)
        if message is None or message.deleted:
            raise ApiError(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        return chat, message

    def _post(self, chat: ChatState, message: Message) -> dict[str, Any]:
        message.revision = self._next_revision()
        chat.messages.append(message)
        chat.transcript.append(TranscriptEvent("bot", "sent", render(message), message.message_id))
        return self.message_json(chat, message)

    def _edited(self, chat: ChatState, message: Message) -> dict[str, Any]:
        message.edited = True
        message.revision = self._next_revision()
        chat.transcript.append(
            TranscriptEvent("bot", "edited", render(message), message.message_id)
        )
        return self.message_json(chat, message)

    def _new_message(self, chat: ChatState) -> Message:
        return Message(
            chat_id=chat.chat_id,
            message_id=chat.next_message_id(),
            from_bot=True,
            date=int(time.time()),
        )

    def _resolve_file(
        self, value: UploadedFile | str | None, kind: str, missing: str
    ) -> StoredFile:
        if value is None:
            raise ApiError(missing)
        if isinstance(value, UploadedFile):
            return self.store_file(
                kind, value.data, file_name=value.filename, mime_type=value.content_type
            )
        if value.startswith(("http://", "https://")):
            return self.store_file(kind, b"", url=value)
        stored = self.files.get(value)
        if stored is None:
            raise ApiError(errors.WRONG_FILE_ID)
        if stored.kind != kind:
            raise ApiError(errors.FILE_TYPE_MISMATCH)
        return stored

    # ------------------------------------------------------------------ methods

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._true,
            "logOut": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageMedia": self._edit_message_media,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendInvoice": self._send_invoice,
            "answerShippingQuery": self._answer_shipping_query,
            "answerPreCheckoutQuery": self._answer_pre_checkout_query,
            "answerInlineQuery": self._answer_inline_query,
            "refundStarPayment": self._refund_star_payment,
            "getFile": self._get_file,
            "sendChatAction": self._send_chat_action,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "setMyDescription": self._set_description("description"),
            "setMyShortDescription": self._set_description("short_description"),
            "getMyDescription": self._get_description("description"),
            "getMyShortDescription": self._get_description("short_description"),
        }

    async def _true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(errors.WEBHOOK_ACTIVE, 409)
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = (
                frozenset(map(str, allowed)) & ALL_UPDATE_TYPES or DEFAULT_UPDATE_TYPES
            )
        offset = params.integer("offset")
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.number("timeout"), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()  # an older long poll ends with 409, as on Telegram
        deadline = time.monotonic() + timeout
        async with self._changed:
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
                self._changed.notify_all()
                try:
                    async with asyncio.timeout(remaining):
                        await self._changed.wait()
                except TimeoutError:
                    pass
                finally:
                    self.waiting_polls -= 1

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Pending updates of allowed types; others are dropped as Telegram never sends them."""
        kept = [u for u in self._updates if self._update_kind(u) in self.allowed_updates]
        self._updates = kept
        return kept[:limit]

    @staticmethod
    def _update_kind(update: dict[str, Any]) -> str:
        return next(key for key in update if key != "update_id")

    async def _delete_webhook(self, params: Params) -> bool:
        """Back to getUpdates; updates not yet delivered wait for it."""
        self.webhook_url, self.webhook_secret = "", None
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        return True

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
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = (
                frozenset(map(str, allowed)) & ALL_UPDATE_TYPES or DEFAULT_UPDATE_TYPES
            )
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url, self.webhook_secret = url, secret
        for update in self._updates:  # what waited for getUpdates goes out now
            self._start_delivery(update)
        return True

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

    # ------------------------------------------------------------------ webhook delivery

    @staticmethod
    def _ordering_key(update: dict[str, Any]) -> int:
        """The chat (or, for queries, the user) whose updates go out one after another."""
        payload = update[BotApiStandIn._update_kind(update)]
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return int(chat["id"])
        return int((payload.get("from") or {}).get("id", 0))

    def _start_delivery(self, update: dict[str, Any]) -> None:
        """Make sure the update's chat has a delivery task; it sends the chat's updates in order.

        Different chats are delivered side by side, as Telegram does over several connections.
        """
        key = self._ordering_key(update)
        if key not in self._delivery_tasks and not self._closing:
            self._delivery_tasks[key] = asyncio.create_task(self._deliver_chat(key))

    async def _deliver_chat(self, key: int) -> None:
        try:
            while self.webhook_url and not self._closing:
                update = next((u for u in self._updates if self._ordering_key(u) == key), None)
                if update is None:
                    return
                allowed = self._update_kind(update) in self.allowed_updates
                delivered = allowed and await self._deliver(update)
                if not delivered and allowed and (not self.webhook_url or self._closing):
                    return  # the webhook went away: the update waits for getUpdates
                self._updates = [u for u in self._updates if u is not update]  # done or dropped
                await self._notify()
        finally:
            self._delivery_tasks.pop(key, None)

    async def _deliver(self, update: dict[str, Any]) -> bool:
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
                    self._update_kind(update),
                    url,
                    time.monotonic(),
                    status,
                    error,
                )
            )
            await self._notify()
            if error is None:
                return True
            if attempt == self.webhook_attempts or not self.webhook_url or self._closing:
                break
            await asyncio.sleep(delay)  # Telegram's retries back off too
            delay *= 2
        return False

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise ApiError(errors.parameter_required("commands"))
        stored: list[dict[str, str]] = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(name.lower()):
                raise ApiError(errors.BOT_COMMAND_INVALID)
            stored.append({"command": name, "description": str(command.get("description", ""))})
        key = self._scope(params)
        language = params.text("language_code") or ""
        if stored:
            self.commands_by_scope.setdefault(key, {})[language] = stored
        else:
            self.commands_by_scope.get(key, {}).pop(language, None)
        return True

    def _scope(self, params: Params) -> str:
        scope = params.json("scope")
        key = scope_key(scope if isinstance(scope, dict) else None)
        if key.startswith(("chat:", "chat_administrators:", "chat_member:")):
            chat_id = scope.get("chat_id") if isinstance(scope, dict) else None
            if chat_id not in self.chats:
                raise ApiError(errors.CHAT_NOT_FOUND)
        return key

    async def _get_my_commands(self, params: Params) -> list[dict[str, str]]:
        language = params.text("language_code") or ""
        return self.commands_by_scope.get(self._scope(params), {}).get(language, [])

    async def _delete_my_commands(self, params: Params) -> bool:
        language = params.text("language_code") or ""
        self.commands_by_scope.get(self._scope(params), {}).pop(language, None)
        return True

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        raw = params.text("text")
        if raw is None or not raw.strip():
            raise ApiError(errors.MESSAGE_TEXT_EMPTY)
        text, raw = self._formatted(params, "text", MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG)
        if not text or not text.strip():
            raise ApiError(errors.MESSAGE_TEXT_EMPTY)
        markup, buttons = self._markup(params, chat)
        message = self._new_message(chat)
        message.text, message.raw_text = text, raw
        message.parse_mode = params.text("parse_mode")
        message.reply_markup, message.buttons = markup, buttons
        return self._post(chat, message)

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        caption, raw = self._formatted(
            params, "caption", MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG
        )
        markup, buttons = self._markup(params, chat)
        value = params.file("photo")
        stored = self._resolve_file(value, "photo", errors.NO_PHOTO)
        message = self._new_message(chat)
        message.photo = value if isinstance(value, str) else stored.file_id
        message.photo_source = stored.file_name or stored.url
        message.photo_sizes = self.photo_sizes(stored)
        message.text, message.raw_text = caption, raw
        message.parse_mode = params.text("parse_mode")
        message.reply_markup, message.buttons = markup, buttons
        return self._post(chat, message)

    async def _send_document(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        caption, raw = self._formatted(
            params, "caption", MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG
        )
        markup, buttons = self._markup(params, chat)
        stored = self._resolve_file(params.file("document"), "document", errors.NO_DOCUMENT)
        message = self._new_message(chat)
        message.document = Document(stored.file_id, stored.file_name, stored.mime_type, stored.data)
        message.text, message.raw_text = caption, raw
        message.parse_mode = params.text("parse_mode")
        message.reply_markup, message.buttons = markup, buttons
        return self._post(chat, message)

    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        raw = params.text("text")
        if raw is None or not raw.strip():
            raise ApiError(errors.MESSAGE_TEXT_EMPTY)
        if message.kind != "text":
            raise ApiError(errors.NO_TEXT_TO_EDIT)
        text, raw = self._formatted(params, "text", MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG)
        markup, buttons = self._markup(params, None)
        if (text, raw, markup) == (message.text, message.raw_text, message.reply_markup):
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        message.text, message.raw_text = text, raw
        message.parse_mode = params.text("parse_mode")
        message.reply_markup, message.buttons = markup, buttons
        return self._edited(chat, message)

    async def _edit_message_caption(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        if not message.has_caption:
            raise ApiError(errors.NO_CAPTION_TO_EDIT)
        caption, raw = self._formatted(
            params, "caption", MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG
        )
        markup, buttons = self._markup(params, None)
        if (caption, raw, markup) == (message.text, message.raw_text, message.reply_markup):
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        message.text, message.raw_text = caption, raw
        message.parse_mode = params.text("parse_mode")
        message.reply_markup, message.buttons = markup, buttons
        return self._edited(chat, message)

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        markup, buttons = self._markup(params, None)
        if markup == message.reply_markup:
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        message.reply_markup, message.buttons = markup, buttons
        return self._edited(chat, message)

    async def _edit_message_media(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        media = params.json("media")
        if not isinstance(media, dict) or media.get("type") not in ("photo", "document"):
            raise ApiError("Bad Request: can't parse InputMedia JSON object")
        if not message.has_caption:
            raise ApiError(errors.NO_MEDIA_TO_EDIT)
        kind = str(media["type"])
        ref = media.get("media")
        value: UploadedFile | str | None = None
        if isinstance(ref, str) and ref.startswith("attach://"):
            value = params.files.get(ref.removeprefix("attach://"))
        elif isinstance(ref, str) and ref:
            value = ref
        else:
            value = params.files.get("media")
        caption_params = Params(
            {"caption": media.get("caption"), "parse_mode": media.get("parse_mode")}, {}
        )
        caption, raw = self._formatted(
            caption_params, "caption", MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG
        )
        markup, buttons = self._markup(params, None)
        current = (
            message.photo
            if kind == "photo"
            else (message.document.file_id if message.document else None)
        )
        if (
            isinstance(value, str)
            and value == current
            and (caption, markup)
            == (
                message.text,
                message.reply_markup,
            )
        ):
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        missing = errors.NO_PHOTO if kind == "photo" else errors.NO_DOCUMENT
        stored = self._resolve_file(value, kind, missing)
        if kind == "photo":
            message.document = None
            message.photo = value if isinstance(value, str) else stored.file_id
            message.photo_source = stored.file_name or stored.url
            message.photo_sizes = self.photo_sizes(stored)
        else:
            message.photo, message.photo_source, message.photo_sizes = None, None, []
            message.document = Document(
                stored.file_id, stored.file_name, stored.mime_type, stored.data
            )
        message.text, message.raw_text = caption, raw
        message.parse_mode = caption_params.text("parse_mode")
        message.reply_markup, message.buttons = markup, buttons
        return self._edited(chat, message)

    async def _delete_message(self, params: Params) -> bool:
        chat = self._chat(params, sending=False)
        message = chat.find(params.integer("message_id") or 0)
        if message is None or message.deleted:
            raise ApiError(errors.MESSAGE_TO_DELETE_NOT_FOUND)
        message.deleted = True
        message.revision = self._next_revision()
        chat.transcript.append(
            TranscriptEvent(
                "bot", "deleted", (message.text or render(message))[:60], message.message_id
            )
        )
        return True

    def _take_query(self, params: Params, id_field: str, kind: str) -> PendingQuery:
        query = self.queries.get(params.text(id_field) or "")
        if query is None or query.kind != kind or query.answered:
            raise ApiError(errors.QUERY_TOO_OLD)
        if (
            kind == "pre_checkout_query"
            and time.monotonic() - query.created_at > PRE_CHECKOUT_ANSWER_SECONDS
        ):
            raise ApiError(errors.QUERY_TOO_OLD)
        return query

    async def _answer_callback_query(self, params: Params) -> bool:
        text = params.text("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(errors.CALLBACK_ANSWER_TOO_LONG)
        query = self._take_query(params, "callback_query_id", "callback_query")
        query.answered = True
        query.answer = {
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
        }
        if text:
            kind = "alert" if params.flag("show_alert") else "toast"
            self.chats[query.chat_id].transcript.append(TranscriptEvent("bot", kind, text))
        return True

    async def _send_invoice(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        title = params.required_text("title")
        if len(title) > MAX_INVOICE_TITLE:
            raise ApiError(errors.INVOICE_TITLE_INVALID)
        description = params.required_text("description")
        if len(description) > MAX_INVOICE_DESCRIPTION:
            raise ApiError(errors.INVOICE_DESCRIPTION_INVALID)
        payload = params.required_text("payload")
        if len(payload.encode("utf-8")) > MAX_INVOICE_PAYLOAD_BYTES:
            raise ApiError(errors.INVOICE_PAYLOAD_INVALID)
        currency = params.required_text("currency")
        if not _CURRENCY_RE.match(currency):
            raise ApiError(errors.CURRENCY_INVALID)
        prices = self._prices(params.json("prices"), "prices")
        if sum(price["amount"] for price in prices) <= 0:
            raise ApiError(errors.TOTAL_NOT_POSITIVE)
        provider_token = params.text("provider_token") or ""
        invoice: dict[str, Any] = {
            "title": title,
            "description": description,
            "payload": payload,
            "provider_token": provider_token,
            "currency": currency,
            "prices": prices,
            "max_tip_amount": params.integer("max_tip_amount") or 0,
            "suggested_tip_amounts": params.json("suggested_tip_amounts") or [],
            "start_parameter": params.text("start_parameter") or "",
            "provider_data": params.text("provider_data"),
            "photo_url": params.text("photo_url"),
            "need_name": params.flag("need_name"),
            "need_phone_number": params.flag("need_phone_number"),
            "need_email": params.flag("need_email"),
            "need_shipping_address": params.flag("need_shipping_address")
            or params.flag("is_flexible"),
            "is_flexible": params.flag("is_flexible"),
        }
        if currency == STARS:
            if (
                provider_token
                or len(prices) != 1
                or invoice["need_shipping_address"]
                or invoice["max_tip_amount"]
            ):
                raise ApiError(errors.STARS_INVOICE_INVALID)
        elif not provider_token:
            raise ApiError(errors.PAYMENT_PROVIDER_INVALID)
        markup, buttons = self._markup(params, chat)
        message = self._new_message(chat)
        message.invoice = invoice
        message.reply_markup, message.buttons = markup, buttons
        return self._post(chat, message)

    @staticmethod
    def _prices(value: Any, name: str) -> list[dict[str, Any]]:
        if value is None:
            raise ApiError(errors.parameter_required(name))
        if not isinstance(value, list) or not value:
            raise ApiError(errors.PRICES_UNPARSABLE)
        prices: list[dict[str, Any]] = []
        for price in value:
            if (
                not isinstance(price, dict)
                or not isinstance(price.get("label"), str)
                or not isinstance(price.get("amount"), int)
                or isinstance(price.get("amount"), bool)
            ):
                raise ApiError(errors.PRICES_UNPARSABLE)
            prices.append({"label": price["label"], "amount": price["amount"]})
        return prices

    async def _answer_shipping_query(self, params: Params) -> bool:
        query = self._take_query(params, "shipping_query_id", "shipping_query")
        ok = params.flag("ok")
        answer: dict[str, Any] = {"ok": ok}
        if ok:
            options = params.json("shipping_options")
            if options is None:
                raise ApiError(errors.parameter_required("shipping_options"))
            if not isinstance(options, list) or not options:
                raise ApiError(errors.SHIPPING_OPTIONS_UNPARSABLE)
            parsed = []
            for option in options:
                if not isinstance(option, dict) or not option.get("id"):
                    raise ApiError(errors.SHIPPING_OPTIONS_UNPARSABLE)
                parsed.append(
                    {
                        "id": str(option["id"]),
                        "title": str(option.get("title", "")),
                        "prices": self._prices(option.get("prices"), "prices"),
                    }
                )
            answer["shipping_options"] = parsed
        else:
            answer["error_message"] = params.required_text("error_message")
        query.answered, query.answer = True, answer
        return True

    async def _answer_pre_checkout_query(self, params: Params) -> bool:
        query = self._take_query(params, "pre_checkout_query_id", "pre_checkout_query")
        ok = params.flag("ok")
        answer: dict[str, Any] = {"ok": ok}
        if not ok:
            answer["error_message"] = params.required_text("error_message")
        query.answered, query.answer = True, answer
        return True

    async def _answer_inline_query(self, params: Params) -> bool:
        query = self.queries.get(params.text("inline_query_id") or "")
        if query is None or query.kind != "inline_query" or query.answered:
            raise ApiError(errors.QUERY_ID_INVALID)
        results = params.json("results")
        if results is None:
            raise ApiError(errors.parameter_required("results"))
        if not isinstance(results, list):
            raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(errors.RESULTS_TOO_MUCH)
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        next_offset = params.text("next_offset") or ""
        if len(next_offset.encode("utf-8")) > MAX_NEXT_OFFSET_BYTES:
            raise ApiError(errors.NEXT_OFFSET_INVALID)
        button = params.json("button")
        if button is not None:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            start = button.get("start_parameter")
            if "web_app" not in button and not (
                isinstance(start, str) and _START_PARAMETER_RE.match(start)
            ):
                raise ApiError(errors.START_PARAM_INVALID)
        query.answered = True
        query.answer = {
            "results": results,
            "next_offset": next_offset,
            "button": button,
            "cache_time": params.integer("cache_time"),
            "is_personal": params.flag("is_personal"),
        }
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        """One result as Telegram checks it: id, type, required fields, texts, buttons."""
        if not isinstance(result, dict):
            raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
        result_id = result.get("id")
        if not isinstance(result_id, str) or not result_id:
            raise ApiError(errors.RESULT_ID_INVALID)
        if len(result_id.encode("utf-8")) > MAX_INLINE_RESULT_ID_BYTES:
            raise ApiError(errors.RESULT_ID_INVALID)
        if result_id in seen:
            raise ApiError(errors.RESULT_ID_DUPLICATE)
        seen.add(result_id)
        kind = result.get("type")
        if kind == "article":
            content = result.get("input_message_content")
            if not result.get("title") or not isinstance(content, dict):
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            text = content.get("message_text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError(errors.MESSAGE_TEXT_EMPTY)
            self._formatted(
                Params(content, {}), "message_text", MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG
            )
        elif kind == "photo":  # a cached photo is type "photo" too, with photo_file_id
            cached = "photo_file_id" in result
            photo = result.get("photo_file_id" if cached else "photo_url")
            if not isinstance(photo, str) or not photo:
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            if not cached and not result.get("thumbnail_url"):
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            if cached:
                stored = self.files.get(photo)
                if stored is None:
                    raise ApiError(errors.WRONG_FILE_ID)
                if stored.kind != "photo":
                    raise ApiError(errors.FILE_TYPE_MISMATCH)
            self._formatted(
                Params(result, {}), "caption", MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG
            )
        else:
            raise ApiError(errors.RESULT_TYPE_INVALID)
        self._markup(Params({"reply_markup": result.get("reply_markup")}, {}), None)

    async def _refund_star_payment(self, params: Params) -> bool:
        user_id = params.integer("user_id")
        charge_id = params.required_text("telegram_payment_charge_id")
        charge = self.charges.get(charge_id)
        if charge is None or charge.user_id != user_id or charge.currency != STARS:
            raise ApiError(errors.CHARGE_NOT_FOUND)
        if charge.refunded:
            raise ApiError(errors.CHARGE_ALREADY_REFUNDED)
        charge.refunded = True
        self.star_refunds.append(StarRefund(charge.user_id, charge_id))
        return True

    async def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self.files.get(params.text("file_id") or "")
        if stored is None:
            raise ApiError(errors.INVALID_FILE_ID)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _send_chat_action(self, params: Params) -> bool:
        self._chat(params, sending=True)
        return True

    async def _set_chat_menu_button(self, params: Params) -> bool:
        chat_id = params.values.get("chat_id")
        if chat_id is not None and chat_id not in self.chats:
            raise ApiError(errors.CHAT_NOT_FOUND)
        self.menu_buttons[str(chat_id or "default")] = params.json("menu_button") or {
            "type": "default"
        }
        return True

    async def _get_chat_menu_button(self, params: Params) -> Any:
        chat_id = params.values.get("chat_id")
        return self.menu_buttons.get(
            str(chat_id or "default"),
            self.menu_buttons.get("default", {"type": "commands"}),
        )

    def _set_description(self, name: str) -> Handler:
        async def handler(params: Params) -> bool:
            language = params.text("language_code") or ""
            self.descriptions[f"{name}:{language}"] = params.text(name) or ""
            return True

        return handler

    def _get_description(self, name: str) -> Handler:
        async def handler(params: Params) -> dict[str, str]:
            language = params.text("language_code") or ""
            return {name: self.descriptions.get(f"{name}:{language}", "")}

        return handler

    # ------------------------------------------------------------------ convenience

    def callback_answer(self, query: PendingQuery) -> CallbackAnswer | None:
        """The bot's answer to a callback query, once it has answered."""
        if not query.answered or query.answer is None:
            return None
        return CallbackAnswer(
            text=query.answer.get("text"),
            show_alert=bool(query.answer.get("show_alert")),
            url=query.answer.get("url"),
        )

    def inline_answer(self, query: PendingQuery) -> InlineAnswer | None:
        """The bot's answer to an inline query, once it has answered."""
        if not query.answered or query.answer is None:
            return None
        answer = query.answer
        return InlineAnswer(
            results=[self.inline_result(result) for result in answer["results"]],
            next_offset=str(answer["next_offset"]),
            button=answer["button"],
            cache_time=answer["cache_time"],
            is_personal=bool(answer["is_personal"]),
        )

    def inline_result(self, result: dict[str, Any]) -> InlineResult:
        """One answered result as the user sees it; its text is what choosing it would post."""
        content = result.get("input_message_content") or {}
        kind = str(result["type"])
        source = content if kind == "article" else result
        raw_text = source.get("message_text" if kind == "article" else "caption")
        params = Params({"text": raw_text, "parse_mode": source.get("parse_mode")}, {})
        text, _ = self._formatted(params, "text", MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG)
        _, buttons = self._markup(Params({"reply_markup": result.get("reply_markup")}, {}), None)
        return InlineResult(
            id=str(result["id"]),
            type=kind,
            title=result.get("title"),
            description=result.get("description"),
            text=text,
            photo=result.get("photo_file_id") or result.get("photo_url"),
            buttons=buttons,
            raw=result,
        )

    def command_entity(self, text: str) -> list[dict[str, Any]]:
        """The bot_command entity a Telegram client attaches to "/cmd args"."""
        if not text.startswith("/"):
            return []
        token = text.split(maxsplit=1)[0]
        return [{"type": "bot_command", "offset": 0, "length": _utf16_length(token)}]
