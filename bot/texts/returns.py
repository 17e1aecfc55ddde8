"""Every text of ↩️ Return items: the shopper's steps and answers, the admins' alert and
its buttons (the same under the alert and on the order's screen)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.callback_data import ALL_ORDERS, AdminOrders, AskApproveReturn, DeclineReturn, listed
from bot.clipping import clip
from bot.i18n import N_, Translator
from bot.notifier import Buttons
from bot.services.returns import (
    APPROVED,
    MAX_DECLINE_REASON,
    REQUESTED,
    ReturnFacts,
    ReturnLine,
    named_lines,
    reason_text,
)

RETURN_ITEMS = N_("↩️ Return items")
WAITING = N_("↩️ Return requested (waiting for the shop)")
PICK = N_("↩️ Which items of order #{order_id} do you want to return? Tap to choose, then Next.")
NEXT = N_("Next ➡")
PICK_REASON = N_("Why are you returning them?")
SEND = N_("📨 Send request")
BACK = N_("⬅ Back to the order")
APPROVE = N_("✅ Approve and refund")
APPROVE_RESTOCK = N_("✅ Approve, refund and restock")
DECLINE = N_("✖️ Decline")
YES_APPROVE = N_("✅ Yes, approve and refund")
YES_APPROVE_RESTOCK = N_("✅ Yes, approve, refund and restock")


def lines_text(tr: Translator, lines: Sequence[dict[str, Any]], width: int | None = None) -> str:
    """ "2 × Stoneware Mug 350ml, 1 × Linen Cushion Cover", as stored on the request; titles
    cut to `width` if given."""
    return named_lines(lines, width)


def line_label(tr: Translator, line: ReturnLine, chosen: bool) -> str:
    """A line's toggle: "☑ 2 × Stoneware Mug 350ml" once chosen, "☐ …" before."""
    return f"{'☑' if chosen else '☐'} {line.quantity} × {tr.name(line.title, line.translations)}"


def confirm(
    tr: Translator,
    order_id: int,
    lines: tuple[ReturnLine, ...],
    reason: str,
    amount: str,
    width: int | None = None,
) -> str:
    """The last question: what goes back, why, and what she gets if the shop approves; titles
    cut to `width` if given (40 long names stay one message, bot.clipping.titles_fitting)."""

    def name(line: ReturnLine) -> str:
        title = tr.name(line.title, line.translations)
        return clip(title, width) if width else title

    named = ", ".join(f"{ln.quantity} × {name(ln)}" for ln in lines)
    return tr._(
        "↩️ Return from order #{order_id}: {lines}.\nReason: {reason}.\n"
        "If the shop approves, you get {amount} back to your card.",
        order_id=order_id,
        lines=named,
        reason=reason_text(tr, reason),
        amount=amount,
    )


def sent(tr: Translator, request_id: int, order_id: int) -> str:
    return tr._(
        "Return request #{request_id} for order #{order_id} sent. The shop will answer here.",
        request_id=request_id,
        order_id=order_id,
    )


def alert(
    tr: Translator,
    request_id: int,
    order_id: int,
    customer: str,
    lines: Sequence[dict[str, Any]],
    amount: int,
    currency: str,
    reason: str,
    width: int | None = None,
) -> str:
    """The admins' alert of a new request (and the line on the order's screen); titles cut
    to `width` if given."""
    return tr._(
        "↩️ Return request #{request_id}, order #{order_id} from {customer}: {lines} "
        "({amount}). Reason: {reason}.",
        request_id=request_id,
        order_id=order_id,
        customer=customer,
        lines=lines_text(tr, lines, width),
        amount=tr.money(amount, currency),
        reason=reason_text(tr, reason),
    )


def decision_buttons(tr: Translator, request_id: int, listing: AdminOrders = ALL_ORDERS) -> Buttons:
    """Approve with the goods back on the shelf, or without (a damaged mug is not sold
    again), or decline; on the order's screen, each remembers the order list it was opened
    from (`listing`), so their ⬅️ Back and the order shown after lead back to that page."""
    came = listed(listing)
    return (
        ((tr._(APPROVE_RESTOCK), AskApproveReturn(request_id, 1, *came)),),
        ((tr._(APPROVE), AskApproveReturn(request_id, 0, *came)),),
        ((tr._(DECLINE), DeclineReturn(request_id, *came)),),
    )


def ask_approve(tr: Translator, request: ReturnFacts, restock: bool) -> str:
    money = tr.money(request.amount, request.currency)
    if restock:
        return tr._(
            "Approve return #{request_id}, refund {amount} of order #{order_id} and put "
            "{lines} back in stock?",
            request_id=request.id,
            amount=money,
            order_id=request.order_id,
            lines=lines_text(tr, request.lines),
        )
    return tr._(
        "Approve return #{request_id} and refund {amount} of order #{order_id}?",
        request_id=request.id,
        amount=money,
        order_id=request.order_id,
    )


def restocked(tr: Translator, lines: Sequence[dict[str, Any]]) -> str:
    """What the admin reads of an approval that put the goods back on the shelf."""
    return tr._("📦 Back in stock: {lines}.", lines=lines_text(tr, lines))


def state(tr: Translator, request: ReturnFacts) -> str:
    """What became of her newest request, on her order in the chat and on the storefront."""
    if request.status == REQUESTED:
        return tr._(WAITING)
    if request.status == APPROVED:
        return tr._(
            "↩️ Return #{request_id} approved: {amount} refunded.",
            request_id=request.id,
            amount=tr.money(request.amount, request.currency),
        )
    if request.decline_reason:
        return tr._(
            "↩️ Return #{request_id} declined: {reason}",
            request_id=request.id,
            reason=request.decline_reason,
        )
    return tr._("↩️ Return #{request_id} declined.", request_id=request.id)


def approved(tr: Translator, request_id: int, amount: int, currency: str) -> str:
    """The shopper's news: her return was approved and refunded (returns are card orders)."""
    return tr._(
        "✅ Your return #{request_id} was approved: {amount} is on its way back to your card.",
        request_id=request_id,
        amount=tr.money(amount, currency),
    )


def declined(tr: Translator, request_id: int, reason: str | None) -> str:
    if reason:
        return tr._(
            "Your return request #{request_id} was declined: {reason}",
            request_id=request_id,
            reason=reason,
        )
    return tr._(
        "Your return request #{request_id} was declined. Tap 💬 Ask about this order on the "
        "order to talk to the shop.",
        request_id=request_id,
    )


def ask_decline_reason(tr: Translator, request_id: int) -> str:
    return tr._(
        "✖️ Decline return #{request_id}: send a short reason for the shopper (up to {most} "
        "characters), or /skip to decline without one.",
        request_id=request_id,
        most=MAX_DECLINE_REASON,
    )


def admin_approved(
    tr: Translator, request_id: int, order_id: int, amount: int, currency: str
) -> str:
    return tr._(
        "✅ Return #{request_id} approved: {amount} of order #{order_id} refunded; the shopper "
        "was told.",
        request_id=request_id,
        amount=tr.money(amount, currency),
        order_id=order_id,
    )


def admin_declined(tr: Translator, request_id: int) -> str:
    return tr._("✖️ Return #{request_id} declined; the shopper was told.", request_id=request_id)
