"""Reading what the shopper sees, for the shopper end-to-end tests."""

from __future__ import annotations

from bot.standin.models import render
from bot.standin.user import FakeUser


def shown(user: FakeUser) -> str:
    """The text (or caption) of the bot's newest message."""
    message = user.last_message
    return (message.text or "") if message is not None else ""


def screen(user: FakeUser) -> str:
    """The bot's newest message rendered with its buttons as [labels]."""
    message = user.last_message
    return render(message) if message is not None else ""
