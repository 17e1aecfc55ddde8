"""Plain words in a private chat: phrases ("cart", "my orders") do what they say, anything
else searches the catalog (typo tolerant), and what finds nothing gets a short hint. While
the shopper writes to the shop (/support), every word but "cancel" goes to the shop.

Registered after every feature that reads free text of its own (admin input steps), since a
text handler here takes every non-command message that reaches group 0.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers import reviews, shop, support
from bot.handlers.shopper import shopper_of
from bot.shop import Shop
from bot.views.display import present

Intent = Callable[[Shop, Shopper], Awaitable[Screen]]

INTENTS: dict[str, Intent] = {
    "cart": journey.show_cart,
    "checkout": journey.checkout,
    "orders": journey.orders,
    "saved": journey.saved,
    "help": journey.help_screen,
    "catalog": journey.categories,
    "menu": journey.menu,
}


async def plain_text(update: Update, context: ShopContext) -> None:
    message = update.effective_message
    who = shopper_of(update)
    if who is None or message is None or not message.text:
        return
    intent = journey.phrase_intent(message.text)
    if intent == "cancel":
        await shop.cancel_command(update, context)
        return
    screen = await journey.typed(context.shop, who, message.text, phrase=intent is not None)
    if screen is None and intent is not None:  # not for the shop: the phrase does what it says
        screen = await INTENTS[intent](context.shop, who)
    if screen is not None:
        await present(update, context, screen)
        await support.relay_question(context, screen)
        await reviews.announce_review(context, screen)


def register(app: AnyApplication) -> None:
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, plain_text)
    )
