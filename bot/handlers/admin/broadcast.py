"""/broadcast: text, preview with its audience, then Send (in the background, with progress)
or ⏰ Send later; /broadcast lists those planned for later, each with ✖ Cancel. The job that
sends them when due runs on every worker (the claim in the database makes it once)."""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot import i18n
from bot.callback_data import (
    CancelScheduledBroadcast,
    FlowAction,
    FlowAudience,
    FlowSendLater,
    StopBroadcast,
)
from bot.context import AnyApplication, ShopContext
from bot.handlers.admin.common import actor, chat_id
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.services.admin_flows import Flow
from bot.services.broadcast_plan import PlanRefused
from bot.store.models import Broadcast
from bot.usecases import broadcast
from bot.usecases.broadcast import BroadcastReport, BroadcastUnderWay, NotBroadcastable
from bot.views import admin_broadcast as views
from bot.views.admin import reply, show
from bot.views.replies import answer_button

log = logging.getLogger(__name__)

# How often each worker looks for scheduled broadcasts that are due (one index read when none
# is): one goes out within this of its time.
SCHEDULED_CHECK_SECONDS = 30.0


async def begin(update: Update, context: ShopContext) -> None:
    """The broadcasts planned for later (if any), then the question for a new one's text."""
    planned = views.scheduled_list(
        await broadcast.scheduled(context.shop), context.shop.settings.zone
    )
    if planned is not None:
        await reply(update, planned)
    try:
        draft = await broadcast.start(context.shop, chat_id(update))
    except BroadcastUnderWay as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.ask_text(draft))


async def broadcast_command(update: Update, context: ShopContext) -> None:
    await begin(update, context)


async def on_input(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") == "when":
        await _schedule(update, context, flow)
        return
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


async def _schedule(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    when = message.text if message is not None and message.text else ""
    try:
        planned = await broadcast.schedule(context.shop, chat_id(update), actor(update), flow, when)
    except PlanRefused as exc:
        await reply(update, views.refused(flow, exc))
        return
    await reply(update, views.scheduled_done(planned, context.shop.settings.zone))


async def on_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    """An audience under the preview (the preview shows it chosen), or ⏰ Send later."""
    if flow.get("step") == "when":  # the preview's buttons while the time is asked for
        await reply(update, views.ask_when(flow, context.shop.settings.shop_timezone))
        return
    if flow.get("step") != "preview":
        await reply(update, i18n.current()._("Send the text first."))
        return
    if isinstance(data, FlowSendLater):
        await broadcast.ask_when(context.shop, chat_id(update), flow)
        await reply(update, views.ask_when(flow, context.shop.settings.shop_timezone))
    elif isinstance(data, FlowAudience):
        try:
            draft = await broadcast.choose_audience(
                context.shop, chat_id(update), flow, data.audience
            )
        except PlanRefused as exc:
            await reply(update, str(exc))
            return
        await show(update, views.chosen(draft))


async def on_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    """Send now: from the preview, or while the time for ⏰ Send later is asked for."""
    if flow.get("step") not in ("preview", "when"):
        await reply(update, i18n.current()._("Send the text first."))
        return
    chosen = str(flow.get("audience") or "all")
    try:
        started = await broadcast.begin_sending(  # its audience as Send is pressed
            context.shop, chat_id(update), actor(update), chosen, flow["text"]
        )
    except BroadcastUnderWay as exc:
        await reply(update, str(exc))  # the flow stays: Send again once that one is over
        return
    progress = await reply(update, views.starting())
    assert progress is not None
    run = _run(context, started, progress)
    context.application.create_task(run, update=update, name=f"broadcast-{started.id}")
    log.info("broadcast started by %s at %s/s", actor(update), context.shop.settings.broadcast_rate)


async def _run(context: ShopContext, started: Broadcast, progress: Message) -> None:
    async def on_progress(report: BroadcastReport) -> None:
        await views.show_progress(context, progress, report)

    report = await broadcast.run_broadcast(context.shop, started, on_progress=on_progress)
    if report.taken_over:  # another worker went on with it and reports it
        return
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


async def on_cancel_scheduled(
    update: Update, context: ShopContext, data: CancelScheduledBroadcast
) -> None:
    """✖ Cancel under /broadcast's list: a second press says it is no longer scheduled."""
    cancelled = await broadcast.cancel_scheduled(context.shop, actor(update), data.broadcast_id)
    said = views.cancelled(cancelled, context.shop.settings.zone)
    await answer_button(update, said if cancelled is None else None)
    await reply(update, said)


async def send_scheduled(context: ShopContext) -> None:
    """Job: a broadcast whose worker died goes on, and scheduled broadcasts that are due go
    out, once across all workers; the sending
    runs as the application's task, so the next run is not held up by it."""
    context.application.create_task(broadcast.send_due(context.shop), name="broadcast-scheduled")


def register_jobs(app: AnyApplication) -> None:
    """On every worker; each run is two small reads while none is due and no sender died."""
    if app.job_queue is not None:
        every = SCHEDULED_CHECK_SECONDS
        app.job_queue.run_repeating(
            send_scheduled, every, first=1, name="send-scheduled-broadcasts"
        )


register_flow("broadcast", FlowKind(on_input=on_input, on_confirm=on_confirm, on_button=on_button))
