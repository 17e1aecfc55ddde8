"""The error handler: log the failure once, and tell the person something went wrong.

A person the shop blocked is not an error: her update raised Blocked where her row was read,
and bot.handlers.blocked answers it (at most once an hour for messages).

A fault of Telegram's (5xx, timeouts, dropped connections, 429) has been retried already
(bot.pacing) and has outlasted the retries: it is logged with the update's id and nobody is
told, since the apology would meet the same fault. The update is marked failed in the inbox.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot import i18n
from bot.context import ShopContext
from bot.handlers import blocked
from bot.handlers.language import speak_chosen
from bot.i18n import N_
from bot.services.blocking import Blocked
from bot.store import handling

log = logging.getLogger(__name__)

SORRY = N_("Sorry, something went wrong on our side. Please try again, or send /start.")


async def on_error(update: object, context: ShopContext) -> None:
    if isinstance(context.error, Blocked) and isinstance(update, Update):
        await blocked.refuse(update, context, context.error)  # not a fault: the shop's choice
        return
    update_id = update.update_id if isinstance(update, Update) else None
    current = handling.current.get()
    if current is not None:
        current.error = repr(context.error)[:2000]
    if _telegram_fault(context.error):
        log.error("update %s: Telegram kept failing: %r", update_id, context.error)
        return
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.effective_chat is not None and update.effective_chat.type != "private":
        return  # the shop works in private chats; never apologise to a whole group
    sorry = (await _reader(update, context))._(SORRY)
    try:
        if update.callback_query:
            await update.callback_query.answer(sorry, show_alert=True)
        elif update.pre_checkout_query:
            await update.pre_checkout_query.answer(ok=False, error_message=sorry)
        elif update.shipping_query:
            await update.shipping_query.answer(ok=False, error_message=sorry)
        elif update.effective_message and update.effective_chat:
            await update.effective_message.reply_text(sorry)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)


async def _reader(update: Update, context: ShopContext) -> i18n.Translator:
    """The sender's chosen language, unless the database (perhaps what failed) cannot say."""
    try:
        return await speak_chosen(update, context)
    except Exception:
        log.warning("could not read the language of update %s", update.update_id, exc_info=True)
        return i18n.current()


def _telegram_fault(error: BaseException | None) -> bool:
    """Telegram's side failed (not a request it refused: those are bugs to hear about)."""
    return isinstance(error, NetworkError | RetryAfter) and not isinstance(error, BadRequest)
