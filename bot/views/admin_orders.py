"""The admin's order screens: a page of orders, one order in full, its changes and questions."""

from __future__ import annotations

from datetime import tzinfo
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton

from bot import i18n
from bot.callback_data import (
    ALL_ORDERS,
    AddOrderNote,
    AdminMenu,
    AdminOrders,
    ApproveOrder,
    AskApproveOrder,
    AskCancelOrder,
    AskResolveReview,
    CancelOrder,
    DeliverOrder,
    EditTracking,
    FlowCardBack,
    FlowFullRefund,
    OpenOrder,
    OrderAction,
    OrderInvoice,
    PickedUp,
    ReadyForPickup,
    RefundOrder,
    ResolveReview,
    ShipOrder,
    ShowCustomer,
    button,
    listed,
    opened_from,
)
from bot.clipping import clip, telegram_length, titles_fitting
from bot.config import Settings
from bot.i18n import N_, Translator
from bot.money import STARS
from bot.services.admin_flows import Flow
from bot.services.admin_orders import NoteView, OrderDetail, OrderPage, OrderRow, PaymentView
from bot.services.errors import RefundTooLarge, ShopError, StarsRefundIsWhole
from bot.services.invoices import may_have_invoice
from bot.services.order_summary import (
    address_text,
    delivery_method,
    delivery_time,
    discount_label,
    gift_card_line,
    tax_lines,
)
from bot.store.order_states import (
    APPROVABLE,
    PARTLY_REFUNDED,
    OrderStatus,
    status_label,
)
from bot.texts import returns as return_texts
from bot.texts.invoices import BUTTON as INVOICE_BUTTON
from bot.texts.support import CUSTOMER as CUSTOMER_BUTTON
from bot.usecases.admin_orders import (
    MAX_NOTE,
    CardGivenBack,
    OrderChanged,
    ReviewResolved,
    TrackingChanged,
)
from bot.views.admin import TEXT_LIMIT, AdminView, Rows, flow_buttons

SHIP_PROMPT = N_("Shipping order #{order_id}. Send the tracking number, or ship without one.")
SHIP_WITHOUT = N_("🚚 Ship without tracking")
SHIP_AGAIN = N_("Send it, or ship without one.")
TRACKING_PROMPT = N_(
    "Order #{order_id} has the tracking number {number}. Send the right one, - to remove it, "
    "or /cancel."
)
TRACKING_PROMPT_NONE = N_("Order #{order_id} has no tracking number. Send one, or /cancel.")
TRACKING_AGAIN = N_("Send the tracking number, - to remove it, or /cancel.")
NOTE_PROMPT = N_(
    "A note on order #{order_id}, for the shop's team only (the shopper never sees it), up to "
    "{most} characters. Send the note, or /cancel."
)
NOTE_AGAIN = N_("Send the note, or /cancel.")
ASK_CANCEL = N_(
    "Cancel order #{order_id}? Held or sold stock goes back, and a paid order is refunded in full."
)
ASK_APPROVE = N_(
    "Approve the payment of order #{order_id}? Check the payment at the provider first: "
    "the order can then be shipped, and its digital items are sent."
)
ASK_RESOLVE = N_(
    "Mark the review of order #{order_id} as resolved? Do it once you have sorted out by hand "
    "what it was flagged for: the ⚠️ flag goes and its reason stays in the order's history. "
    "Nothing is refunded and the shopper is not told."
)


def order_list(listing: OrderPage, zone: tzinfo) -> AdminView:
    """A page of orders; each one's day on the shop's clock (`zone`)."""
    tr = i18n.current()
    status = listing.status
    title = tr._(status_label(status)) if status else tr._("All orders")
    if listing.customer_id:
        title += f" · {listing.customer}"
    lines = [
        tr._(
            "🧾 {title}: {count}, page {page}/{pages}",
            title=title,
            count=listing.count,
            page=listing.page + 1,
            pages=listing.pages,
        )
    ]
    if not listing.rows:
        lines.append(tr._("(no orders)"))
    rows: Rows = []
    for row in listing.rows:
        lines.append(order_line(tr, row, zone, with_customer=not listing.customer_id))
    code, whose = status or "all", listing.customer_id
    here = AdminOrders(code, listing.page, whose)
    rows += [[order_button(tr, row, here)] for row in listing.rows]
    nav = []
    if listing.page > 0:
        nav.append(button(tr._("◀️ Previous"), AdminOrders(code, listing.page - 1, whose)))
    if listing.page < listing.pages - 1:
        nav.append(button(tr._("Next ▶️"), AdminOrders(code, listing.page + 1, whose)))
    if nav:
        rows.append(nav)
    filters = [
        button(tr._("All") + (" •" if status is None else ""), AdminOrders("all", 0, whose))
    ] + [
        button(
            tr._(STATUS_FILTERS[s]) + (" •" if s == status else ""),
            AdminOrders(s, 0, whose),
        )
        for s in STATUS_FILTERS
    ]
    rows += [filters[i : i + 3] for i in range(0, len(filters), 3)]
    back = [button(tr._("⬅️ Admin menu"), AdminMenu("menu"))]
    if whose:
        back.insert(0, button(tr._(CUSTOMER_BUTTON), ShowCustomer(whose)))
    rows.append(back)
    return AdminView("\n".join(lines), rows)


def order_line(tr: Translator, row: OrderRow, zone: tzinfo, *, with_customer: bool = True) -> str:
    """An order in a list: "#12 · ✅ Paid · $37.00 · Sam · Dec 3, 2026" (⚠️: flagged)."""
    flag = " ⚠️" if row.needs_review else ""
    status = row.status_text(tr)
    whose = f"{row.customer} · " if with_customer else ""
    money = tr.money(row.total, row.currency)
    return f"#{row.order_id} · {status} · {money} · {whose}{tr.date(row.created_at, zone)}{flag}"


def order_button(
    tr: Translator, row: OrderRow, listing: AdminOrders = ALL_ORDERS
) -> InlineKeyboardButton:
    """An order in a list, opening its screen: "#12 · $37.00" (⚠️: flagged for review); the
    screen's ⬅️ Orders goes back to `listing`, the page it is on."""
    flag = " ⚠️" if row.needs_review else ""
    return button(
        f"#{row.order_id} · {tr.money(row.total, row.currency)}{flag}",
        opened_from(row.order_id, listing),
    )


# The order list's filter buttons ("Partially refunded": paid, shipped or delivered with part
# of the money back, whatever their status).
STATUS_FILTERS: dict[str, str] = {
    OrderStatus.AWAITING_PAYMENT: N_("Awaiting payment"),
    OrderStatus.PAID: N_("Paid"),
    OrderStatus.SHIPPED: N_("Shipped"),
    OrderStatus.DELIVERED: N_("Delivered"),
    OrderStatus.CANCELLED: N_("Cancelled"),
    PARTLY_REFUNDED: N_("Partially refunded"),
    OrderStatus.REFUNDED: N_("Refunded"),
}


def _payment_mark(tr: Translator, payment: PaymentView) -> str:
    """After the order's own payment: a refund of it the job tries again; after one that is
    not (paid twice): whether it went back."""
    if not payment.second:
        return " · " + tr._("⏳ a refund tried again automatically") if payment.retrying else ""
    if payment.returned:
        return " · " + tr._("↩️ second payment, refunded")
    if payment.retrying:
        return " · " + tr._("⏳ second payment, refund tried again automatically")
    return " · " + tr._("⚠️ second payment, not refunded: refund it at the provider")


def order_screen(
    detail: OrderDetail, settings: Settings, listing: AdminOrders = ALL_ORDERS
) -> AdminView:
    """One order in full, with the buttons of the moves it can make now; its moments on the
    shop's clock (SHOP_TIMEZONE). ⬅️ Orders goes back to `listing`, the page it was opened
    from (a return request's buttons carry it through their question). Every line stays: a
    big order's long names are cut to fit one message (bot.clipping.titles_fitting)."""
    build = partial(_order_screen_at, detail, settings, listing)
    return titles_fitting(build, TEXT_LIMIT, lambda view: view.text)


def _order_screen_at(
    detail: OrderDetail, settings: Settings, listing: AdminOrders, width: int | None
) -> AdminView:
    """The order's screen with its titles cut to `width` (None: whole)."""
    tr = i18n.current()
    s = detail.summary
    zone = settings.zone

    def money(amount: int) -> str:
        return tr.money(amount, s.currency)

    unset = tr._("not chosen") if s.needs_shipping else tr._("none")
    shipping = delivery_method(s, tr) or unset
    created = tr._(
        "Created: {moment} ({zone})", moment=tr.datetime(s.created_at, zone), zone=str(zone)
    )
    if s.paid_at:
        created += " · " + tr._("paid {moment}", moment=tr.datetime(s.paid_at, zone))
    amounts = tr._(
        "Items {items} · shipping {shipping}",
        items=money(s.items_total),
        shipping=money(s.shipping_total),
    )
    if s.discount_total:
        amounts += f" · {discount_label(s.promo_code, tr)} −{money(s.discount_total)}"
    if paid_by_card := gift_card_line(s, tr):
        amounts += f" · {paid_by_card}"
    if s.tip_amount:
        amounts += " · " + tr._("tip {amount}", amount=money(s.tip_amount))
    total = tr._("Total: {total}", total=money(s.total))
    if s.refunded:
        total += " · " + tr._("refunded {amount}", amount=money(s.refunded))
    if s.refund_under_way:  # claimed, not made: not money back yet
        total += " · " + tr._(
            "⏳ {amount} being refunded (tried again automatically)",
            amount=money(s.refund_under_way),
        )
    lines = [
        tr._("Order #{order_id}", order_id=s.order_id) + f" · {s.status_text(tr)}",
        tr._("Shopper: {who}", who=detail.customer),
        created,
        "",
        *[
            f"{line.quantity} × {line.sku} {_title(tr, line.title, line.translations, width)} — "
            f"{money(line.line_total)}"
            + (
                f" (−{money(line.discount)}: {money(line.line_total - line.discount)})"
                if line.discount
                else ""
            )
            + "".join(
                "\n  └ "
                + tr._(
                    "{quantity} × {title}",
                    quantity=part.quantity * line.quantity,
                    title=tr.name(part.title, part.translations),
                )
                for part in detail.packing.get(line.product_id, ())
            )
            for line in s.lines
        ],
        amounts,
        total,
        *tax_lines(tr, s.tax_label, s.taxes, s.currency),
        "",
        shipping  # "Pick up at Main Street shop, 12 Main St": no parcel, no address to it
        if s.collected
        else tr._(
            "Shipping: {option} · address: {address}",
            option=shipping,
            address=address_text(detail.shipping_address)  # as her invoice writes it
            if detail.shipping_address
            else tr._("none"),
        ),
    ]
    if when := delivery_time(tr, s.delivery_day, s.delivery_window):
        lines.append(when)
    if s.note:
        lines.append(tr._("📝 Note from the shopper: {note}", note=s.note))
    if s.tracking_number:
        lines.append(tr._("Tracking: {number}", number=s.tracking_number))
    if s.needs_review:
        why = tr.said(detail.review_reason) if detail.review_reason else tr._("check the payment")
        lines.append(tr._("⚠️ Needs review: {why}", why=why))
    if (asked := detail.open_return) is not None:
        lines.append(
            return_texts.alert(
                tr,
                asked.id,
                asked.order_id,
                detail.customer,
                asked.lines,
                asked.amount,
                asked.currency,
                asked.reason,
                width,
            )
        )
    notes_at = len(lines)  # the admins' notes go here, in the room the rest leaves them
    lines.append("\n" + tr._("Payments:"))
    lines += [
        f"• {p.provider} {tr.money(p.amount, p.currency)} · {p.charge_id} · {p.verification}"
        + _payment_mark(tr, p)
        for p in detail.payments
    ] or [tr._("(none)")]
    lines.append("\n" + tr._("History:"))
    collected = s.collected
    lines += [
        "• "
        + tr._(
            "{moment} {before} → {after} by {actor}",
            moment=tr.datetime(e.at, zone),
            before=tr._(status_label(e.from_status, collected=collected))
            if e.from_status
            else tr._("new"),
            after=tr._(status_label(e.to_status, collected=collected)),
            actor=e.actor,
        )
        + (f" ({tr.said(e.note)})" if e.note else "")
        for e in detail.events
    ]
    room = TEXT_LIMIT - telegram_length("\n".join(lines)) - 1
    lines[notes_at:notes_at] = _notes(tr, detail.notes, detail.earlier_notes, zone, room)
    actions = []
    came = s.order_id, *listed(listing)  # each action's screen after it leads back there too
    if s.needs_review and s.status in APPROVABLE:
        actions.append(button(tr._("✅ Approve payment"), AskApproveOrder(*came)))
    elif s.needs_review:  # cancelled, refunded, shipped...: no payment to approve
        actions.append(button(tr._("☑️ Review resolved"), AskResolveReview(*came)))
    if "ship" in detail.triggers and s.collected:
        actions.append(button(tr._("🏬 Ready for pickup"), ReadyForPickup(*came)))
    elif "ship" in detail.triggers:
        actions.append(button(tr._("🚚 Ship"), ShipOrder(*came)))
    if "deliver" in detail.triggers and s.collected:
        actions.append(button(tr._("✅ Picked up"), PickedUp(*came)))
    elif "deliver" in detail.triggers:
        actions.append(button(tr._("📦 Delivered"), DeliverOrder(*came)))
    if s.status == OrderStatus.SHIPPED and not s.collected:  # put right until delivered
        actions.append(button(tr._("✏️ Tracking number"), EditTracking(*came)))
    if "cancel" in detail.triggers:
        actions.append(button(tr._("✖️ Cancel"), AskCancelOrder(*came)))
    if detail.refundable or detail.card_back:
        actions.append(button(tr._("↩️ Refund"), RefundOrder(*came)))
    if settings.invoices_on and may_have_invoice(s.status, s.paid_at, s.needs_review, s.currency):
        actions.append(button(tr._(INVOICE_BUTTON), OrderInvoice(*came)))
    actions.append(button(tr._("🗒 Add note"), AddOrderNote(*came)))
    rows: Rows = [actions[i : i + 2] for i in range(0, len(actions), 2)]
    if asked is not None:
        rows.append(
            [
                button(label, action)
                for row in return_texts.decision_buttons(tr, asked.id, listing)
                for label, action in row
            ]
        )
    rows.append(
        [
            button(tr._(CUSTOMER_BUTTON), ShowCustomer(detail.customer_id)),
            button(tr._("⬅️ Orders"), listing),
        ]
    )
    return AdminView("\n".join(lines), rows)


def _title(
    tr: Translator, title: str, translations: dict[str, Any] | None, width: int | None
) -> str:
    """A line's title in the admin's language, cut to `width` if given."""
    name = tr.name(title, translations)
    return clip(name, width) if width else name


def _notes(
    tr: Translator, notes: list[NoteView], earlier: int, zone: tzinfo, room: int
) -> list[str]:
    """The admins' notes, newest last, each on one line: "• Dec 4, 2026, 3:05 PM · admin:9001:
    customer called, wants gift wrap". As many of the newest as fit in `room` characters
    (they always do, at five notes of MAX_NOTE, unless the order's other lines are very
    long); the older ones are counted. Plain text: the admin screens have no parse mode."""
    if not notes and not earlier:
        return []
    shown: list[str] = []
    room -= (
        telegram_length(tr._("🗒 Notes (the shop's team only):")) + 2
    )  # the heading, after a blank line
    room -= 64  # the count of earlier notes, whatever its language
    for at, note in enumerate(reversed(notes)):
        line = "• " + tr._(
            "{moment} · {author}: {text}",
            moment=tr.datetime(note.at, zone),
            author=note.author,
            text=" ".join(note.text.split()),
        )
        if telegram_length(line) + 1 > room:
            earlier += len(notes) - at
            break
        room -= telegram_length(line) + 1
        shown.insert(0, line)
    head = ["\n" + tr._("🗒 Notes (the shop's team only):")]
    if earlier:
        head.append(
            tr.ngettext(
                "… and {count} earlier note", "… and {count} earlier notes", earlier, count=earlier
            )
        )
    return head + shown


def ask_note(flow: Flow, problem: str = "") -> AdminView:
    """The Add note step's question, or why the last answer was not kept and to send it again."""
    tr = i18n.current()
    if problem:
        text = problem + " " + tr._(NOTE_AGAIN)
    else:
        text = tr._(NOTE_PROMPT, order_id=flow["order_id"], most=MAX_NOTE)
    return AdminView(text, flow_buttons(flow))


def changed(result: OrderChanged) -> str:
    """What the change did, in a line for the admin who made it."""
    tr = i18n.current()
    change = result.change
    status = result.detail.summary.status_text(tr)
    text = tr._("Order #{order_id}: {status}.", order_id=change.order_id, status=status)
    if result.action == "order.approve":
        text += " " + tr._("Payment approved.")
    if result.delivered is True:
        text += " " + tr._("Digital items sent.")
    elif result.delivered is False:
        text += " " + tr._("⚠️ Some digital items could not be sent (admins were alerted).")
    if change.refund is not None:
        refunded = tr.money(change.refund.amount, change.refund.currency)
        text += " " + tr._("Refunded {amount}.", amount=refunded)
        if change.refund.already:
            text += " " + tr._(
                "Telegram had already refunded this payment, so it is recorded as refunded."
            )
    if change.refund_error:
        text += "\n" + tr._(
            "⚠️ The refund failed and the order is flagged for review: {error}",
            error=tr.said(change.refund_error),
        )
    if (later := change.refund_deferred) is not None:
        text += "\n" + tr._(
            "⏳ The refund of {amount} could not be made yet ({problem}). It is tried again "
            "automatically; do not refund it by hand. You will hear how it ends.",
            amount=tr.money(later.amount, later.currency),
            problem=later.problem,
        )
    ends_with_problem = change.refund_error or change.refund_deferred
    text += ("\n" if ends_with_problem else " ") + (  # the error ends as the provider said
        tr._("The shopper was notified.")
        if result.shopper_told
        else tr._("The shopper could not be reached.")
    )
    return text


def ask_first(
    order_id: int, question: str, yes_label: str, yes: type[OrderAction], listing: AdminOrders
) -> AdminView:
    """A yes/back question before an order action that cannot be undone; either answer's
    order screen leads back to `listing`, the page the order was opened from."""
    tr = i18n.current()
    came = order_id, *listed(listing)
    back = button(tr._("⬅️ Back"), OpenOrder(*came))
    text = tr._(question, order_id=order_id)
    return AdminView(text, [[button(tr._(yes_label), yes(*came)), back]])


def ask_cancel(order_id: int, listing: AdminOrders) -> AdminView:
    return ask_first(order_id, ASK_CANCEL, N_("✖️ Yes, cancel it"), CancelOrder, listing)


def ask_approve(order_id: int, listing: AdminOrders) -> AdminView:
    return ask_first(order_id, ASK_APPROVE, N_("✅ Yes, approve"), ApproveOrder, listing)


def ask_resolve(order_id: int, listing: AdminOrders) -> AdminView:
    return ask_first(order_id, ASK_RESOLVE, N_("☑️ Yes, resolved"), ResolveReview, listing)


def review_resolved(done: ReviewResolved) -> str:
    """What ☑️ Review resolved did, in a line for the admin who pressed it."""
    return i18n.current()._(
        "☑️ Order #{order_id}: its review is marked resolved; the flag is gone.",
        order_id=done.order_id,
    )


def ask_tracking(flow: Flow, problem: str = "") -> AdminView:
    tr = i18n.current()
    text = (
        f"{problem} {tr._(SHIP_AGAIN)}" if problem else tr._(SHIP_PROMPT, order_id=flow["order_id"])
    )
    return AdminView(text, flow_buttons(flow, skip=tr._(SHIP_WITHOUT)))


def ask_new_tracking(flow: Flow, problem: str = "") -> AdminView:
    """✏️ Tracking number's question (the number the order has now, kept in the step), or why
    the last answer was refused and to send it again."""
    tr = i18n.current()
    if problem:
        text = f"{problem} {tr._(TRACKING_AGAIN)}"
    elif flow.get("number"):
        text = tr._(TRACKING_PROMPT, order_id=flow["order_id"], number=flow["number"])
    else:
        text = tr._(TRACKING_PROMPT_NONE, order_id=flow["order_id"])
    return AdminView(text, flow_buttons(flow))


def tracking_changed(result: TrackingChanged) -> str:
    """What ✏️ Tracking number did, in a line for the admin who sent it."""
    tr = i18n.current()
    order_id, number = result.order_id, result.number
    if not result.changed:
        if number:
            return tr._(
                "Order #{order_id} already has the tracking number {number}: nothing was changed.",
                order_id=order_id,
                number=number,
            )
        return tr._(
            "Order #{order_id} has no tracking number: nothing was changed.", order_id=order_id
        )
    if number:
        text = tr._(
            "Order #{order_id}: the tracking number is {number} now.",
            order_id=order_id,
            number=number,
        )
    else:
        text = tr._("Order #{order_id}: the tracking number was removed.", order_id=order_id)
    told = (
        tr._("The shopper was notified.")
        if result.shopper_told
        else tr._("The shopper could not be reached.")
    )
    return f"{text} {told}"


def ask_refund_amount(flow: Flow, problem: Exception | str | None = None) -> AdminView:
    """The refund flow's question: how much (up to what is left), or refund it all; and, for
    an order a gift card paid, 🎁 Back to the gift card (its part not back yet)."""
    tr = i18n.current()
    most = tr.money(int(flow["refundable"]), str(flow["currency"]))
    rows: Rows = []
    if int(flow["refundable"]):
        rows.append(
            [button(tr._("↩️ Full refund ({amount})", amount=most), FlowFullRefund(flow["id"]))]
        )
    if card_back := int(flow.get("card_back", 0)):
        back = tr.money(card_back, str(flow["currency"]))
        label = tr._("🎁 Back to the gift card: {amount}", amount=back)
        rows.append([button(label, FlowCardBack(flow["id"]))])
    rows += flow_buttons(flow)
    if not int(flow["refundable"]) and flow.get("card_only", True):  # no money came in
        text = tr._(
            "Order #{order_id} was paid by its gift card {code}: there is no money to refund.",
            order_id=flow["order_id"],
            code=flow.get("card"),
        )
    elif not int(flow["refundable"]):  # its money is all back; its card's part is not
        text = tr._(
            "Order #{order_id}'s money is all refunded; what its gift card {code} paid is not "
            "back on the card yet.",
            order_id=flow["order_id"],
            code=flow.get("card"),
        )
    elif flow["currency"] == STARS:  # refundStarPayment returns the whole payment, nothing less
        text = tr._(
            "Order #{order_id} was paid in Telegram Stars: it can be refunded in full.",
            order_id=flow["order_id"],
        )
    elif not flow.get("partial", True):  # the order's status takes no partial refund
        text = tr._(
            "Order #{order_id} is {status}: it can be refunded in full only ({amount}).",
            order_id=flow["order_id"],
            status=tr._(status_label(str(flow.get("status", "")))),
            amount=most,
        )
    else:
        text = tr._(
            "Send the amount to refund for order #{order_id} (up to {amount}), or a SKU (and "
            "how many) to refund a line at what it cost after its share of the discount, or "
            "refund it all.",
            order_id=flow["order_id"],
            amount=most,
        )
    if problem:
        text = f"{refund_refusal(problem)}\n\n{text}"
    return AdminView(text, rows)


def card_given_back(done: CardGivenBack) -> str:
    """What 🎁 Back to the gift card did, and whether the shopper heard of it."""
    tr = i18n.current()
    text = tr._(
        "🎁 {amount} of order #{order_id} is back on the gift card {code}.",
        amount=tr.money(done.amount, done.currency),
        order_id=done.order_id,
        code=done.card,
    )
    told = (
        tr._("The shopper was notified.")
        if done.shopper_told
        else tr._("The shopper could not be reached.")
    )
    return f"{text} {told}"


def refund_refusal(problem: Exception | str) -> str:
    """Why an amount the admin typed cannot be refunded, in the refund flow's words."""
    tr = i18n.current()
    if isinstance(problem, StarsRefundIsWhole):
        return tr._("Telegram Stars payments are refunded in full only.")
    if isinstance(problem, RefundTooLarge):
        most = tr.money(problem.refundable, problem.currency)
        return tr._("That is more than the {amount} that can be refunded.", amount=most)
    return problem.said(tr) if isinstance(problem, ShopError) else str(problem)


def confirm_refund(flow: Flow, amount: int | None) -> AdminView:
    tr = i18n.current()
    shown = tr.money(
        amount if amount is not None else int(flow["refundable"]), str(flow["currency"])
    )
    return AdminView(
        tr._("Refund {amount} of order #{order_id}?", amount=shown, order_id=flow["order_id"]),
        flow_buttons(flow, confirm=tr._("↩️ Refund {amount}", amount=shown)),
    )
