"""A local Telegram Bot API over loopback, for running the real bot without a network.

python-telegram-bot is pointed at it with ``base_url``/``base_file_url`` and polls it with
getUpdates exactly as it polls Telegram, or sets a webhook and gets each update POSTed to it.
The stand-in keeps every private chat in memory, answers in Telegram's envelope with
Telegram's error texts, and lets a :class:`FakeUser` play the human side (messages, button
taps, payments).

It is assembled from one class per Bot API area, each registering its own methods with
``@api_method``:

- :mod:`~bot.standin.core`: HTTP plumbing, the method registry, chats, the update queue, waits
- :mod:`~bot.standin.files`: hosted files, getFile, downloads
- :mod:`~bot.standin.messages`: sends, edits, deletes, photos, documents, callback answers
- :mod:`~bot.standin.payments`: invoices and invoice links, shipping and pre-checkout
  answers, Stars refunds and getStarTransactions
- :mod:`~bot.standin.inline`: answerInlineQuery
- :mod:`~bot.standin.profile`: getMe, commands, menu buttons, descriptions
- :mod:`~bot.standin.polling` and :mod:`~bot.standin.webhook`: the two ways updates go out

Beside them: :mod:`~bot.standin.faults` (429s, 5xx, timeouts and dropped connections on
demand), :mod:`~bot.standin.signals` (waits that wake only for their own chat),
:mod:`~bot.standin.payment_form` (Telegram's payment form as the fake user fills it in).
"""

from __future__ import annotations

from typing import Any

from bot.standin.chats import ChatState, PendingQuery
from bot.standin.files import StoredFile
from bot.standin.inline import InlineArea
from bot.standin.params import Params, UploadedFile
from bot.standin.payments import PaymentsArea
from bot.standin.polling import PollingArea
from bot.standin.profile import ProfileArea, scope_key
from bot.standin.user import FakeUser
from bot.standin.webhook import SECRET_TOKEN_HEADER, WebhookArea

__all__ = [
    "SECRET_TOKEN_HEADER",
    "BotApiStandIn",
    "ChatState",
    "Params",
    "PendingQuery",
    "StoredFile",
    "UploadedFile",
    "scope_key",
]


class BotApiStandIn(WebhookArea, PollingArea, PaymentsArea, InlineArea, ProfileArea):
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
        super().__init__(
            token,
            host=host,
            port=port,
            bot_id=bot_id,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
        )
        self._users: dict[int, FakeUser] = {}

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
            self._users[user_id] = FakeUser(self, self._new_chat(user_id, user_json))
        return self._users[user_id]

    def group(self, chat_id: int, title: str, member: FakeUser) -> FakeUser:
        """`member` writing in a group chat (negative id) that has the bot in it; the stand-in
        keeps one writing member per group, so give each member its own group id."""
        chat = self.chats.get(chat_id) or self._new_chat(chat_id, member.chat.user, title)
        return FakeUser(self, chat)
