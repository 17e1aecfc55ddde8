"""/audit as the admin reads it: one line a row, in the admin's language and the shop's clock.

An action the table below does not name (a product's field edited, say) shows its code as it
is stored; a status is worded as the order screens word it, a refund as money, and a stored
reason (`worded`) in the reader's language.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from bot import i18n
from bot.clipping import clip
from bot.i18n import N_, Translator
from bot.services.broadcast_plan import AUDIENCES
from bot.services.returns import RETURN_REFUND, reason_text
from bot.store.order_states import status_label
from bot.texts import returns as return_texts
from bot.texts.category_sale import last_day
from bot.texts.sale import MINUS
from bot.usecases.audit import AuditLine
from bot.views.order_export import counted, days_words

LINE_LIMIT = 300  # a row's line, so that twenty of them fit in one message
REFUSED = ".refused"

ACTIONS: dict[str, str] = {
    "order.ship": N_("shipped"),
    "order.deliver": N_("marked delivered"),
    "order.pickup_ready": N_("made ready for pickup"),
    "order.picked_up": N_("marked picked up"),
    "order.cancel": N_("cancelled"),
    "order.refund": N_("refunded"),
    "order.refund.giftcard": N_("gave back to its gift card the card's part of"),
    "order.giftcard.not_back": N_("could not give back to its voided gift card the card's part of"),
    "order.approve": N_("approved the payment of"),
    "order.review.resolve": N_("marked resolved the review of"),
    "order.note": N_("added a note to"),
    "order.tracking": N_("changed the tracking number of"),
    "return.request": N_("asked to return items of"),
    "return.approve": N_("approved a return of"),
    "return.refund": N_("refunded a return of"),
    "return.decline": N_("declined a return of"),
    "return.restock": N_("put back in stock items of"),
    "product.create": N_("added"),
    "product.price": N_("changed the price of"),
    "product.tax": N_("changed the tax rate of"),
    "product.tiers": N_("changed the quantity tiers of"),
    "product.bundle": N_("changed the parts of the set"),
    "product.hide": N_("hid"),
    "product.show": N_("showed"),
    "catalog.import": N_("imported"),
    "orders.export": N_("exported the orders"),
    "promo.create": N_("created promo code"),
    "promo.end": N_("ended promo code"),
    "broadcast.start": N_("started a broadcast"),
    "broadcast.done": N_("finished a broadcast"),
    "broadcast.stopped": N_("stopped a broadcast"),
    "broadcast.resume": N_("went on with a broadcast a crash interrupted"),
    "broadcast.schedule": N_("scheduled a broadcast"),
    "broadcast.cancel": N_("cancelled a scheduled broadcast"),
    "support.close": N_("closed"),
    "sales.pause": N_("paused sales"),
    "sales.resume": N_("opened sales again"),
    "sale.start": N_("put on sale"),
    "sale.end": N_("ended the sale of"),
    "sale.until": N_("changed the end date of the sale of"),
    "customer.forget": N_("deleted, at her request, the data of"),
    "customer.block": N_("blocked"),
    "customer.unblock": N_("unblocked"),
    "referral.reward": N_("gave an invitation's reward to"),
    "referral.reward.void": N_("cancelled an invitation's reward (order refunded) of"),
    "referral.reward.kept": N_("kept an invitation's reward, partly spent (order refunded), of"),
    "faq.add": N_("added the common question"),
    "faq.edit": N_("changed the common question"),
    "faq.delete": N_("deleted the common question"),
    "faq.move": N_("moved the common question"),
    "slot.close": N_("closed the delivery time"),
    "slot.open": N_("opened the delivery time"),
}
SALES = frozenset({"sale.start", "sale.end"})
MONEY_WORDS = {  # an amount kept beside "currency"
    "refund": N_("refunded {amount}"),
    "refund_retrying": N_("refund of {amount} tried again automatically"),
    "card_back": N_("{amount} back on the gift card"),
    "card_not_back": N_("{amount} not back on the gift card"),
    "reward": N_("a gift card of {amount}"),
    "spent": N_("{amount} of it spent"),
}
SHOWN_APART = frozenset(
    {
        "actor",
        "from",
        "to",
        "refund",
        "refund_retrying",
        "card_back",
        "card_not_back",
        "reward",
        "spent",
        "currency",
        "refund_error",
        "error",
        "note_id",
        "order_note",
        "tracking_was",
        "tracking",
        "request",
        "lines",
        "reason",
        "amount",
        "decline_reason",
        "restocked",
        "collected",  # read in how "from" and "to" are worded (a pickup's statuses)
        "review_reason",
        "cancelled_orders",
    }
)


def audit_log(lines: list[AuditLine], zone: tzinfo) -> str:
    tr = i18n.current()
    if not lines:
        return tr._("🗒 The audit log is empty.")
    return "\n".join([tr._("🗒 Audit log, newest first:"), *(_line(tr, row, zone) for row in lines)])


def _line(tr: Translator, row: AuditLine, zone: tzinfo) -> str:
    parts = [tr.datetime(row.at, zone), row.actor, _what(tr, row)]
    if row.action == "orders.export":
        parts.append(_exported(tr, row.details))
    elif row.action in SALES:
        parts.append(_sale(tr, row.details))
    elif row.action == "sale.until":
        parts.append(_sale_until(tr, row.details, zone))
    elif row.action == "customer.block":
        parts.append(_block(tr, row.details))
    elif "audience" in row.details:
        parts.append(_broadcast(tr, row.details, zone))
    elif said := _details(tr, row.details):
        parts.append(said)
    return clip("• " + " · ".join(parts), LINE_LIMIT)


def _what(tr: Translator, row: AuditLine) -> str:
    """ "cancelled order:7"; a refused move: "cancelled order:7 (refused)"."""
    code = row.action.removesuffix(REFUSED)
    label = tr._(ACTIONS[code]) if code in ACTIONS else code
    what = f"{label} {row.target}" if row.target else label
    return tr._("{what} (refused)", what=what) if row.action.endswith(REFUSED) else what


def _exported(tr: Translator, details: dict[str, Any]) -> str:
    """ "from 2026-12-01 to 2026-12-31, 2 orders in 3 rows"."""
    first, last = details.get("first_day"), details.get("last_day")
    orders, rows = details.get("orders", 0), details.get("rows", 0)
    days = days_words(
        tr, first if isinstance(first, str) else None, last if isinstance(last, str) else None
    )
    return f"{days}, {counted(tr, int(orders), int(rows))}"


def _count(details: dict[str, Any], key: str) -> int:
    value = details.get(key)
    return value if isinstance(value, int) else 0


def _sale(tr: Translator, details: dict[str, Any]) -> str:
    """ "−20%, 18 products, 3 already on sale": what a /sale changed and left."""
    said = []
    if percent := _count(details, "percent"):
        said.append(f"{MINUS}{tr.percent(percent)}")
    products, variants = _count(details, "products"), _count(details, "variants")
    said.append(tr.ngettext("{count} product", "{count} products", products, count=products))
    if variants:
        said.append(
            tr.ngettext(
                "{count} variant priced on its own",
                "{count} variants priced on their own",
                variants,
                count=variants,
            )
        )
    if already := _count(details, "already"):
        said.append(
            tr.ngettext(
                "{count} already on sale", "{count} already on sale", already, count=already
            )
        )
    if too_cheap := _count(details, "too_cheap"):
        said.append(
            tr.ngettext("{count} too cheap", "{count} too cheap", too_cheap, count=too_cheap)
        )
    return ", ".join(said)


def _sale_until(tr: Translator, details: dict[str, Any], zone: tzinfo) -> str:
    """ "−20%, ends after Jan 15, 2027 → Dec 31, 2026": a running sale's last day changed."""

    def day(key: str) -> str:
        value = details.get(key)
        if not isinstance(value, str):
            return tr._("no end date")
        return last_day(tr, datetime.fromisoformat(value), zone)

    said = f"{MINUS}{tr.percent(_count(details, 'percent'))}"
    return tr._("{sale}, last day {was} → {day}", sale=said, was=day("was"), day=day("ends_at"))


def _block(tr: Translator, details: dict[str, Any]) -> str:
    """ "“spams the support chat”, unpaid orders #12 cancelled": why, and what it released."""
    reason = details.get("reason")
    said = [tr._("“{reason}”", reason=reason) if isinstance(reason, str) else tr._("no reason")]
    cancelled = details.get("cancelled_orders")
    if isinstance(cancelled, list) and cancelled:
        orders = ", ".join(f"#{order_id}" for order_id in cancelled)
        said.append(tr._("unpaid orders {orders} cancelled", orders=orders))
    return ", ".join(said)


def _broadcast(tr: Translator, details: dict[str, Any], zone: tzinfo) -> str:
    """ "🛍 Bought in the last 90 days, for Dec 5, 2026, 9:00 AM, 321 recipients"."""
    audience = details.get("audience")
    said = [tr._(AUDIENCES[audience]) if audience in AUDIENCES else str(audience)]
    if isinstance(details.get("send_at"), str):
        when = tr.datetime(datetime.fromisoformat(details["send_at"]), zone)
        said.append(tr._("for {when}", when=when))
    if isinstance(details.get("recipients"), int):
        count = details["recipients"]
        said.append(tr.ngettext("{count} recipient", "{count} recipients", count, count=count))
    if details.get("scheduled"):
        said.append(tr._("as scheduled"))
    return ", ".join(said)


def _returned(tr: Translator, details: dict[str, Any]) -> str:
    """ "return #3: 2 × Stoneware Mug 350ml ($32.00), reason: Damaged"; how its refund ended
    names no lines: "return #3 ($32.00)"."""
    amount, currency = details.get("amount"), details.get("currency")
    money = (
        tr.money(amount, currency) if isinstance(amount, int) and isinstance(currency, str) else ""
    )
    if not isinstance(details.get("lines"), list):  # its refund's outcome, or a refusal's
        said = tr._(RETURN_REFUND, request_id=details["request"])
        return f"{said} ({money})" if money else said
    said = tr._(
        "return #{request_id}: {lines} ({amount}), reason: {reason}",
        request_id=details.get("request"),
        lines=return_texts.lines_text(tr, details["lines"]),
        amount=money,
        reason=reason_text(tr, str(details.get("reason"))),
    )
    if isinstance(details.get("decline_reason"), str):
        said += ", " + tr._("declined: “{why}”", why=" ".join(details["decline_reason"].split()))
    return said


def _details(tr: Translator, details: dict[str, Any]) -> str:
    said = []
    if isinstance(details.get("restocked"), list):  # a return's lines back on the shelf
        said.append(
            tr._("restocked {lines}", lines=return_texts.lines_text(tr, details["restocked"]))
        )
    elif isinstance(details.get("request"), int):  # a shopper's return request
        said.append(_returned(tr, details))
    if "from" in details and "to" in details and isinstance(details["to"], str):
        collected = details.get("collected") is True  # a pickup's move: its words
        before, after = (
            tr._(status_label(str(details[k]), collected=collected)) for k in ("from", "to")
        )
        said.append(f"{before} → {after}")
    for key, words in MONEY_WORDS.items():
        if isinstance(details.get(key), int) and isinstance(details.get("currency"), str):
            said.append(tr._(words, amount=tr.money(details[key], details["currency"])))
    if isinstance(details.get("order_note"), str):  # an admin's note on an order, on one line
        said.append(tr._("“{note}”", note=" ".join(details["order_note"].split())))
    if "tracking" in details:  # ✏️ Tracking number: what it was → what it is
        before, after = (details.get(k) or tr._("none") for k in ("tracking_was", "tracking"))
        said.append(f"{before} → {after}")
    if isinstance(details.get("review_reason"), str):  # ☑️ Review resolved: what it was
        said.append(tr._("flagged for: {reason}", reason=tr.said(details["review_reason"])))
    for note in ("refund_error", "error"):
        if isinstance(details.get(note), str):
            said.append(tr.said(details[note]))
    said += [f"{key}: {value}" for key, value in details.items() if key not in SHOWN_APART]
    return ", ".join(said)
