"""Talk to the shop, the shopper's side: /support, "Ask about this order", and photos sent
while writing to the shop (their words go through bot.handlers.text). What the shopper
sends is kept first, answered with "Sent", then relayed to the admins (bot.usecases.support).
A job relays what a crashed worker left waiting.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.callback_data import AskShop
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import QuestionSentScreen, Screen
from bot.handlers import fallback
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.usecases import support
from bot.views.display import present

RELAY_STALLED_INTERVAL_SECONDS = 10.0
PRIVATE = filters.ChatType.PRIVATE


async def support_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.ask_shop(context.shop, who))


async def on_ask(update: Update, context: ShopContext, who: Shopper, data: AskShop) -> Screen:
    return await journey.ask_shop(context.shop, who, data.order_id or None)


async def on_photo(update: Update, context: ShopContext) -> None:
    """A photo goes to the shop while the shopper writes to it; otherwise it is not readable."""
    message, who = update.effective_message, shopper_of(update)
    if message is None or who is None or not message.photo:
        return
    screen = await journey.photo(context.shop, who, message.photo[-1].file_id, message.caption)
    if screen is None:
        await fallback.unreadable_message(update, context)
        return
    await present(update, context, screen)
    await relay_question(context, screen)


async def relay_question(context: ShopContext, screen: Screen) -> None:
    """After "Sent" is shown: the kept question goes out to the admins."""
    if isinstance(screen, QuestionSentScreen):
        await support.relay(context.shop, screen.thread_id)


async def relay_stalled(context: ShopContext) -> None:
    """Job: messages a crashed worker (or a failed relay) left waiting go out now."""
    await support.relay_stalled(context.shop)


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("support", support_command, filters=PRIVATE))
    app.add_handler(button_handler(Route(AskShop, on_ask)))
    app.add_handler(MessageHandler(filters.PHOTO & PRIVATE & filters.UpdateType.MESSAGE, on_photo))
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            relay_stalled,
            interval=RELAY_STALLED_INTERVAL_SECONDS,
            first=RELAY_STALLED_INTERVAL_SECONDS,
            name="relay-stalled-support-messages",
        )
