"""What admins read while deciding a shopper's return request."""

from __future__ import annotations

from bot import i18n
from bot.callback_data import ApproveReturn, OpenOrder, button
from bot.services.admin_flows import Flow
from bot.store.models import ReturnRequest
from bot.texts import returns as texts
from bot.usecases.returns import ReturnDone
from bot.views.admin import AdminView, flow_buttons


def ask_approve(request: ReturnRequest) -> AdminView:
    """The question before the refund, as Cancel asks first."""
    tr = i18n.current()
    text = texts.ask_approve(tr, request.id, request.order_id, request.amount, request.currency)
    yes = button(tr._(texts.YES_APPROVE), ApproveReturn(request.id))
    back = button(tr._("⬅️ Back"), OpenOrder(request.order_id))
    return AdminView(text, [[yes, back]])


def ask_decline_reason(flow: Flow, problem: str = "") -> AdminView:
    tr = i18n.current()
    text = texts.ask_decline_reason(tr, int(flow["request_id"]))
    if problem:
        text = f"{problem}\n\n{text}"
    return AdminView(text, flow_buttons(flow, skip=tr._("Decline without a reason")))


def approved(done: ReturnDone) -> str:
    tr = i18n.current()
    r = done.request
    return texts.admin_approved(tr, r.id, r.order_id, r.amount, r.currency)


def declined(done: ReturnDone) -> str:
    return texts.admin_declined(i18n.current(), done.request.id)
