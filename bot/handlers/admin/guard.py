"""The one place the admin handlers ask who may do what (bot.permissions), and how everyone
else is refused.

The role is the user's who sent the message or pressed the button (`effective_user`), never
the chat's, and never the author's of a forwarded message whose buttons were pressed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import i18n, permissions
from bot.context import ShopContext
from bot.i18n import N_
from bot.permissions import Role

log = logging.getLogger(__name__)

REFUSAL = N_("Sorry, that is for the shop's admins only. Send /help to see what I can do for you.")

Handler = Callable[[Update, ShopContext], Coroutine[Any, Any, None]]


def role(update: Update, context: ShopContext) -> Role | None:
    """Admin, staff, or None; the admin screens this update shows are cut to fit it."""
    user = update.effective_user
    found = permissions.role_of(context.shop.settings, user.id if user else None)
    if found is not None:
        permissions.act_as(found)
    return found


def on_the_team(update: Update, context: ShopContext) -> bool:
    """An admin or staff: their messages may be admin input (a step's answer, a reply)."""
    return role(update, context) is not None


def may(update: Update, context: ShopContext, action: str) -> bool:
    return permissions.may(role(update, context), action)


async def refuse(update: Update, what: str) -> None:
    """Politely say no, and log who tried what."""
    user = update.effective_user
    log.warning("refused admin action %r from user %s", what, user.id if user else None)
    if update.callback_query is not None:
        await update.callback_query.answer(i18n.current()._(REFUSAL), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(i18n.current()._(REFUSAL))


def guarded(action: str, what: str, handler: Handler) -> Handler:
    """Run the handler for those who may do `action`, refuse everyone else; either way the
    update is consumed.

    Errors go to the application's error handler here, because an exception in an early group
    would otherwise let later groups (the shopper's fallback) answer the same update too.
    """

    @functools.wraps(handler)
    async def checked(update: Update, context: ShopContext) -> None:
        if not may(update, context, action):
            await refuse(update, what)
            raise ApplicationHandlerStop
        await run_consuming(handler, update, context)

    return checked


def shoppers_too(action: str, checked: Handler) -> Handler:
    """A command shoppers have too: alone, from one who may not do `action`, it goes on to
    the shopper's handlers (nothing consumed); with words after it, `checked` decides."""

    @functools.wraps(checked)
    async def shared(update: Update, context: ShopContext) -> None:
        if not context.args and not may(update, context, action):
            return
        await checked(update, context)

    return shared


async def run_consuming(handler: Handler, update: Update, context: ShopContext) -> None:
    """Run `handler`, report any error, and stop later handler groups from seeing the update."""
    try:
        await handler(update, context)
    except ApplicationHandlerStop:
        raise
    except Exception as exc:
        await context.application.process_error(update, exc)
    raise ApplicationHandlerStop
