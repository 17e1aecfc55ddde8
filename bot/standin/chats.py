"""What the stand-in remembers: each chat with its messages, and queries awaiting an answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.standin.models import Message, TranscriptEvent
from bot.standin.signals import Signal


@dataclass
class PendingQuery:
    """A callback, shipping, pre-checkout or inline query waiting for the bot's answer."""

    query_id: str
    kind: str
    chat_id: int
    created_at: float
    payload: dict[str, Any]
    answered: bool = False
    answer: dict[str, Any] | None = None
    invoice: dict[str, Any] | None = None
    """A shipping or pre-checkout query's invoice, as Telegram keeps it to check the answer."""
    shipping_amount: int = 0
    """A pre-checkout query's: what the chosen shipping option costs (the rest above the
    invoice's prices is the tip)."""


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
    changed: Signal = field(default_factory=Signal)
    """Notified when a message of this chat changes or the bot answers a query from it."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _by_id: dict[int, Message] = field(default_factory=dict)
    _by_change: dict[int, Message] = field(default_factory=dict)
    """Messages by id, in the order of their last change (the newest last)."""

    def next_message_id(self) -> int:
        """Message ids in a private chat are shared by both sides and only grow."""
        return next(self._ids)

    def add(self, message: Message) -> None:
        """A new message at the end of the chat."""
        self.messages.append(message)
        self._by_id[message.message_id] = message

    def record_change(self, message: Message, revision: int) -> None:
        """The message was sent, edited or deleted at this stand-in wide revision."""
        message.revision = revision
        self._by_change.pop(message.message_id, None)
        self._by_change[message.message_id] = message
        self.changed.notify()

    def find(self, message_id: int) -> Message | None:
        """The message with this id, deleted or not."""
        return self._by_id.get(message_id)

    def changed_since(self, revision: int) -> Iterator[Message]:
        """Messages sent, edited or deleted after ``revision``, the latest change first; a
        wait for a reply looks only at these, however long the chat's history."""
        for message in reversed(self._by_change.values()):
            if message.revision <= revision:
                return
            yield message

    def visible_newest_first(self) -> Iterator[Message]:
        """The bot's messages the user can still see, newest first, read only as far as
        needed."""
        for message in reversed(self.messages):
            if message.from_bot and not message.deleted:
                yield message

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
