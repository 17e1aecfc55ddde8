"""↩️ Return items: the shopper's request, and an admin's approval (the lines refunded) or
decline, each told to the other side and written in the audit log.

The rules are bot.services.returns; the refund is the admins' own (bot.usecases.orders
.refund_order: claimed in the database, made at Stripe, recorded), for exactly the amount
the request holds, set aside in the decision's own transaction (a crash before the provider
is asked leaves it pending for the pending-refunds job, never approved and unpaid). A
decision is a compare-and-set on the request: two presses (two admins, a double tap) refund
once, and the later one hears who decided. A refund the provider refuses reopens the
request, as the admin's Refund leaves the order. Her message about a decision is owed from
the decision's transaction (an approval's once its refund is recorded, so it says what
happened) and taken once, by a compare-and-set, just before it is sent: a job sends what a
crash left owed, and nothing goes out twice. How an approval's refund ended is a second
audit row, written in the transaction that ends it (`return.refund`, or `.refused`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NoReturn

from sqlalchemy.exc import IntegrityError

from bot.clipping import titles_fitting
from bot.i18n import Translator
from bot.notices import MESSAGE_ROOM
from bot.notifier import Buttons
from bot.permissions import acting
from bot.services import returns
from bot.services.admin_orders import OrderDetail, customer_name
from bot.services.errors import (
    OrderError,
    OrderNotFound,
    RefundDeferred,
    RefundFailed,
    ShopError,
)
from bot.services.returns import (
    ALREADY_OPEN,
    NotReturnable,
    ReturnDecided,
    ReturnFacts,
    ReturnNotFound,
)
from bot.shop import Shop
from bot.store.ids import is_row_id
from bot.store.models import utcnow
from bot.store.order_states import IllegalOrderTransition
from bot.store.repositories.returns import APPROVED, DECLINED
from bot.texts import returns as texts
from bot.usecases.admin_orders import OrderNotChanged, not_changed, order_detail
from bot.usecases.orders import refund_claimed
from bot.usecases.shopper_orders import shopper_actor

UNTOLD_BATCH = 100  # decisions of each kind the job tells in one run (a crash leaves one or two)


@dataclass(frozen=True)
class ReturnDone:
    """An admin's decision as it ended: the request, and the order as stored afterwards."""

    request: ReturnFacts
    detail: OrderDetail
    retrying: RefundDeferred | None = None  # Stripe was not reached: the refund is tried again
    restocked: bool = False  # this approval put the lines back in stock


def _request_details(request: ReturnFacts) -> dict[str, object]:
    return {
        "request": request.id,
        "lines": list(request.lines),
        "reason": request.reason,
        "amount": request.amount,
        "currency": request.currency,
    }


async def request_return(
    shop: Shop,
    telegram_id: int,
    order_id: int,
    mask: int,
    reason_index: int,
    line_ids: Sequence[int] = (),
) -> ReturnFacts:
    """Her request for the lines `mask` names (the chat's buttons) or `line_ids` (the
    storefront's), for the reason numbered `reason_index`: OrderNotFound (not hers),
    NotReturnable (why not, now), UnknownReturnLine (a line id not offered). The admins are
    alerted with the buttons to decide it."""
    reason = returns.reason_of(reason_index)
    if not is_row_id(order_id):
        raise OrderNotFound(order_id)
    if reason is None:
        raise NotReturnable(returns.STALE)
    days = shop.settings.return_days
    try:
        async with shop.store.uow() as uow:
            customer = await uow.customers.get_by_telegram_id(telegram_id)
            if customer is None:
                raise OrderNotFound(order_id)
            request = await returns.request_return(
                uow, customer.id, telegram_id, order_id, mask, reason, days, utcnow(), line_ids
            )
            who = customer_name(customer.first_name, customer.username, telegram_id)
            details = {"actor": shopper_actor(telegram_id), **_request_details(request)}
            await uow.audit.record(telegram_id, "return.request", f"order:{order_id}", details)
    except IntegrityError:  # another press opened one at the same moment
        raise NotReturnable(ALREADY_OPEN, order_id=order_id) from None
    await shop.alert_admins(
        partial(_alert, request=request, who=customer.first_name or who),
        partial(_buttons, request_id=request.id),
    )
    return request


def _alert(tr: Translator, request: ReturnFacts, who: str) -> str:
    """Every line named: a request of 40 long names has them cut to fit one message."""
    return titles_fitting(
        lambda width: texts.alert(
            tr,
            request.id,
            request.order_id,
            who,
            request.lines,
            request.amount,
            request.currency,
            request.reason,
            width,
        ),
        MESSAGE_ROOM,
    )


def _buttons(tr: Translator, request_id: int) -> Buttons:
    return texts.decision_buttons(tr, request_id)


async def pending(shop: Shop, request_id: int) -> ReturnFacts:
    """The request while it waits (asked before the admin's question): ReturnNotFound,
    ReturnDecided."""
    async with shop.store.reading() as uow:
        return await returns.open_request(uow, request_id)


async def approve(
    shop: Shop, admin_id: int, request_id: int, *, restock: bool = False
) -> ReturnDone:
    """Approve the request and refund its amount; the shopper is told. The refund is set
    aside (a pending refund, claimed as the admins' Refund claims it) and the approval
    written in the audit log (`return.approve`) in the decision's own transaction, so a
    crash after it leaves the refund to the pending-refunds job, which makes it once, and
    /audit shows the approval all the same; the shopper then hears of it from the job. How
    the refund ended is written where it ends (`return.refund`, `return.refund.refused`).
    Her message is owed from then and taken just before it is sent (`_tell`): a crash
    between the refund and it leaves it to `tell_untold`; a refund Stripe could not be
    reached for yet is told at once, as on its way.
    With `restock`, its lines go back in stock in that transaction too (once, also when the
    decision is pressed twice or by two admins), recorded in the order's history and the
    audit log (`return.restock`). ReturnDecided for a second press; OrderNotChanged when the
    refund is refused: before the provider is asked (more than can still go back, another
    refund under way) nothing is decided, restocked nor audited as approved; by the
    provider, the request is open again (`return.refund.refused` follows the approval in
    the log) and units put back stay on the shelf (the goods are back; a later approval
    does not add them twice)."""
    actor, now = acting(shop.settings, admin_id), utcnow()
    request = await pending(shop, request_id)  # ReturnNotFound, ReturnDecided
    try:
        async with shop.store.uow() as uow:
            request = await returns.decide(uow, request_id, APPROVED, actor, now)
            restocked = restock and await returns.restock(uow, request, actor, now)
            if restocked:
                details = {"actor": actor, "request": request.id, "restocked": list(request.lines)}
                await uow.audit.record(
                    admin_id, "return.restock", f"order:{request.order_id}", details
                )
            claimed = await returns.claim_refund(uow, request, actor)
            details = _request_details(request)
            await uow.audit.record(admin_id, "return.approve", f"order:{request.order_id}", details)
    except (ReturnDecided, ReturnNotFound):
        raise
    except OrderError as refused:  # refused before the provider: nothing was decided
        await _refused(shop, admin_id, request, refused)
    try:
        change = await refund_claimed(shop, claimed)
    except RefundFailed as refused:  # the provider said no: given back, reopened, audited
        raise OrderNotChanged(request.order_id, refused) from refused
    except IllegalOrderTransition as moved:  # made, not yet recorded: the job records it
        raise await not_changed(shop, request.order_id, moved) from moved
    await _tell(shop, request)
    detail = await order_detail(shop, request.order_id)
    return ReturnDone(request, detail, change.refund_deferred, restocked)


async def _refused(shop: Shop, admin_id: int, request: ReturnFacts, why: OrderError) -> NoReturn:
    """An approval refused before the provider was asked (nothing was decided), in the audit
    log: OrderNotChanged. A refund the provider refuses after the decision is written as
    `return.refund.refused` where it is given back (bot.services.returns.refund_ended); one
    the provider made but the books could not record yet is not refused: the request stays
    approved and the job finishes its pending refund, so approving again never repays it."""
    async with shop.store.uow() as uow:
        details = {"request": request.id, "error": why.note()}
        await uow.audit.record(
            admin_id, "return.approve.refused", f"order:{request.order_id}", details
        )
    raise OrderNotChanged(request.order_id, why) from why


async def decline(shop: Shop, admin_id: int, request_id: int, reason: str | None) -> ReturnDone:
    """Decline the request, with the admin's reason for her (None: none); she is told once.
    The decision's transaction leaves her message owed (`decline_told_at` empty), so a crash
    before it is taken for sending leaves it to `tell_untold`."""
    actor = acting(shop.settings, admin_id)
    async with shop.store.uow() as uow:
        request = await returns.decide(uow, request_id, DECLINED, actor, utcnow(), reason)
        details = {**_request_details(request), "decline_reason": reason}
        await uow.audit.record(admin_id, "return.decline", f"order:{request.order_id}", details)
    await _tell(shop, request)
    return ReturnDone(request, await order_detail(shop, request.order_id))


async def tell_untold(shop: Shop) -> int:
    """Job: decisions whose message the bot died before sending (a decline once stored, an
    approval once its refund is recorded) are told now, each once across workers; how many
    this run sent."""
    async with shop.store.reading() as uow:
        owed = [
            *await uow.returns.declines_untold(UNTOLD_BATCH),
            *await uow.returns.approvals_untold(UNTOLD_BATCH),
        ]
        requests = [ReturnFacts.of(r) for r in owed]
    told = 0
    for request in requests:
        told += await _tell(shop, request)
    return told


async def _tell(shop: Shop, request: ReturnFacts) -> bool:
    """Her message about the decision, if this call takes it: a compare-and-set just before
    the send, so it goes out once (the decision's own call, the pending-refunds job's
    message about an approval's refund, or this job, whichever is first); a crash during the
    send loses it rather than sending it twice, and her order says what was decided all
    the same. False if it was taken before."""
    async with shop.store.uow() as uow:
        if not await uow.returns.take_message(request.id, request.status, utcnow()):
            return False
    tr = await shop.words_of(request.customer_telegram_id)
    if request.status == APPROVED:
        told = texts.approved(tr, request.id, request.amount, request.currency)
    else:
        told = texts.declined(tr, request.id, request.decline_reason)
    await shop.notifier.notify(request.customer_telegram_id, told)
    return True


async def request_return_said(
    shop: Shop, telegram_id: int, order_id: int, mask: int, reason_index: int
) -> Callable[[Translator], str]:
    """`request_return` for the chat's press: what she is told either way (a refusal is said
    in her words)."""
    try:
        request = await request_return(shop, telegram_id, order_id, mask, reason_index)
    except ShopError as refused:
        return refused.said
    return partial(texts.sent, request_id=request.id, order_id=request.order_id)
