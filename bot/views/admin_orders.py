"""The admin's order screens: a page of orders, one order in full, its changes and questions."""

from __future__ import annotations

from bot.callback_data import (
    AdminMenu,
    AdminOrders,
    ApproveOrder,
    AskApproveOrder,
    AskCancelOrder,
    CancelOrder,
    DeliverOrder,
    FlowFullRefund,
    OpenOrder,
    OrderAction,
    RefundOrder,
    ShipOrder,
    button,
)
from bot.money import STARS, format_money
from bot.services.admin_flows import Flow
from bot.services.admin_orders import OrderDetail, OrderPage
from bot.services.errors import RefundTooLarge, StarsRefundIsWhole
from bot.services.order_summary import discount_label
from bot.store.order_states import OrderStatus, status_label
from bot.usecases.admin_orders import OrderChanged
from bot.views.admin import AdminView, Rows, flow_buttons

SHIP_PROMPT = "Shipping order #{order_id}. Send the tracking number, or ship without one."
SHIP_WITHOUT = "🚚 Ship without tracking"
ASK_CANCEL = (
    "Cancel order #{order_id}? Held or sold stock goes back, and a paid order is refunded in full."
)
ASK_APPROVE = (
    "Approve the payment of order #{order_id}? Check the payment at the provider first: "
    "the order can then be shipped, and its digital items are sent."
)


def order_list(listing: OrderPage) -> AdminView:
    status = listing.status
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
    return AdminView("\n".join(lines), rows)


def _address(address: dict[str, object] | None) -> str:
    if not address:
        return "none"
    parts = [address.get(k) for k in ("street_line1", "street_line2", "city", "state", "post_code")]
    place = ", ".join(str(p) for p in parts if p)
    return f"{place}, {address.get('country_code', '')}".strip(", ")


def order_screen(detail: OrderDetail) -> AdminView:
    """One order in full, with the buttons of the moves it can make now."""
    s = detail.summary
    lines = [
        f"Order #{s.order_id} · {s.status_label}",
        f"Shopper: {detail.customer}",
        f"Created: {s.created_at:%Y-%m-%d %H:%M} UTC"
        + (f" · paid {s.paid_at:%Y-%m-%d %H:%M}" if s.paid_at else ""),
        "",
        *[
            f"{line.quantity} × {line.sku} {line.title} — {s.money(line.line_total)}"
            + (
                f" (−{s.money(line.discount)}: {s.money(line.line_total - line.discount)})"
                if line.discount
                else ""
            )
            for line in s.lines
        ],
        f"Items {s.money(s.items_total)} · shipping {s.money(s.shipping_total)}"
        + (
            f" · {discount_label(s.promo_code).lower()} −{s.money(s.discount_total)}"
            if s.discount_total
            else ""
        )
        + (f" · tip {s.money(s.tip_amount)}" if s.tip_amount else ""),
        f"Total: {s.money(s.total)}"
        + (f" · refunded {s.money(s.refunded_amount)}" if s.refunded_amount else ""),
        "",
        f"Shipping: {s.shipping_option or ('none' if not s.needs_shipping else 'not chosen')}"
        f" · address: {_address(detail.shipping_address)}",
    ]
    if s.note:
        lines.append(f"📝 Note from the shopper: {s.note}")
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
    if detail.refundable:
        actions.append(button("↩️ Refund", RefundOrder(s.order_id)))
    rows: Rows = [actions[i : i + 2] for i in range(0, len(actions), 2)]
    rows.append([button("⬅️ Orders", AdminOrders("all", 0))])
    return AdminView("\n".join(lines), rows)


def changed(result: OrderChanged) -> str:
    """What the change did, in a line for the admin who made it."""
    change = result.change
    text = f"Order #{change.order_id}: {status_label(result.detail.summary.status)}."
    if result.action == "order.approve":
        text += " Payment approved."
    if result.delivered is True:
        text += " Digital items sent."
    elif result.delivered is False:
        text += " ⚠️ Some digital items could not be sent (admins were alerted)."
    if change.refund is not None:
        text += f" Refunded {format_money(change.refund.amount, change.refund.currency)}."
    if change.refund_error:
        text += f"\n⚠️ The refund failed and the order is flagged for review: {change.refund_error}"
    text += (
        " The shopper was notified."
        if result.shopper_told
        else " The shopper could not be reached."
    )
    return text


def ask_first(order_id: int, question: str, yes_label: str, yes: type[OrderAction]) -> AdminView:
    """A yes/back question before an order action that cannot be undone."""
    back = button("⬅️ Back", OpenOrder(order_id))
    return AdminView(question.format(order_id=order_id), [[button(yes_label, yes(order_id)), back]])


def ask_cancel(order_id: int) -> AdminView:
    return ask_first(order_id, ASK_CANCEL, "✖️ Yes, cancel it", CancelOrder)


def ask_approve(order_id: int) -> AdminView:
    return ask_first(order_id, ASK_APPROVE, "✅ Yes, approve", ApproveOrder)


def ask_tracking(flow: Flow, problem: str = "") -> AdminView:
    text = problem or SHIP_PROMPT.format(order_id=flow["order_id"])
    return AdminView(text, flow_buttons(flow, skip=SHIP_WITHOUT))


def ask_refund_amount(flow: Flow, problem: Exception | str | None = None) -> AdminView:
    """The refund flow's question: how much (up to what is left), or refund it all."""
    most = format_money(int(flow["refundable"]), str(flow["currency"]))
    rows: Rows = [[button(f"↩️ Full refund ({most})", FlowFullRefund(flow["id"]))]]
    rows += flow_buttons(flow)
    if flow["currency"] == STARS:  # refundStarPayment returns the whole payment, nothing less
        text = f"Order #{flow['order_id']} was paid in Telegram Stars: it can be refunded in full."
    else:
        text = (
            f"Send the amount to refund for order #{flow['order_id']} (up to {most}), "
            "or a SKU (and how many) to refund a line at what it cost after its share of "
            "the discount, or refund it all."
        )
    if problem:
        text = f"{refund_refusal(problem)}\n\n{text}"
    return AdminView(text, rows)


def refund_refusal(problem: Exception | str) -> str:
    """Why an amount the admin typed cannot be refunded, in the refund flow's words."""
    if isinstance(problem, StarsRefundIsWhole):
        return "Telegram Stars payments are refunded in full only."
    if isinstance(problem, RefundTooLarge):
        most = format_money(problem.refundable, problem.currency)
        return f"That is more than the {most} that can be refunded."
    return str(problem)


def confirm_refund(flow: Flow, amount: int | None) -> AdminView:
    shown = format_money(
        amount if amount is not None else int(flow["refundable"]), str(flow["currency"])
    )
    return AdminView(
        f"Refund {shown} of order #{flow['order_id']}?",
        flow_buttons(flow, confirm=f"↩️ Refund {shown}"),
    )
