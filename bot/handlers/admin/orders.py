"""/orders_admin: recent orders by status, one order in full, and its lifecycle buttons.

Ship (optional tracking number), Delivered, Cancel (confirmed first), Refund (full or an
amount) and Approve payment (an order flagged for review, confirmed first) call the order use
cases in bot.services.orders; each change is audited and the shopper is told.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.callback_data import (
    AdminMenu,
    AdminOrders,
    ApproveOrder,
    AskApproveOrder,
    AskCancelOrder,
    CancelOrder,
    DeliverOrder,
    FlowAction,
    FlowFullRefund,
    FlowSkip,
    OpenOrder,
    OrderAction,
    RefundOrder,
    ShipOrder,
    button,
)
from bot.context import ShopContext
from bot.handlers.admin.common import Rows, actor, flow_buttons, reply, save_flow, show
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.handlers.admin.guard import admin_only
from bot.money import STARS, format_money
from bot.services import admin_orders, downloads
from bot.services.admin_catalog import AdminInputError, parse_price
from bot.services.admin_flows import Flow, new_flow
from bot.services.orders import (
    OrderChange,
    OrderError,
    approve_order,
    cancel_order,
    deliver_order,
    notify_shopper,
    refund_order,
    ship_order,
    status_label,
)
from bot.store.order_states import IllegalOrderTransition, OrderStatus

log = logging.getLogger(__name__)
MAX_TRACKING = 128


# ----------------------------------------------------------------------------- list


@admin_only("/orders_admin")
async def orders_command(update: Update, context: ShopContext) -> None:
    args = context.args or []
    try:
        status = admin_orders.parse_status(args[0] if args else None)
    except ValueError as exc:
        await reply(update, str(exc))
        return
    await order_list(update, context, status, 0)


async def order_list(update: Update, context: ShopContext, status: str | None, page: int) -> None:
    async with context.shop.store.uow() as uow:
        listing = await admin_orders.order_page(uow, status, page)
    title = status_label(status) if status else "All orders"
    lines = [f"🧾 {title}: {listing.count}, page {listing.page + 1}/{listing.pages}"]
    if not listing.rows:
        lines.append("(no orders)")
    rows: Rows = []
    for row in listing.rows:
        flag = " ⚠️" if row.needs_review else ""
        money = format_money(row.total, row.currency)
        lines.append(
            f"#{row.order_id} · {status_label(row.status)} · {money} · {row.customer} · "
            f"{row.created_at:%Y-%m-%d}{flag}"
        )
        rows.append([button(f"#{row.order_id} · {money}{flag}", OpenOrder(row.order_id))])
    code = status or "all"
    nav = []
    if listing.page > 0:
        nav.append(button("◀️ Previous", AdminOrders(code, listing.page - 1)))
    if listing.page < listing.pages - 1:
        nav.append(button("Next ▶️", AdminOrders(code, listing.page + 1)))
    if nav:
        rows.append(nav)
    filters = [button("All" + (" •" if status is None else ""), AdminOrders("all", 0))] + [
        button(
            s.value.replace("_", " ").capitalize() + (" •" if s == status else ""),
            AdminOrders(s, 0),
        )
        for s in OrderStatus
    ]
    rows += [filters[i : i + 3] for i in range(0, len(filters), 3)]
    rows.append([button("⬅️ Admin menu", AdminMenu("menu"))])
    await show(update, "\n".join(lines), rows)


async def on_list(update: Update, context: ShopContext, data: AdminOrders) -> None:
    assert update.callback_query is not None
    try:
        status = admin_orders.parse_status(data.status)
    except ValueError:
        await update.callback_query.answer("This button has expired.")
        return
    await update.callback_query.answer()
    await order_list(update, context, status, data.page)


# ----------------------------------------------------------------------------- one order


def _address(address: dict[str, object] | None) -> str:
    if not address:
        return "none"
    parts = [address.get(k) for k in ("street_line1", "street_line2", "city", "state", "post_code")]
    place = ", ".join(str(p) for p in parts if p)
    return f"{place}, {address.get('country_code', '')}".strip(", ")


async def open_order(update: Update, context: ShopContext, order_id: int) -> None:
    try:
        async with context.shop.store.uow() as uow:
            detail = await admin_orders.order_detail(uow, order_id)
    except OrderError as exc:
        await reply(update, str(exc))
        return
    s = detail.summary
    lines = [
        f"Order #{s.order_id} · {s.status_label}",
        f"Shopper: {detail.customer}",
        f"Created: {s.created_at:%Y-%m-%d %H:%M} UTC"
        + (f" · paid {s.paid_at:%Y-%m-%d %H:%M}" if s.paid_at else ""),
        "",
        *[
            f"{line.quantity} × {line.sku} {line.title} — {s.money(line.line_total)}"
            for line in s.lines
        ],
        f"Items {s.money(s.items_total)} · shipping {s.money(s.shipping_total)}"
        + (f" · discount −{s.money(s.discount_total)}" if s.discount_total else ""),
        f"Total: {s.money(s.total)}"
        + (f" · refunded {s.money(s.refunded_amount)}" if s.refunded_amount else ""),
        "",
        f"Shipping: {s.shipping_option or ('none' if not s.needs_shipping else 'not chosen')}"
        f" · address: {_address(detail.shipping_address)}",
    ]
    if s.tracking_number:
        lines.append(f"Tracking: {s.tracking_number}")
    if s.needs_review:
        lines.append(f"⚠️ Needs review: {detail.review_reason or 'check the payment'}")
    lines.append("\nPayments:")
    lines += [
        f"• {p.provider} {format_money(p.amount, p.currency)} · {p.charge_id} · {p.verification}"
        for p in detail.payments
    ] or ["(none)"]
    lines.append("\nHistory:")
    lines += [
        f"• {e.at:%Y-%m-%d %H:%M} {e.from_status or 'new'} → {e.to_status} by {e.actor}"
        + (f" ({e.note})" if e.note else "")
        for e in detail.events
    ]
    actions = []
    if s.needs_review:
        actions.append(button("✅ Approve payment", AskApproveOrder(s.order_id)))
    if "ship" in detail.triggers:
        actions.append(button("🚚 Ship", ShipOrder(s.order_id)))
    if "deliver" in detail.triggers:
        actions.append(button("📦 Delivered", DeliverOrder(s.order_id)))
    if "cancel" in detail.triggers:
        actions.append(button("✖️ Cancel", AskCancelOrder(s.order_id)))
    if detail.refundable and ("refund" in detail.triggers or "refund_part" in detail.triggers):
        actions.append(button("↩️ Refund", RefundOrder(s.order_id)))
    rows: Rows = [actions[i : i + 2] for i in range(0, len(actions), 2)]
    rows.append([button("⬅️ Orders", AdminOrders("all", 0))])
    await show(update, "\n".join(lines), rows)


async def on_open(update: Update, context: ShopContext, data: OpenOrder) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await open_order(update, context, data.order_id)


# ----------------------------------------------------------------------------- changes


async def apply_change(
    update: Update,
    context: ShopContext,
    action: str,
    order_id: int,
    use_case: Callable[[], Awaitable[OrderChange]],
) -> bool:
    """Run one lifecycle use case, audit it, tell the shopper and show the order again."""
    shop = context.shop
    try:
        change = await use_case()
    except (OrderError, IllegalOrderTransition) as exc:
        await admin_orders.record_failure(shop.store, actor(update), action, order_id, str(exc))
        await reply(update, f"Order #{order_id} was not changed: {exc}")
        return False
    await admin_orders.record_change(shop.store, actor(update), action, change)
    told = await notify_shopper(context.bot, change)
    status = change.new_status
    sent_note = ""
    plan = change.delivery
    if plan is not None and plan.downloads:  # after the shopper's message, as after a payment
        sent = await downloads.deliver(context.bot, shop, change.customer_telegram_id, plan)
        if sent and plan.completes_order:
            status = OrderStatus.DELIVERED
        sent_note = (
            " Digital items sent."
            if sent
            else " ⚠️ Some digital items could not be sent (admins were alerted)."
        )
    text = f"Order #{change.order_id}: {status_label(status)}."
    if action == "order.approve":
        text += " Payment approved."
    text += sent_note
    if change.refund is not None:
        text += f" Refunded {format_money(change.refund.amount, change.refund.currency)}."
    if change.refund_error:
        text += f"\n⚠️ The refund failed and the order is flagged for review: {change.refund_error}"
    text += " The shopper was notified." if told else " The shopper could not be reached."
    await reply(update, text)
    await open_order(update, context, order_id)
    return True


def _actor_name(update: Update) -> str:
    return f"admin:{actor(update)}"


async def on_ship(update: Update, context: ShopContext, data: ShipOrder) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    order_id = data.order_id
    flow = new_flow("ship", order_id=order_id)
    await save_flow(update, context, flow)
    await reply(
        update,
        f"Shipping order #{order_id}. Send the tracking number, or ship without one.",
        flow_buttons(flow, skip="🚚 Ship without tracking"),
    )


async def _ship(update: Update, context: ShopContext, flow: Flow, tracking: str | None) -> None:
    await save_flow(update, context, None)
    order_id = int(flow["order_id"])
    await apply_change(
        update,
        context,
        "order.ship",
        order_id,
        lambda: ship_order(context.shop, order_id, actor=_actor_name(update), tracking=tracking),
    )


async def ship_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    assert message is not None
    text = (message.text or "").strip()
    if text.lower() in ("/skip", "skip"):
        await _ship(update, context, flow, None)
        return
    if not text or len(text) > MAX_TRACKING or "\n" in text:
        await reply(
            update,
            f"A tracking number is one line of text (up to {MAX_TRACKING} characters). "
            "Send it, or ship without one.",
            flow_buttons(flow, skip="🚚 Ship without tracking"),
        )
        return
    await _ship(update, context, flow, text)


async def ship_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    if isinstance(data, FlowSkip):
        await _ship(update, context, flow, None)


async def on_deliver(update: Update, context: ShopContext, data: DeliverOrder) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    order_id = data.order_id
    await apply_change(
        update,
        context,
        "order.deliver",
        order_id,
        lambda: deliver_order(context.shop, order_id, actor=_actor_name(update)),
    )


async def _ask_first(
    update: Update, data: OrderAction, question: str, yes_label: str, yes: type[OrderAction]
) -> None:
    """A yes/back question before an order action that cannot be undone."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    order_id = data.order_id
    await reply(
        update,
        question.format(order_id=order_id),
        [[button(yes_label, yes(order_id)), button("⬅️ Back", OpenOrder(order_id))]],
    )


async def on_cancel_ask(update: Update, context: ShopContext, data: AskCancelOrder) -> None:
    await _ask_first(
        update,
        data,
        "Cancel order #{order_id}? Held or sold stock goes back, and a paid order is refunded "
        "in full.",
        "✖️ Yes, cancel it",
        CancelOrder,
    )


async def on_cancel(update: Update, context: ShopContext, data: CancelOrder) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    order_id = data.order_id
    await apply_change(
        update,
        context,
        "order.cancel",
        order_id,
        lambda: cancel_order(
            context.shop, order_id, actor=_actor_name(update), reason=None, bot=context.bot
        ),
    )


async def on_approve_ask(update: Update, context: ShopContext, data: AskApproveOrder) -> None:
    await _ask_first(
        update,
        data,
        "Approve the payment of order #{order_id}? Check the payment at the provider first: "
        "the order can then be shipped, and its digital items are sent.",
        "✅ Yes, approve",
        ApproveOrder,
    )


async def on_approve(update: Update, context: ShopContext, data: ApproveOrder) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    order_id = data.order_id
    await apply_change(
        update,
        context,
        "order.approve",
        order_id,
        lambda: approve_order(context.shop, order_id, actor=_actor_name(update)),
    )


# ----------------------------------------------------------------------------- refunds


async def on_refund(update: Update, context: ShopContext, data: RefundOrder) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    order_id = data.order_id
    try:
        async with context.shop.store.uow() as uow:
            detail = await admin_orders.order_detail(uow, order_id)
    except OrderError as exc:
        await reply(update, str(exc))
        return
    currency = detail.summary.currency
    flow = new_flow(
        "refund",
        order_id=order_id,
        step="amount",
        refundable=detail.refundable,
        currency=currency,
    )
    await save_flow(update, context, flow)
    await _ask_amount(update, flow)


async def _ask_amount(update: Update, flow: Flow, problem: str = "") -> None:
    most = format_money(int(flow["refundable"]), str(flow["currency"]))
    rows: Rows = [[button(f"↩️ Full refund ({most})", FlowFullRefund(flow["id"]))]]
    rows += flow_buttons(flow)
    if flow["currency"] == STARS:  # refundStarPayment returns the whole payment, nothing less
        text = f"Order #{flow['order_id']} was paid in Telegram Stars: it can be refunded in full."
    else:
        text = (
            f"Send the amount to refund for order #{flow['order_id']} (up to {most}), "
            "or refund it all."
        )
    await reply(update, f"{problem}\n\n{text}" if problem else text, rows)


async def refund_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    assert message is not None
    if flow.get("step") == "preview":
        await reply(update, "Press Refund to confirm, or Cancel.")
        return
    if flow["currency"] == STARS:
        await _ask_amount(update, flow, "Telegram Stars payments are refunded in full only.")
        return
    if message.text is None:
        await _ask_amount(update, flow, "I need the amount as text, e.g. 5.00.")
        return
    try:
        amount = parse_price(message.text, str(flow["currency"]))
    except AdminInputError as exc:
        await _ask_amount(update, flow, str(exc))
        return
    if amount > int(flow["refundable"]):
        most = format_money(int(flow["refundable"]), str(flow["currency"]))
        await _ask_amount(update, flow, f"That is more than the {most} that can be refunded.")
        return
    await _refund_preview(update, context, flow, amount)


async def _refund_preview(
    update: Update, context: ShopContext, flow: Flow, amount: int | None
) -> None:
    flow.update(step="preview", amount=amount)
    await save_flow(update, context, flow)
    shown = format_money(
        amount if amount is not None else int(flow["refundable"]), flow["currency"]
    )
    await reply(
        update,
        f"Refund {shown} of order #{flow['order_id']}?",
        flow_buttons(flow, confirm=f"↩️ Refund {shown}"),
    )


async def refund_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    if isinstance(data, FlowFullRefund):
        await _refund_preview(update, context, flow, None)


async def refund_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") != "preview":
        await _ask_amount(update, flow, "Send the amount first.")
        return
    await save_flow(update, context, None)
    order_id = int(flow["order_id"])
    amount = flow.get("amount")
    await apply_change(
        update,
        context,
        "order.refund",
        order_id,
        lambda: refund_order(
            context.shop,
            order_id,
            amount=None if amount is None else int(amount),
            actor=_actor_name(update),
            bot=context.bot,
        ),
    )


async def _ship_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    await _ship(update, context, flow, None)


register_flow(
    "ship", FlowKind(on_input=ship_input, on_confirm=_ship_confirm, on_button=ship_button)
)
register_flow(
    "refund", FlowKind(on_input=refund_input, on_confirm=refund_confirm, on_button=refund_button)
)
