"""The one place that decides who is an admin, and how everyone else is refused.

Admin-ness is the user who sent the message or pressed the button (`effective_user`), never
the chat, and never the author of a forwarded message whose buttons were pressed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import i18n
from bot.context import ShopContext
from bot.i18n import N_

log = logging.getLogger(__name__)

REFUSAL = N_("Sorry, that is for the shop's admins only. Send /help to see what I can do for you.")

Handler = Callable[[Update, ShopContext], Coroutine[Any, Any, None]]


def is_admin(update: Update, context: ShopContext) -> bool:
    user = update.effective_user
    return context.shop.settings.is_admin(user.id if user else None)


async def refuse(update: Update, what: str) -> None:
    """Politely say no, and log who tried what."""
    user = update.effective_user
    log.warning("refused admin action %r from user %s", what, user.id if user else None)
    if update.callback_query is not None:
        await update.callback_query.answer(i18n.current()._(REFUSAL), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(i18n.current()._(REFUSAL))


def admin_only(what: str) -> Callable[[Handler], Handler]:
    """Run the handler for admins, refuse everyone else; either way the update is consumed.

    Errors go to the application's error handler here, because an exception in an early group
    would otherwise let later groups (the shopper's fallback) answer the same update too.
    """

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ShopContext) -> None:
            if not is_admin(update, context):
                await refuse(update, what)
                raise ApplicationHandlerStop
            await run_consuming(handler, update, context)

        return guarded

    return wrap


async def run_consuming(handler: Handler, update: Update, context: ShopContext) -> None:
    """Run `handler`, report any error, and stop later handler groups from seeing the update."""
    try:
        await handler(update, context)
    except ApplicationHandlerStop:
        raise
    except Exception as exc:
        await context.application.process_error(update, exc)
    raise ApplicationHandlerStop
