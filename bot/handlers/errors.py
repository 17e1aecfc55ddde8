"""The error handler: log the failure once, and tell the person something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import ShopContext

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on our side. Please try again, or send /start."


async def on_error(update: object, context: ShopContext) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.effective_chat is not None and update.effective_chat.type != "private":
        return  # the shop works in private chats; never apologise to a whole group
    try:
        if update.callback_query:
            await update.callback_query.answer(SORRY, show_alert=True)
        elif update.pre_checkout_query:
            await update.pre_checkout_query.answer(ok=False, error_message=SORRY)
        elif update.shipping_query:
            await update.shipping_query.answer(ok=False, error_message=SORRY)
        elif update.effective_message and update.effective_chat:
            await update.effective_message.reply_text(SORRY)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)
