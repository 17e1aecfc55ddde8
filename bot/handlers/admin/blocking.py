"""/block, /unblock, /blocked and the 🚫 Block / ✅ Unblock buttons of a customer's screen
(bot.usecases.blocking). 🚫 Block asks for a reason first (the next message, or Skip)."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import BlockCustomer, BlockedPage, FlowAction, FlowSkip, UnblockCustomer
from bot.context import ShopContext
from bot.handlers.admin.common import actor, save_flow
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.services.admin_flows import Flow, new_flow
from bot.services.blocking import BadBlockReason, check_reason
from bot.services.errors import ShopError
from bot.usecases import admin_customers, blocking
from bot.views import admin_blocking as views
from bot.views.admin import reply, show
from bot.views.admin_customers import customer_screen
from bot.views.replies import answer_button


def _typed(context: ShopContext) -> str:
    return " ".join(context.args or [])


async def block_command(update: Update, context: ShopContext) -> None:
    try:
        done = await blocking.block(context.shop, actor(update), _typed(context))
    except ShopError as exc:
        await reply(update, views.refused(exc, context.shop.settings.zone))
        return
    await reply(update, views.blocked(done))


async def unblock_command(update: Update, context: ShopContext) -> None:
    try:
        done = await blocking.unblock(context.shop, actor(update), _typed(context))
    except ShopError as exc:
        await reply(update, views.refused(exc, context.shop.settings.zone))
        return
    await reply(update, views.unblocked(done))


async def blocked_command(update: Update, context: ShopContext) -> None:
    page = await blocking.blocked_page(context.shop, 0)
    await reply(update, views.blocked_list(page, context.shop.settings.zone))


async def on_page(update: Update, context: ShopContext, data: BlockedPage) -> None:
    await answer_button(update)
    page = await blocking.blocked_page(context.shop, data.page)
    await show(update, views.blocked_list(page, context.shop.settings.zone))


async def _refused(update: Update, context: ShopContext, why: ShopError) -> None:
    """A stale or forged button (she is gone, blocked already): said as a toast and in the
    chat."""
    text = views.refused(why, context.shop.settings.zone)
    await answer_button(update, text)
    await reply(update, text)


async def on_block(update: Update, context: ShopContext, data: BlockCustomer) -> None:
    """🚫 Block: asks for the reason first; nothing is blocked until it (or Skip) comes."""
    try:
        who = await blocking.blockable(context.shop, data.customer_id)
    except ShopError as exc:
        await _refused(update, context, exc)
        return
    await answer_button(update)
    flow = new_flow("block", customer_id=data.customer_id, who=who)
    await save_flow(update, context, flow)
    await reply(update, views.ask_reason(flow, who))


async def on_unblock(update: Update, context: ShopContext, data: UnblockCustomer) -> None:
    try:
        done = await blocking.unblock_customer(context.shop, actor(update), data.customer_id)
    except ShopError as exc:
        await _refused(update, context, exc)
        return
    await answer_button(update)
    await reply(update, views.unblocked(done))
    await _her_screen(update, context, done.customer_id)


async def _block_with(update: Update, context: ShopContext, flow: Flow, text: str | None) -> None:
    try:
        reason = check_reason(text)
    except BadBlockReason as exc:
        problem = exc.said(i18n.current())
        await reply(update, views.ask_reason(flow, str(flow.get("who", "")), problem))
        return
    await save_flow(update, context, None)
    customer_id = int(flow["customer_id"])
    try:
        done = await blocking.block_customer(context.shop, actor(update), customer_id, reason)
    except ShopError as exc:
        await reply(update, views.refused(exc, context.shop.settings.zone))
        return
    await reply(update, views.blocked(done))
    await _her_screen(update, context, customer_id)


async def _her_screen(update: Update, context: ShopContext, customer_id: int) -> None:
    card = await admin_customers.card_of(context.shop, customer_id)
    await reply(update, customer_screen(card, context.shop.settings.zone))


async def reason_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    text = message.text if message is not None else None
    if text is None:  # a photo, a sticker: not a reason
        await reply(update, views.ask_reason(flow, str(flow.get("who", ""))))
        return
    await _block_with(update, context, flow, text)


async def reason_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    if isinstance(data, FlowSkip):
        await _block_with(update, context, flow, None)


async def reason_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    await reply(update, views.ask_reason(flow, str(flow.get("who", ""))))


register_flow(
    "block",
    FlowKind(on_input=reason_input, on_confirm=reason_confirm, on_button=reason_button),
)
