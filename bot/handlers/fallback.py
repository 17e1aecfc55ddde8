"""Last resort: every command or button nobody handled still gets a clear answer.

Registered last in group 0, so it only sees what no earlier handler of that group took
(handlers in other groups would see every update as well).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.clipping import echo
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import EXPIRED
from bot.handlers.language import speak_chosen
from bot.handlers.shopper import shopper_of, show_current_view
from bot.i18n import N_
from bot.views.display import present


async def unknown_command(update: Update, context: ShopContext) -> None:
    message = update.effective_message
    if message and message.text:
        command = echo(message.text.split()[0])
        tr = await speak_chosen(update, context)
        await message.reply_text(
            tr._("I don't know {command}. Send /help to see what I can do.", command=command)
        )


UNREADABLE = N_(
    "I can only read text and button taps, so I can't use that. "
    "Type what you're looking for (e.g. “mug”), or send /help to see what I can do."
)

# A shopper's sticker, photo, voice, file, location, contact...: anything sent that is not
# text, a command or a service notice (pinned message, payment) would otherwise get silence.
CONTENT_NOT_TEXT = (
    filters.ChatType.PRIVATE
    & filters.UpdateType.MESSAGE
    & ~filters.TEXT
    & ~filters.COMMAND
    & ~filters.StatusUpdate.ALL
    & ~filters.SUCCESSFUL_PAYMENT
)


async def unreadable_message(update: Update, context: ShopContext) -> None:
    """Said so, never silence; while writing to the shop, that it did not reach the shop."""
    message, who = update.effective_message, shopper_of(update)
    if message is None:
        return
    screen = await journey.not_text(context.shop, who) if who is not None else None
    if screen is not None:
        await present(update, context, screen)
        return
    tr = await speak_chosen(update, context)
    await message.reply_text(tr._(UNREADABLE))


async def unknown_button(update: Update, context: ShopContext) -> None:
    """A forged, stale or unknown payload: say so, and show where the chat stands now."""
    if update.callback_query:
        await show_current_view(update, context, EXPIRED)


def register(app: AnyApplication) -> None:
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(CONTENT_NOT_TEXT, unreadable_message))
    app.add_handler(CallbackQueryHandler(unknown_button))
