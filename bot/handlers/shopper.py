"""What the shopper's handler modules share: who is talking, and routing buttons by action.

A button's callback_data is decoded once (bot.callback_data) into its action; each module
declares which actions it serves, one function per action. A route returns the screen to
show (the pressed message is edited and the query answered), or None when it answered itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.callback_data import Action, decode
from bot.context import ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.views.display import present

A = TypeVar("A", bound=Action)


@dataclass(frozen=True)
class Route(Generic[A]):
    """The function that answers one kind of button."""

    action: type[A]
    answer: Callable[[Update, ShopContext, Shopper, A], Awaitable[Screen | None]]


def shopper_of(update: Update) -> Shopper | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return Shopper(
        chat_id=chat.id,
        user_id=user.id,
        first_name=user.first_name or "",
        username=user.username,
        language_code=user.language_code,
    )


def button_handler(*routes: Route[Any]) -> CallbackQueryHandler[ShopContext, None]:
    """One handler for this module's actions; other payloads are left to later modules."""
    table = {route.action: route for route in routes}

    def ours(data: object) -> bool:
        return type(decode(data if isinstance(data, str) else None)) in table

    async def dispatch(update: Update, context: ShopContext) -> None:
        who = shopper_of(update)
        query = update.callback_query
        action = decode(query.data if query else None)
        if who is None or action is None:  # cannot happen: `ours` matched
            return
        screen = await table[type(action)].answer(update, context, who, action)
        if screen is not None:
            await present(update, context, screen)

    return CallbackQueryHandler(dispatch, pattern=ours)


async def show_current_view(update: Update, context: ShopContext, notice: str) -> None:
    """For a button we no longer understand: say so and show where the chat stands."""
    who = shopper_of(update)
    if who is None:
        if update.callback_query:
            await update.callback_query.answer(notice)
        return
    await present(update, context, await journey.current(context.shop, who, notice))
