"""Updates Telegram holds for the bot until getUpdates confirms them or the webhook takes them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from bot.standin.signals import Signal

Update = dict[str, Any]

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


def update_kind(update: Update) -> str:
    """The update's kind ("message", "callback_query", ...): its one field besides the id."""
    return next(key for key in update if key != "update_id")


def allowed_update_types(value: Any) -> frozenset[str] | None:
    """The update types an ``allowed_updates`` parameter asks for (None: left as it was)."""
    if not isinstance(value, list):
        return None
    return frozenset(map(str, value)) & ALL_UPDATE_TYPES or DEFAULT_UPDATE_TYPES


class UpdateQueue:
    """Pending updates, oldest first; every change is announced on :attr:`changed`."""

    def __init__(self, changed: Signal) -> None:
        self.changed = changed
        self._pending: list[Update] = []

    def __iter__(self) -> Iterator[Update]:
        return iter(self._pending)

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, update: Update) -> None:
        self._pending.append(update)
        self.changed.notify()

    def confirm(self, offset: int | None) -> None:
        """Forget what a getUpdates ``offset`` confirms: updates below it, or with a negative
        offset all but the last ``-offset``."""
        if offset is not None and offset < 0:
            self._replace(self._pending[offset:])
        elif offset:
            self._replace([u for u in self._pending if u["update_id"] >= offset])

    def keep(self, wanted: Callable[[Update], bool]) -> list[Update]:
        """Drop the updates that are not wanted; returns the rest."""
        self._replace([u for u in self._pending if wanted(u)])
        return list(self._pending)

    def remove(self, update: Update) -> None:
        self._replace([u for u in self._pending if u is not update])

    def clear(self) -> None:
        self._replace([])

    def _replace(self, pending: list[Update]) -> None:
        if len(pending) != len(self._pending):
            self._pending = pending
            self.changed.notify()
