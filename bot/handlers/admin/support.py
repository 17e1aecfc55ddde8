"""Talk to the shop, the admins' side: replying to a relayed question answers the shopper,
and ✅ Close conversation under a question closes its thread (bot.usecases.support)."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import CloseThread
from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id
from bot.handlers.admin.flows import on_admin_message
from bot.handlers.admin.guard import may, run_consuming
from bot.services.errors import MessageTooLong
from bot.texts import support as texts
from bot.usecases import support
from bot.views.admin import reply
from bot.views.replies import answer_button

ACKNOWLEDGEMENTS = {"sent": texts.answer_sent, "waiting": texts.answer_queued}


async def on_reply(update: Update, context: ShopContext) -> None:
    """An admin's or staff member's reply (text or photo): to a relayed question it is the
    answer; to anything else it is ordinary admin input (an open flow's answer, say)."""
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if replied is None or not may(update, context, "support"):
        await on_admin_message(update, context)
        return
    if not await support.is_question(context.shop, chat_id(update), replied.message_id):
        await on_admin_message(update, context)
        return
    await run_consuming(answer, update, context)


async def answer(update: Update, context: ShopContext) -> None:
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    try:
        outcome = await support.answer(
            context.shop,
            admin_chat_id=chat_id(update),
            replied_to=message.reply_to_message.message_id,
            author=actor(update),
            text=message.text or message.caption,
            photo=message.photo[-1].file_id if message.photo else None,
        )
    except MessageTooLong as refused:
        await reply(update, refused.said(i18n.current()))
        return
    acknowledgement = ACKNOWLEDGEMENTS.get(outcome.delivery) if outcome else None
    if outcome is not None and acknowledgement is not None:  # blocked, failed: told already
        await reply(update, acknowledgement(i18n.current(), outcome.thread))


async def on_close(update: Update, context: ShopContext, data: CloseThread) -> None:
    closed = await support.close(context.shop, data.thread_id, admin_id=actor(update))
    if closed is None:
        await answer_button(update, i18n.current()._(texts.ALREADY_CLOSED))
        return
    said = texts.thread_closed(i18n.current(), closed)
    await answer_button(update, said)
    await reply(update, said)
