"""What admins read while deciding a shopper's return request."""

from __future__ import annotations

from bot import i18n
from bot.callback_data import ALL_ORDERS, AdminOrders, ApproveReturn, button, listed, opened_from
from bot.services.admin_flows import Flow
from bot.services.returns import ReturnFacts
from bot.texts import returns as texts
from bot.usecases.returns import ReturnDone
from bot.views.admin import AdminView, flow_buttons


def ask_approve(
    request: ReturnFacts, restock: bool, listing: AdminOrders = ALL_ORDERS
) -> AdminView:
    """The question before the refund (and the restock), as Cancel asks first. ⬅️ Back shows
    the order again, whose ⬅️ Orders then goes back to `listing`, the page it came from."""
    tr = i18n.current()
    text = texts.ask_approve(tr, request, restock)
    label = texts.YES_APPROVE_RESTOCK if restock else texts.YES_APPROVE
    came = listed(listing)
    yes = button(tr._(label), ApproveReturn(request.id, int(restock), *came))
    back = button(tr._("⬅️ Back"), opened_from(request.order_id, listing))
    return AdminView(text, [[yes, back]])


def ask_decline_reason(flow: Flow, problem: str = "") -> AdminView:
    tr = i18n.current()
    text = texts.ask_decline_reason(tr, int(flow["request_id"]))
    if problem:
        text = f"{problem}\n\n{text}"
    return AdminView(text, flow_buttons(flow, skip=tr._("Decline without a reason")))


def approved(done: ReturnDone) -> str:
    """What the approval did; a refund Stripe could not be reached for is said as the Refund
    button says it (tried again automatically, not to be made by hand)."""
    tr = i18n.current()
    r = done.request
    back = "\n" + texts.restocked(tr, r.lines) if done.restocked else ""
    if (later := done.retrying) is None:
        return texts.admin_approved(tr, r.id, r.order_id, r.amount, r.currency) + back
    text = tr._("✅ Return #{request_id} approved; the shopper was told.", request_id=r.id)
    return (
        text
        + back
        + "\n"
        + tr._(
            "⏳ The refund of {amount} could not be made yet ({problem}). It is tried again "
            "automatically; do not refund it by hand. You will hear how it ends.",
            amount=tr.money(later.amount, later.currency),
            problem=later.problem,
        )
    )


def declined(done: ReturnDone) -> str:
    return texts.admin_declined(i18n.current(), done.request.id)
