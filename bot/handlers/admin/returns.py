"""A shopper's return request, decided by an admin: ✅ Approve, refund and restock or ✅
Approve and refund (asked first; the goods go back on the shelf or not), or ✖️ Decline (asks
for a short reason for her, or /skip). The buttons are under the admins' alert and on the
order's screen; bot.usecases.returns decides it once, whoever presses."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import (
    ApproveReturn,
    AskApproveReturn,
    DeclineReturn,
    FlowAction,
    FlowSkip,
)
from bot.context import AnyApplication, ShopContext
from bot.handlers.admin.common import actor, list_kept, listing_kept, save_flow
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.services.admin_flows import Flow, new_flow
from bot.services.errors import OrderError
from bot.services.returns import BadDeclineReason, check_decline_reason
from bot.usecases import returns
from bot.views import admin_orders as views
from bot.views import admin_returns as return_views
from bot.views.admin import reply, show
from bot.views.replies import answer_button

UNTOLD_CHECK_SECONDS = 60.0


async def _refused(update: Update, why: OrderError) -> None:
    """A stale or second press: said at once, as a toast and in the chat."""
    text = why.said(i18n.current())
    await answer_button(update, text)
    await reply(update, text)


async def on_approve_ask(update: Update, context: ShopContext, data: AskApproveReturn) -> None:
    try:
        request = await returns.pending(context.shop, data.request_id)
    except OrderError as exc:
        await _refused(update, exc)
        return
    await answer_button(update)
    await reply(update, return_views.ask_approve(request, bool(data.restock), data.listing))


async def on_approve(update: Update, context: ShopContext, data: ApproveReturn) -> None:
    try:
        done = await returns.approve(
            context.shop, actor(update), data.request_id, restock=bool(data.restock)
        )
    except OrderError as exc:
        await _refused(update, exc)
        return
    await answer_button(update)
    await reply(update, return_views.approved(done))
    await show(update, views.order_screen(done.detail, context.shop.settings, data.listing))


async def on_decline(update: Update, context: ShopContext, data: DeclineReturn) -> None:
    try:
        request = await returns.pending(context.shop, data.request_id)
    except OrderError as exc:
        await _refused(update, exc)
        return
    await answer_button(update)
    # with the order list to lead back to once declined
    flow = new_flow("return_decline", request_id=request.id, **list_kept(data))
    await save_flow(update, context, flow)
    await reply(update, return_views.ask_decline_reason(flow))


async def decline(update: Update, context: ShopContext, flow: Flow, text: str | None) -> None:
    try:
        reason = check_decline_reason(text)
    except BadDeclineReason as exc:
        await reply(update, return_views.ask_decline_reason(flow, exc.said(i18n.current())))
        return
    await save_flow(update, context, None)
    try:
        done = await returns.decline(context.shop, actor(update), int(flow["request_id"]), reason)
    except OrderError as exc:
        await reply(update, exc.said(i18n.current()))
        return
    await reply(update, return_views.declined(done))
    came = listing_kept(flow)
    await show(update, views.order_screen(done.detail, context.shop.settings, came))


async def decline_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    await decline(update, context, flow, message.text if message is not None else None)


async def decline_button(
    update: Update, context: ShopContext, flow: Flow, data: FlowAction
) -> None:
    if isinstance(data, FlowSkip):
        await decline(update, context, flow, "/skip")


async def decline_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    await reply(update, return_views.ask_decline_reason(flow))


register_flow(
    "return_decline",
    FlowKind(on_input=decline_input, on_confirm=decline_confirm, on_button=decline_button),
)


async def tell_untold(context: ShopContext) -> None:
    """Job: a decision whose message the bot died before sending is told, once."""
    await returns.tell_untold(context.shop)


def register_jobs(app: AnyApplication) -> None:
    """On every worker; each run is two reads of indexes that are nearly always empty."""
    if app.job_queue is not None:
        every = UNTOLD_CHECK_SECONDS
        app.job_queue.run_repeating(tell_untold, every, every, name="tell-returns")
