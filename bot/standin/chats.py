"""What the stand-in remembers: each chat with its messages, and queries awaiting an answer."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.standin.models import Message, TranscriptEvent


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
