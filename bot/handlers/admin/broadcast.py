"""/broadcast: text, preview, confirm; the sending runs in the background with progress."""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot import i18n
from bot.callback_data import StopBroadcast
from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.services.admin_flows import Flow
from bot.usecases import broadcast
from bot.usecases.broadcast import BroadcastReport, BroadcastUnderWay, NotBroadcastable
from bot.views import admin_broadcast as views
from bot.views.admin import reply
from bot.views.replies import answer_button

log = logging.getLogger(__name__)


async def begin(update: Update, context: ShopContext) -> None:
    try:
        draft = await broadcast.start(context.shop, chat_id(update))
    except BroadcastUnderWay as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.ask_text(draft))


async def broadcast_command(update: Update, context: ShopContext) -> None:
    await begin(update, context)


async def on_input(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") == "preview":
        await reply(update, i18n.current()._("Press Send to broadcast the text above, or Cancel."))
        return
    message = update.effective_message
    text = message.text if message is not None else None
    try:
        draft = await broadcast.preview(context.shop, chat_id(update), flow, text)
    except NotBroadcastable as exc:
        await reply(update, views.refused(flow, exc))
        return
    for view in views.preview(draft):
        await reply(update, view)


async def on_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") != "preview":
        await reply(update, i18n.current()._("Send the text first."))
        return
    recipients = await broadcast.audience(context.shop)  # who could be told, as Send is pressed
    try:
        broadcast_id = await broadcast.begin_sending(
            context.shop, chat_id(update), actor(update), recipients.total
        )
    except BroadcastUnderWay as exc:
        await reply(update, str(exc))  # the flow stays: Send again once that one is over
        return
    progress = await reply(update, views.starting())
    assert progress is not None
    run = _run(context, broadcast_id, flow["text"], recipients, actor(update), progress)
    context.application.create_task(run, update=update, name=f"broadcast-{broadcast_id}")
    log.info("broadcast started by %s at %s/s", actor(update), context.shop.settings.broadcast_rate)


async def _run(
    context: ShopContext,
    broadcast_id: int,
    text: str,
    recipients: broadcast.Audience,
    admin: int,
    progress: Message,
) -> None:
    async def on_progress(report: BroadcastReport) -> None:
        await views.show_progress(context, progress, report)

    report = await broadcast.run_broadcast(
        context.shop, broadcast_id, text, recipients, actor=admin, on_progress=on_progress
    )
    await views.show_done(context, progress, report)


async def on_stop(update: Update, context: ShopContext, data: StopBroadcast) -> None:
    """Stop under the progress (or /cancel with no step open, bot.handlers.admin.flows): the
    broadcast stops before its next message, whichever worker sends it; the progress then
    says how many got it."""
    stopping = await broadcast.stop(context.shop)
    if stopping is None:
        await answer_button(update, i18n.current()._(views.NOT_SENDING))
        return
    if stopping.already:  # an earlier Stop is being carried out: the popup says so
        await answer_button(update, views.stopping(stopping, chat_id(update)))
        return
    await answer_button(update)
    await reply(update, views.stopping(stopping, chat_id(update)))


register_flow("broadcast", FlowKind(on_input=on_input, on_confirm=on_confirm))
