"""Last resort: every command or button nobody handled still gets a clear answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import AnyApplication, ShopContext

FALLBACK_GROUP = 100


async def unknown_command(update: Update, context: ShopContext) -> None:
    message = update.effective_message
    if message and message.text:
        command = message.text.split()[0]
        await message.reply_text(f"I don't know {command}. Send /help to see what I can do.")


async def unknown_button(update: Update, context: ShopContext) -> None:
    if update.callback_query:
        await update.callback_query.answer("This button has expired. Send /start to begin again.")


def register(app: AnyApplication) -> None:
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command), group=FALLBACK_GROUP)
    app.add_handler(CallbackQueryHandler(unknown_button), group=FALLBACK_GROUP)
