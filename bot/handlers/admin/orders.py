"""/orders_admin: recent orders by status, one order in full, and its lifecycle buttons.

Ship (optional tracking number), Delivered (🏬 Ready for pickup and ✅ Picked up for an
order collected at a pickup point), Cancel (confirmed first), Refund (full or an
amount), Approve payment (a paid order flagged for review, confirmed first) and Review
resolved (the flag of any other order, confirmed first) run the admin's order use cases
(bot.usecases.admin_orders); the views are in bot.views.admin_orders.
🧾 Invoice sends the order's invoice (bot.usecases.invoices), the number the shopper's gives.
Add note asks for an admins-only note on the order and shows the order again with it.
✏️ Tracking number (a shipped order) asks for the right number and tells the shopper.
Each button carries the order list the order was opened from (FromOrderList), and a step
keeps it (`list_kept`), so the order screen shown after the action leads back to that page.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Literal

from telegram import Update

from bot import i18n
from bot.callback_data import (
    ALL_ORDERS,
    AddOrderNote,
    AdminOrders,
    ApproveOrder,
    AskApproveOrder,
    AskCancelOrder,
    AskResolveReview,
    CancelOrder,
    DeliverOrder,
    EditTracking,
    FlowAction,
    FlowCardBack,
    FlowFullRefund,
    FlowSkip,
    OpenOrder,
    OrderInvoice,
    PickedUp,
    ReadyForPickup,
    RefundOrder,
    ResolveReview,
    ShipOrder,
)
from bot.context import ShopContext
from bot.handlers.admin.common import (
    actor,
    chat_id,
    list_kept,
    listing_kept,
    message_text,
    save_flow,
)
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.services.admin_catalog import REFUND_WORDS, AdminInputError, parse_positive_amount
from bot.services.admin_flows import Flow, new_flow
from bot.services.admin_orders import order_number, parse_status
from bot.services.errors import (
    CustomerNotFound,
    LineNotInOrder,
    OrderError,
    OrderNotFound,
    ShopError,
)
from bot.services.tracking import BadTracking, clean_tracking
from bot.texts import invoices as invoice_texts
from bot.usecases import admin_orders, invoices
from bot.usecases.admin_orders import BadNote, OrderChanged
from bot.views import admin_orders as views
from bot.views import invoice_pdf
from bot.views.admin import AdminView, reply, show
from bot.views.replies import answer_button

SKIP_WORDS = ("/skip", "skip")


# ----------------------------------------------------------------------------- list, one order


async def orders_command(update: Update, context: ShopContext) -> None:
    """`/orders_admin [status]` lists orders; `/orders_admin #12` opens order #12."""
    first = context.args[0] if context.args else None
    if (order_id := order_number(first)) is not None:
        await show_order(update, context, order_id)
        return
    try:
        status = parse_status(first)
    except ValueError as exc:
        await reply(update, str(exc))
        return
    await show_orders(update, context, status)


async def show_orders(
    update: Update,
    context: ShopContext,
    status: str | None = None,
    page: int = 0,
    customer_id: int = 0,
) -> None:
    listing = await admin_orders.order_page(context.shop, status, page, customer_id)
    await show(update, views.order_list(listing, context.shop.settings.zone))


async def on_list(update: Update, context: ShopContext, data: AdminOrders) -> None:
    try:
        status = parse_status(data.status)
    except ValueError:
        await answer_button(update, i18n.current()._("This button has expired."))
        return
    try:
        await show_orders(update, context, status, data.page, data.customer_id)
    except CustomerNotFound as exc:
        await answer_button(update, exc.said(i18n.current()))
        return
    await answer_button(update)


async def on_open(update: Update, context: ShopContext, data: OpenOrder) -> None:
    await answer_button(update)
    await show_order(update, context, data.order_id, data.listing)


async def show_order(
    update: Update, context: ShopContext, order_id: int, listing: AdminOrders = ALL_ORDERS
) -> None:
    """The order's screen; its ⬅️ Orders goes back to `listing` (the page it was opened from)."""
    try:
        detail = await admin_orders.order_detail(context.shop, order_id)
    except OrderError as exc:
        await reply(update, exc.said(i18n.current()))
        return
    await show(update, views.order_screen(detail, context.shop.settings, listing))


# ----------------------------------------------------------------------------- changes


async def present_change(
    update: Update, context: ShopContext, change: Awaitable[OrderChanged], listing: AdminOrders
) -> None:
    """Run an order change; say what it did and show the order as it is now (its ⬅️ Orders
    back to `listing`, the page it was opened from), or why not."""
    try:
        done = await change
    except OrderError as exc:
        await reply(update, exc.said(i18n.current()))
        return
    await reply(update, views.changed(done))
    await show(update, views.order_screen(done.detail, context.shop.settings, listing))


async def on_deliver(update: Update, context: ShopContext, data: DeliverOrder) -> None:
    await answer_button(update)
    delivered = admin_orders.deliver(context.shop, actor(update), data.order_id)
    await present_change(update, context, delivered, data.listing)


async def on_ready_for_pickup(update: Update, context: ShopContext, data: ReadyForPickup) -> None:
    await answer_button(update)
    ready = admin_orders.ready_for_pickup(context.shop, actor(update), data.order_id)
    await present_change(update, context, ready, data.listing)


async def on_picked_up(update: Update, context: ShopContext, data: PickedUp) -> None:
    await answer_button(update)
    picked_up = admin_orders.picked_up(context.shop, actor(update), data.order_id)
    await present_change(update, context, picked_up, data.listing)


async def refuse_stale(
    update: Update, context: ShopContext, order_id: int, why: OrderError, listing: AdminOrders
) -> None:
    """A button the order has outgrown (an older screen's, or forged): say why at once, and
    put the order as it is now in place of the screen the button was on."""
    text = why.said(i18n.current())
    await answer_button(update, text)
    await reply(update, text)
    if isinstance(why, OrderNotFound):
        return
    try:
        detail = await admin_orders.order_detail(context.shop, order_id)
    except OrderError:
        return
    await show(update, views.order_screen(detail, context.shop.settings, listing))


async def _ask_before(
    update: Update,
    context: ShopContext,
    order_id: int,
    move: Literal["cancel", "approve", "resolve"],
    question: AdminView,
    listing: AdminOrders,
) -> None:
    """The question before an order move that cannot be undone, asked only if the move can
    be made now (else why not, at once, and the order as it is)."""
    try:
        await admin_orders.offer(context.shop, order_id, move)
    except OrderError as exc:
        await refuse_stale(update, context, order_id, exc, listing)
        return
    await answer_button(update)
    await reply(update, question)


async def on_cancel_ask(update: Update, context: ShopContext, data: AskCancelOrder) -> None:
    question = views.ask_cancel(data.order_id, data.listing)
    await _ask_before(update, context, data.order_id, "cancel", question, data.listing)


async def on_cancel(update: Update, context: ShopContext, data: CancelOrder) -> None:
    await answer_button(update)
    cancelled = admin_orders.cancel(context.shop, actor(update), data.order_id)
    await present_change(update, context, cancelled, data.listing)


async def on_approve_ask(update: Update, context: ShopContext, data: AskApproveOrder) -> None:
    question = views.ask_approve(data.order_id, data.listing)
    await _ask_before(update, context, data.order_id, "approve", question, data.listing)


async def on_approve(update: Update, context: ShopContext, data: ApproveOrder) -> None:
    await answer_button(update)
    approved = admin_orders.approve(context.shop, actor(update), data.order_id)
    await present_change(update, context, approved, data.listing)


async def on_resolve_ask(update: Update, context: ShopContext, data: AskResolveReview) -> None:
    question = views.ask_resolve(data.order_id, data.listing)
    await _ask_before(update, context, data.order_id, "resolve", question, data.listing)


async def on_resolve(update: Update, context: ShopContext, data: ResolveReview) -> None:
    try:
        done = await admin_orders.resolve_review(context.shop, actor(update), data.order_id)
    except OrderError as exc:
        await refuse_stale(update, context, data.order_id, exc, data.listing)
        return
    await answer_button(update)
    await reply(update, views.review_resolved(done))
    await show(update, views.order_screen(done.detail, context.shop.settings, data.listing))


# ----------------------------------------------------------------------------- ship flow


async def on_ship(update: Update, context: ShopContext, data: ShipOrder) -> None:
    try:
        await admin_orders.offer(context.shop, data.order_id, "ship")
    except OrderError as exc:
        await refuse_stale(update, context, data.order_id, exc, data.listing)
        return
    await answer_button(update)
    flow = new_flow("ship", order_id=data.order_id, **list_kept(data))
    await save_flow(update, context, flow)
    await reply(update, views.ask_tracking(flow))


async def ship(update: Update, context: ShopContext, flow: Flow, tracking: str | None) -> None:
    try:
        number = None if tracking is None else clean_tracking(tracking)
    except BadTracking as exc:
        await reply(update, views.ask_tracking(flow, exc.said(i18n.current())))
        return
    order_id = int(flow["order_id"])
    shipped = admin_orders.ship(context.shop, actor(update), order_id, number, chat_id(update))
    await present_change(update, context, shipped, listing_kept(flow))  # the step ends with it


async def ship_input(update: Update, context: ShopContext, flow: Flow) -> None:
    text = message_text(update).strip()
    await ship(update, context, flow, None if text.lower() in SKIP_WORDS else text)


async def ship_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    if isinstance(data, FlowSkip):
        await ship(update, context, flow, None)


async def ship_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    await ship(update, context, flow, None)


# ----------------------------------------------------------------------------- tracking flow


async def on_edit_tracking(update: Update, context: ShopContext, data: EditTracking) -> None:
    try:
        detail = await admin_orders.offer(context.shop, data.order_id, "tracking")
    except OrderError as exc:
        await refuse_stale(update, context, data.order_id, exc, data.listing)
        return
    await answer_button(update)
    number = detail.summary.tracking_number
    flow = new_flow("tracking", order_id=data.order_id, number=number, **list_kept(data))
    await save_flow(update, context, flow)
    await reply(update, views.ask_new_tracking(flow))


async def tracking_input(update: Update, context: ShopContext, flow: Flow) -> None:
    """The right number ("-": none): refused with why (the step stays open), or saved, the
    shopper told, and the order shown again. The step ends with the change, as Ship's."""
    text = message_text(update)
    if text.strip().lower() in SKIP_WORDS:  # Ship's "no number" word means nothing here
        await reply(update, views.ask_new_tracking(flow))
        return
    try:
        number = admin_orders.read_tracking(text)
    except BadTracking as exc:
        await reply(update, views.ask_new_tracking(flow, exc.said(i18n.current())))
        return
    order_id = int(flow["order_id"])
    try:
        done = await admin_orders.change_tracking(
            context.shop, actor(update), order_id, number, chat_id(update)
        )
    except OrderError as exc:  # gone, or delivered (cancelled, refunded) while she typed
        await refuse_stale(update, context, order_id, exc, listing_kept(flow))
        return
    await reply(update, views.tracking_changed(done))
    await show(update, views.order_screen(done.detail, context.shop.settings, listing_kept(flow)))


async def tracking_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    await reply(update, views.ask_new_tracking(flow))


# ----------------------------------------------------------------------------- refund flow


async def on_refund(update: Update, context: ShopContext, data: RefundOrder) -> None:
    try:
        offer = await admin_orders.refund_offer(context.shop, data.order_id)
    except OrderError as exc:
        await refuse_stale(update, context, data.order_id, exc, data.listing)
        return
    await answer_button(update)
    flow = new_flow(
        "refund",
        order_id=offer.order_id,
        step="amount",
        refundable=offer.refundable,
        currency=offer.currency,
        status=offer.status,
        partial=offer.partial,
        card_back=offer.card_back,
        card=offer.card,
        card_only=offer.card_only,
        **list_kept(data),
    )
    await save_flow(update, context, flow)
    await reply(update, views.ask_refund_amount(flow))


async def refund_input(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") == "preview":
        await reply(update, i18n.current()._("Press Refund to confirm, or Cancel."))
        return
    try:
        text = message_text(
            update, missing=i18n.current()._("I need the amount as text, e.g. 5.00.")
        )
        amount, lines = await _refund_amount(context, flow, text)
        await admin_orders.check_refund(context.shop, int(flow["order_id"]), amount, lines)
    except (AdminInputError, ShopError) as exc:
        await reply(update, views.ask_refund_amount(flow, exc))
        return
    await refund_preview(update, context, flow, amount, lines)


async def _refund_amount(
    context: ShopContext, flow: Flow, text: str
) -> tuple[int, dict[str, int] | None]:
    """An amount ("5.00"), or a line of the order: "SKU" or "SKU 2" (units) at what it cost,
    with the units it gives back."""
    try:
        return parse_positive_amount(text, flow["currency"], REFUND_WORDS), None
    except AdminInputError as not_an_amount:
        words = text.split()
        if not 1 <= len(words) <= 2 or (len(words) == 2 and not words[1].isdigit()):
            raise
        units = int(words[1]) if len(words) == 2 else None
        try:
            return await admin_orders.line_refund_amount(
                context.shop, int(flow["order_id"]), words[0], units
            )
        except LineNotInOrder:
            raise not_an_amount from None


async def refund_preview(
    update: Update,
    context: ShopContext,
    flow: Flow,
    amount: int | None,
    lines: dict[str, int] | None = None,
) -> None:
    flow.update(step="preview", amount=amount, lines=lines)
    await save_flow(update, context, flow)
    await reply(update, views.confirm_refund(flow, amount))


async def refund_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    if isinstance(data, FlowFullRefund):
        await refund_preview(update, context, flow, None)
    elif isinstance(data, FlowCardBack):
        await save_flow(update, context, None)
        order_id = int(flow["order_id"])
        try:
            done = await admin_orders.give_back_to_card(context.shop, actor(update), order_id)
        except OrderError as exc:
            await reply(update, exc.said(i18n.current()))
            return
        await reply(update, views.card_given_back(done))
        settings = context.shop.settings
        await show(update, views.order_screen(done.detail, settings, listing_kept(flow)))


async def refund_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") != "preview":
        await reply(
            update, views.ask_refund_amount(flow, i18n.current()._("Send the amount first."))
        )
        return
    await save_flow(update, context, None)
    amount = None if flow.get("amount") is None else int(flow["amount"])
    lines = flow.get("lines") or None  # a line's units ("SKU 2"), kept on the refund
    order_id = int(flow["order_id"])
    refunded = admin_orders.refund(context.shop, actor(update), order_id, amount, lines)
    await present_change(update, context, refunded, listing_kept(flow))


# ----------------------------------------------------------------------------- note flow


async def on_invoice(update: Update, context: ShopContext, data: OrderInvoice) -> None:
    """🧾 Invoice: the order's PDF, the number the shopper's press gives or gave."""
    tr = i18n.current()
    try:
        document = await invoices.invoice(context.shop, data.order_id)
    except OrderError as exc:
        await refuse_stale(update, context, data.order_id, exc, data.listing)
        return
    await answer_button(update, tr._(invoice_texts.SENDING, number=document.number))
    zone = context.shop.settings.zone
    if not await invoice_pdf.send(context.bot, chat_id(update), document, zone):
        await reply(update, tr._(invoice_texts.SEND_FAILED))


async def on_add_note(update: Update, context: ShopContext, data: AddOrderNote) -> None:
    try:
        await admin_orders.order_detail(context.shop, data.order_id)
    except OrderError as exc:
        await refuse_stale(update, context, data.order_id, exc, data.listing)
        return
    await answer_button(update)
    flow = new_flow("note", order_id=data.order_id, **list_kept(data))
    await save_flow(update, context, flow)
    await reply(update, views.ask_note(flow))


async def note_input(update: Update, context: ShopContext, flow: Flow) -> None:
    """The note's text: refused with why (the step stays open for another try), or kept and
    the order shown again with it. The step ends in the note's own transaction, as Ship's
    does: a crash can neither lose the note nor take the next message as another."""
    message = update.effective_message
    text = message.text if message is not None else None
    try:
        admin_orders.check_note(text)
    except BadNote as exc:
        await reply(update, views.ask_note(flow, exc.said(i18n.current())))
        return
    order_id = int(flow["order_id"])
    try:
        detail = await admin_orders.add_note(
            context.shop, actor(update), order_id, text, chat_id(update)
        )
    except OrderError as exc:  # the order is gone
        await reply(update, exc.said(i18n.current()))
        return
    await show(update, views.order_screen(detail, context.shop.settings, listing_kept(flow)))


async def note_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    await reply(update, views.ask_note(flow))


register_flow("note", FlowKind(on_input=note_input, on_confirm=note_confirm))
register_flow("tracking", FlowKind(on_input=tracking_input, on_confirm=tracking_confirm))
register_flow("ship", FlowKind(on_input=ship_input, on_confirm=ship_confirm, on_button=ship_button))
register_flow(
    "refund", FlowKind(on_input=refund_input, on_confirm=refund_confirm, on_button=refund_button)
)
