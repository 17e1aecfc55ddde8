"""An update handled again after a crash, whose change was already made: answer, change nothing.

The inbox knows (bot.inbox) when an update comes back whose first change had committed before
the crash: a cart line added, a stock level set. Running its handler again would make the
change twice, so this handler (group -2, after the gate) answers it instead: a shopper sees
where the chat stands now, an admin hears that it was done. Payment updates are not stopped:
their handlers are safe to run again (a payment is recorded once per charge id).
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import i18n, permissions
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.handlers.shopper import shopper_of
from bot.i18n import N_
from bot.store import handling
from bot.views.display import present

log = logging.getLogger(__name__)

REPLAY_GROUP = -2  # after the gate (-3), before the admin group (-1)
ALREADY_DONE = N_("✅ Done. (The shop restarted while answering you; nothing was done twice.)")


async def replay(update: Update, context: ShopContext) -> None:
    current = handling.current.get()
    if current is None or not current.replay or not _answerable(update):
        return
    log.info("update %s was handled before a crash: answering without changes", update.update_id)
    who = shopper_of(update)
    if who is None:
        return
    if permissions.role_of(context.shop.settings, who.user_id) is not None:
        done = i18n.current()._(ALREADY_DONE)
        if update.callback_query is not None:
            await update.callback_query.answer(done)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(done)
    else:
        await present(update, context, await journey.current(context.shop, who, notice=None))
    raise ApplicationHandlerStop


def _answerable(update: Update) -> bool:
    """Messages and button taps in a private chat, but not a payment's own message."""
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        return False
    if update.callback_query is not None:
        return True
    message = update.message
    return message is not None and message.successful_payment is None


def register(app: AnyApplication) -> None:
    app.add_handler(TypeHandler(Update, replay), group=REPLAY_GROUP)
