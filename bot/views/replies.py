"""Short answers that are not screens: a toast on the pressed button, a line in the chat."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import CallbackQueryLimit
from telegram.error import BadRequest, TelegramError

from bot.clipping import clip
from bot.context import ShopContext

log = logging.getLogger(__name__)


async def answer_button(update: Update, toast: str | None = None) -> None:
    """Stop the pressed button's spinner, with a toast if given (too old to answer: fine)."""
    if update.callback_query is None:
        return
    if toast is not None:
        toast = clip(toast, CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # UTF-16
    with contextlib.suppress(BadRequest):
        await update.callback_query.answer(toast)


async def say(context: ShopContext, chat_id: int, text: str) -> bool:
    """A plain message in the chat, as a reply (not a bulk send); False if Telegram refused."""
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as exc:
        log.warning("could not answer chat %s: %s", chat_id, exc)
        return False
    return True
