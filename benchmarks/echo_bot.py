"""The framework's floor: the smallest bot on the shop's own stack, for `python -m benchmarks`.

Same python-telegram-bot `Application`, same per-chat update processor, same rate limiter,
same polling as the shop: it replies to a message with one inline button, and on a press edits
that message and answers the query (the shop's Add to cart does the same two calls). Its HTTP
client is PTB's own (httpx), as PTB ships, or with ECHO_HTTP=aiohttp the shop's
(bot.transport): against that one, whatever the shop costs beyond this bot is its own work.

Run: BOT_TOKEN=... TELEGRAM_API_BASE_URL=... [ECHO_HTTP=aiohttp] python -m benchmarks.echo_bot
"""

from __future__ import annotations

import os
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import ALLOWED_UPDATES
from bot.concurrency import PerChatUpdateProcessor
from bot.pacing import ShopRateLimiter
from bot.transport import AiohttpRequest

BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            update.effective_message.text or "?", reply_markup=BUTTON
        )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.edit_message_text(f"pressed {query.id}", reply_markup=BUTTON)
    await query.answer("ok")


def main() -> None:
    builder: Any = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(PerChatUpdateProcessor())
        .rate_limiter(ShopRateLimiter(25.0))
    )
    if os.environ.get("ECHO_HTTP") == "aiohttp":
        builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)


if __name__ == "__main__":
    main()
