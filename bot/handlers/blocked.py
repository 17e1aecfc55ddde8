"""The one answer a person the shop blocked gets (bot.services.blocking), whatever she sent:
a visit or an answer's language raised Blocked, and the error handler brings it here.

- a message: "This shop can't take your messages.", at most once an hour (her row says when
  she was last told, so every worker agrees and a flood costs one reply an hour);
- a button: always answered with that text (Telegram wants every press answered);
- an inline query has no visit: bot.handlers.inline reads her row and answers it empty;
- shipping and pre-checkout queries: refused with that text.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import BadRequest

from bot import i18n
from bot.context import ShopContext
from bot.services.blocking import REFUSAL, Blocked
from bot.usecases import blocking


async def refuse(update: Update, context: ShopContext, refused: Blocked) -> None:
    user = update.effective_user
    language_code = user.language_code if user is not None else None
    chosen = i18n.choose(refused.language, language_code, context.shop.settings.default_language)
    said = i18n.use(chosen)._(REFUSAL)
    if update.callback_query is not None:
        with contextlib.suppress(BadRequest):  # too old to answer: nothing to say it to
            await update.callback_query.answer(said, show_alert=True)
    elif update.pre_checkout_query is not None:
        await update.pre_checkout_query.answer(ok=False, error_message=said)
    elif update.shipping_query is not None:
        await update.shipping_query.answer(ok=False, error_message=said)
    elif (message := update.effective_message) and await blocking.tell_now(context.shop, refused):
        await message.reply_text(said)
