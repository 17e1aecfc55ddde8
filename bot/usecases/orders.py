"""The order's lifecycle moves: ship, deliver, cancel, refund, approve a flagged payment.

Each is one move on the order table in bot/store/order_states.py. It returns an `OrderChange`
(what moved, what the shopper should be told) and raises domain errors that carry a message
fit for an admin's chat (bot.services.errors). Telling the shopper is the caller's: see
bot.usecases.admin_orders.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot import notices
from bot.gift_card_alerts import alert_not_back
from bot.i18n import N_, Translator, worded
from bot.notifier import Buttons
from bot.services import bundles, delivery_slots, downloads, gift_cards, ratings, referrals
from bot.services.cancelling import NotCancellable, check_cancel
from bot.services.checkout import give_back_held
from bot.services.downloads import DeliveryPlan
from bot.services.errors import (
    NotApprovable,
    NotUnderReview,
    OrderError,
    OrderNotFound,
    OrderUnderReview,
    RefundDeferred,
    WrongHandover,
)
from bot.services.pickup import chosen_place, is_pickup
from bot.services.refunds import PAYMENT_CHECK, RefundClaim, RefundInfo, RefundResult, refundable
from bot.services.tracking import tracking_link
from bot.shop import Shop
from bot.store.models import Order
from bot.store.order_states import (
    APPROVABLE,
    IllegalOrderTransition,
    OrderStatus,
    next_status,
)
from bot.store.uow import UnitOfWork
from bot.texts.ratings import asked_to_rate
from bot.texts.tracking import track_parcel
from bot.usecases.admin_flows import ending_step
from bot.usecases.referrals import tell_inviter
from bot.usecases.refunds import make_claimed, refund_payment

ShopperNotice = Callable[[Translator], str]
"""What the shopper is told, worded in her language when it is sent (bot.notices)."""

ShopperButtons = Callable[[Translator], Buttons]
"""The buttons under it, worded the same way."""


@dataclass(frozen=True)
class OrderChange:
    """What a lifecycle move did, and the message the shopper gets about it."""

    order_id: int
    customer_telegram_id: int
    old_status: str
    new_status: str
    message_for_shopper: ShopperNotice
    refund: RefundInfo | None = None
    refund_error: str | None = None  # a note (i18n.worded): read in the admin's language
    refund_deferred: RefundDeferred | None = None  # the provider was not reached: tried again
    delivery: DeliveryPlan | None = None
    """Digital items to send after the shopper's message (an approved payment)."""
    buttons_for_shopper: ShopperButtons | None = None
    collected: bool = False  # she collects the order (`is_pickup`): its statuses are a pickup's

    def audit_details(self) -> dict[str, Any]:
        """What the audit log keeps of the move: the statuses (read as a pickup's for an
        order she collects, also for its refunds), what was refunded, and why a refund failed
        (worded: read in each admin's language)."""
        details: dict[str, Any] = {"from": self.old_status, "to": self.new_status}
        if self.collected:
            details["collected"] = True
        if self.refund is not None:
            details["refund"] = self.refund.amount
            details["currency"] = self.refund.currency
        if self.refund_error:
            details["refund_error"] = self.refund_error
        if self.refund_deferred is not None:  # tried again later (the provider was away)
            details["refund_retrying"] = self.refund_deferred.amount
            details["currency"] = self.refund_deferred.currency
        return details


async def audit_order(
    shop: Shop, actor_telegram_id: int, action: str, order_id: int, details: dict[str, Any]
) -> None:
    """One row of the admins' audit log about an order (`target` "order:7")."""
    async with shop.store.uow() as uow:
        await uow.audit.record(actor_telegram_id, action, f"order:{order_id}", details)


async def _load(uow: UnitOfWork, order_id: int) -> Order:
    order = await uow.orders.get(order_id)
    if order is None:
        raise OrderNotFound(order_id)
    return order


def check_handover(order_id: int, shipping_option: str | None, *, pickup: bool) -> None:
    """The one rule of a pickup order's moves: an order collected at a pickup point is made
    ready for pickup and picked up; one to deliver is shipped and delivered (WrongHandover)."""
    collected = is_pickup(shipping_option)
    if collected != pickup:
        raise WrongHandover(order_id, collected=collected)


async def ship_order(
    shop: Shop,
    order_id: int,
    *,
    actor: str,
    tracking: str | None = None,
    step_chat: int | None = None,
    pickup: bool = False,
) -> OrderChange:
    """Paid → shipped, with an optional tracking number. Orders under review are refused.
    `step_chat`: the admin's chat whose Ship step ends in the same transaction. `pickup`:
    🏬 Ready for pickup, the same move for an order she collects (no tracking number)."""
    async with ending_step(shop, step_chat) as uow:
        order = await _load(uow, order_id)
        check_handover(order.id, order.shipping_option, pickup=pickup)
        next_status(order.status, "ship")  # refuse early, with the lifecycle's own error
        if order.needs_review:
            raise OrderUnderReview(order.id, order.review_reason)
        old = order.status
        if pickup:
            place = chosen_place(order.shipping_option, order.pickup_place)
            ready = worded(N_("ready for pickup at {place}"), place=place)
            await uow.orders.transition(order, "ship", actor=actor, note=ready)
            told = partial(notices.ready_for_pickup, order_id=order.id, place=place)
            customer = order.customer.telegram_id
            return OrderChange(order.id, customer, old, order.status, told, collected=True)
        tracking = (tracking or "").strip() or None
        order.tracking_number = tracking
        await uow.orders.transition(order, "ship", actor=actor, note=tracking)
        text = partial(notices.order_shipped, order_id=order.id, tracking=tracking)
        track = partial(track_parcel, url=tracking_link(shop.settings.tracking_url, tracking))
        return OrderChange(
            order.id, order.customer.telegram_id, old, order.status, text, buttons_for_shopper=track
        )


async def deliver_order(
    shop: Shop, order_id: int, *, actor: str, pickup: bool = False
) -> OrderChange:
    """Shipped → delivered (`pickup`: ✅ Picked up, the same move for an order she collected);
    the shopper's notice asks her to rate what she got (⭐ under it, the buttons of her
    order's screen)."""
    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        check_handover(order.id, order.shipping_option, pickup=pickup)
        old = order.status
        note = worded(N_("picked up")) if pickup else None
        await uow.orders.transition(order, "deliver", actor=actor, note=note)
        reward = await referrals.reward_delivered(uow, shop.settings, order)
        told = notices.order_picked_up if pickup else notices.order_delivered
        text = partial(told, order_id=order.id)
        rate = partial(asked_to_rate, order_id=order.id, products=ratings.worth_asking(order))
        change = OrderChange(
            order.id,
            order.customer.telegram_id,
            old,
            order.status,
            text,
            buttons_for_shopper=rate,
            collected=pickup,
        )
    await tell_inviter(shop, reward)
    return change


async def cancel_order(
    shop: Shop,
    order_id: int,
    *,
    actor: str,
    reason: str | None = None,
    shopper: int | None = None,
) -> OrderChange:
    """Cancel an order: an unpaid one releases its held stock; a paid one is restocked and
    refunded in full (what is left of it). A failed refund leaves the order cancelled and
    flagged for review; the change says so in `refund_error`. One whose provider could not be
    reached stays pending for the job (`refund_deferred`): the order is not flagged, and the
    shopper hears the refund is on its way.

    `shopper` (her Telegram id) when she cancels her own order herself: the shopper's rule
    (bot.services.cancelling) refuses with OrderNotFound or NotCancellable, also when another
    press or an admin moved the order first.
    """
    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        old = order.status
        owed = refundable(order)
        if owed:  # a card it bought and was spent since: say so before anything moves
            await gift_cards.check_refundable(uow, order)
        if shopper is not None:
            customer = await uow.customers.get_by_telegram_id(shopper)
            allowed = shop.settings.shopper_cancel
            await check_cancel(uow, order, order_id, customer.id if customer else 0, allowed)
        try:
            await uow.orders.transition(order, "cancel", actor=actor, note=reason)
        except IllegalOrderTransition as lost:
            if shopper is None:
                raise
            raise NotCancellable.gone_on(order, lost.status) from lost
        collected = is_pickup(order.shipping_option)
        card = await give_back_held(uow, order)  # its stock, promo use and card's part
        if card is None and await uow.orders.claim_hold(order.id, "returned", from_status="sold"):
            for line in order.lines:
                await bundles.restock(
                    uow, line.product_id, line.quantity, line.variant_id, bundles.kept_parts(line)
                )
            if not owed:  # paid by its gift card alone: no refund, the card gets it back
                card = await gift_cards.give_back(uow, order)
        await delivery_slots.give_back(uow, order)  # paid or not: its delivery seat, once
        customer_id = order.customer.telegram_id
    await alert_not_back(shop, order_id, card.not_back if card else None)

    told = partial(notices.order_cancelled, order_id=order_id, reason=reason)
    cancelled = partial(OrderChange, order_id, customer_id, old, collected=collected)
    if not owed:
        return cancelled(OrderStatus.CANCELLED, partial(told, refund=None, pending=False))
    try:
        refund = await refund_payment(shop, order_id, amount=None, actor=actor, reason=reason)
    except RefundDeferred as later:
        text = partial(told, refund=None, pending=True)
        return cancelled(OrderStatus.CANCELLED, text, refund_deferred=later)
    except OrderError as exc:
        failed = worded(N_("refund after cancel failed: {problem}"), problem=exc.note())
        await flag_for_review(shop, order_id, failed)
        text = partial(told, refund=None, pending=True)
        return cancelled(OrderStatus.CANCELLED, text, refund_error=exc.note())
    text = partial(told, refund=refund.info, pending=False)
    return cancelled(refund.new_status, text, refund=refund.info)


async def refund_order(
    shop: Shop,
    order_id: int,
    *,
    amount: int | None = None,
    actor: str,
    reason: str | None = None,
    lines: dict[str, int] | None = None,
) -> OrderChange:
    """Refund `amount` minor units (None = everything not yet refunded) at the provider;
    `lines` the units of order lines it gives back, if it names them ("SKU quantity").

    Raises RefundTooLarge beyond what can still be refunded, RefundNotPossible (nothing paid,
    a partial Stars refund, another refund under way), RefundFailed when the provider says
    no, IllegalOrderTransition. A provider that could not be reached leaves the refund to the
    job (`refund_deferred`); the shopper hears it is on its way.
    """
    making = refund_payment(shop, order_id, amount=amount, actor=actor, reason=reason, lines=lines)
    return await _refund_made(shop, order_id, making, reason)


async def refund_claimed(shop: Shop, claimed: RefundClaim) -> OrderChange:
    """`refund_order` of a refund claimed already, in the transaction of the decision that
    owes it (a return's approval): made at the provider and recorded, or left pending."""
    return await _refund_made(shop, claimed.order_id, make_claimed(shop, claimed), claimed.reason)


async def _refund_made(
    shop: Shop, order_id: int, making: Coroutine[Any, Any, RefundResult], reason: str | None
) -> OrderChange:
    """The order's change once `making` (the provider's refund and its record) ended."""
    try:
        result = await making
    except RefundDeferred as later:
        async with shop.store.reading() as uow:
            order = await _load(uow, order_id)
            status, customer_id = order.status, order.customer.telegram_id
            collected = is_pickup(order.shipping_option)
        text = partial(notices.refund_under_way, order_id=order_id, later=later)
        return OrderChange(
            order_id, customer_id, status, status, text, refund_deferred=later, collected=collected
        )
    whole = result.new_status == OrderStatus.REFUNDED
    text = partial(
        notices.order_refunded, order_id=order_id, refund=result.info, whole=whole, reason=reason
    )
    return OrderChange(
        order_id,
        result.customer_telegram_id,
        result.old_status,
        result.new_status,
        text,
        refund=result.info,
        collected=result.collected,
    )


async def approve_order(
    shop: Shop, order_id: int, *, actor: str, note: str | None = None
) -> OrderChange:
    """An admin checked a flagged payment at the provider and accepts it: the flag goes, the
    reason stays in the history, and the order's digital items are planned for sending."""
    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        if not order.needs_review:
            raise NotUnderReview(order.id)
        if order.status not in APPROVABLE:
            raise NotApprovable(order.id, order.status)
        reason = order.review_reason or worded(PAYMENT_CHECK)
        cleared = N_("review cleared by {actor}: {reason}")
        history = worded(cleared, actor=actor, reason=reason)
        if note:  # the admin's own words, kept as typed
            history = worded(N_("{note} ({comment})"), note=history, comment=note)
        if not await uow.orders.clear_review(order, actor=actor, note=history):
            raise NotUnderReview(order.id)
        status, customer_id, ships = order.status, order.customer.telegram_id, order.needs_shipping
        collected = is_pickup(order.shipping_option)
        plan = await downloads.plan_delivery(uow, order_id, shop.settings.catalog_path)
    text = partial(
        notices.payment_approved,
        order_id=order_id,
        ships=ships,
        downloads=bool(plan.downloads),
        collected=collected,
    )
    return OrderChange(
        order_id, customer_id, status, status, text, delivery=plan, collected=collected
    )


async def flag_for_review(shop: Shop, order_id: int, reason: str) -> None:
    """Mark the order for an admin's attention (payment mismatch, failed refund...)."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        if order is not None:
            uow.orders.flag_for_review(order, reason)
