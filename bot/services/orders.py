"""Order lifecycle use cases: ship, deliver, cancel, refund, and the messages they cause.

Each function is one use case on the order table in bot/store/order_states.py. It returns an
`OrderChange` (what moved, what the shopper should be told) and raises domain errors that
carry a message fit for an admin's chat. Admin handlers call these; they never touch SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram.error import Forbidden, TelegramError

from bot.money import STARS, format_money
from bot.pacing import BULK, ShopBot
from bot.shop import Shop
from bot.store.models import Order
from bot.store.order_states import STATUS_LABELS, OrderStatus, next_status
from bot.store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.services.downloads import DeliveryPlan

log = logging.getLogger(__name__)


# -- Plain data the handlers render (no ORM objects leave the services) ----------------------


@dataclass(frozen=True)
class LineSummary:
    product_id: int
    sku: str
    title: str
    unit_price: int
    quantity: int

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderSummary:
    order_id: int
    customer_telegram_id: int
    status: str
    currency: str
    lines: tuple[LineSummary, ...]
    items_total: int
    discount_total: int
    shipping_total: int
    total: int
    refunded_amount: int
    needs_shipping: bool
    shipping_option: str | None
    tracking_number: str | None
    needs_review: bool
    created_at: datetime
    paid_at: datetime | None

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def money(self, amount: int) -> str:
        return format_money(amount, self.currency)


def status_label(status: str) -> str:
    try:
        return STATUS_LABELS[OrderStatus(status)]
    except ValueError:
        return status


def summarize(order: Order) -> OrderSummary:
    """A plain snapshot of an order loaded with its lines and customer."""
    return OrderSummary(
        order_id=order.id,
        customer_telegram_id=order.customer.telegram_id,
        status=order.status,
        currency=order.currency,
        lines=tuple(
            LineSummary(line.product_id, line.sku, line.title, line.unit_price, line.quantity)
            for line in order.lines
        ),
        items_total=order.items_total,
        discount_total=order.discount_total,
        shipping_total=order.shipping_total,
        total=order.total,
        refunded_amount=order.refunded_amount,
        needs_shipping=order.needs_shipping,
        shipping_option=order.shipping_option,
        tracking_number=order.tracking_number,
        needs_review=order.needs_review,
        created_at=order.created_at,
        paid_at=order.paid_at,
    )


def lines_text(order: OrderSummary) -> str:
    """ "2 × Stoneware Mug — $32.00" per line, then discount, shipping and total."""
    rows = [
        f"{line.quantity} × {line.title} — {order.money(line.line_total)}" for line in order.lines
    ]
    if order.discount_total:
        rows.append(f"Discount: −{order.money(order.discount_total)}")
    if order.needs_shipping and order.shipping_option:
        rows.append(f"Shipping ({order.shipping_option}): {order.money(order.shipping_total)}")
    rows.append(f"Total: {order.money(order.total)}")
    return "\n".join(rows)


# -- Domain errors ---------------------------------------------------------------------------


class OrderError(Exception):
    """An order use case refused; str(error) is a sentence for the person who asked."""


class OrderNotFound(OrderError):
    def __init__(self, order_id: int) -> None:
        super().__init__(f"There is no order #{order_id}.")
        self.order_id = order_id


class OrderUnderReview(OrderError):
    def __init__(self, order_id: int, reason: str | None) -> None:
        super().__init__(
            f"Order #{order_id} is flagged for review ({reason or 'payment check'}): "
            "check the payment before fulfilling it."
        )


class NotUnderReview(OrderError):
    def __init__(self, order_id: int) -> None:
        super().__init__(
            f"Order #{order_id} is not flagged for review: there is nothing to approve."
        )


class NotApprovable(OrderError):
    def __init__(self, order_id: int, status: str) -> None:
        super().__init__(
            f"Order #{order_id} is {status_label(status)}: only a paid order can be approved."
        )


class RefundTooLarge(OrderError):
    def __init__(self, order_id: int, requested: int, refundable: int, currency: str) -> None:
        super().__init__(
            f"Order #{order_id} can be refunded at most {format_money(refundable, currency)} "
            f"more; {format_money(requested, currency)} is too much."
        )
        self.requested = requested
        self.refundable = refundable


class RefundNotPossible(OrderError):
    """Nothing was paid, a Stars refund that is not full, no way to reach the provider."""


class RefundFailed(OrderError):
    """The provider refused or could not be reached; nothing was counted as refunded."""


# -- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundInfo:
    amount: int
    currency: str
    provider_refund_id: str | None
    refunded_total: int

    def describe(self) -> str:
        return format_money(self.amount, self.currency)


@dataclass(frozen=True)
class OrderChange:
    """What a lifecycle move did, and the message the shopper gets about it."""

    order_id: int
    customer_telegram_id: int
    old_status: str
    new_status: str
    message_for_shopper: str
    refund: RefundInfo | None = None
    refund_error: str | None = None
    delivery: DeliveryPlan | None = None
    """Digital items to send after the shopper's message (an approved payment)."""


# -- Use cases -------------------------------------------------------------------------------


async def _load(uow: UnitOfWork, order_id: int) -> Order:
    order = await uow.orders.get(order_id)
    if order is None:
        raise OrderNotFound(order_id)
    return order


async def ship_order(
    shop: Shop, order_id: int, *, actor: str, tracking: str | None = None
) -> OrderChange:
    """Paid → shipped, with an optional tracking number. Orders under review are refused."""
    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        next_status(order.status, "ship")  # refuse early, with the lifecycle's own error
        if order.needs_review:
            raise OrderUnderReview(order.id, order.review_reason)
        old = order.status
        tracking = (tracking or "").strip() or None
        order.tracking_number = tracking
        await uow.orders.transition(order, "ship", actor=actor, note=tracking)
        text = f"🚚 Your order #{order.id} is on its way."
        if tracking:
            text += f"\nTracking number: {tracking}"
        return OrderChange(order.id, order.customer.telegram_id, old, order.status, text)


async def deliver_order(shop: Shop, order_id: int, *, actor: str) -> OrderChange:
    """Shipped → delivered."""
    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        old = order.status
        await uow.orders.transition(order, "deliver", actor=actor)
        text = f"📦 Your order #{order.id} has been delivered. Enjoy, and thank you!"
        return OrderChange(order.id, order.customer.telegram_id, old, order.status, text)


async def cancel_order(
    shop: Shop,
    order_id: int,
    *,
    actor: str,
    reason: str | None = None,
    bot: ShopBot | None = None,
) -> OrderChange:
    """Cancel an order: an unpaid one releases its held stock; a paid one is restocked and
    refunded in full (what is left of it). A failed refund leaves the order cancelled and
    flagged for review; the change says so in `refund_error`.
    """
    from bot.payments.refunds import refund_payment  # refunds build on these errors

    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        old = order.status
        was_paid = order.status != OrderStatus.AWAITING_PAYMENT
        await uow.orders.transition(order, "cancel", actor=actor, note=reason)
        if await uow.orders.claim_hold(order.id, "released"):
            for line in order.lines:
                await uow.products.release(line.product_id, line.quantity)
        elif await uow.orders.claim_hold(order.id, "returned", from_status="sold"):
            for line in order.lines:
                await uow.products.restock(line.product_id, line.quantity)
        owed = order.total - order.refunded_amount if was_paid else 0
        customer_id = order.customer.telegram_id

    because = f" ({reason})" if reason else ""
    text = f"✖️ Your order #{order_id} has been cancelled{because}."
    if not owed:
        return OrderChange(order_id, customer_id, old, OrderStatus.CANCELLED, text)
    try:
        refund = await refund_payment(
            shop, order_id, amount=None, actor=actor, reason=reason, bot=bot
        )
    except OrderError as exc:
        await flag_for_review(shop, order_id, f"refund after cancel failed: {exc}")
        text += " Your refund is being processed; we'll message you when it's done."
        return OrderChange(
            order_id, customer_id, old, OrderStatus.CANCELLED, text, refund_error=str(exc)
        )
    text += f" We refunded {refund.info.describe()}."
    return OrderChange(order_id, customer_id, old, refund.new_status, text, refund=refund.info)


async def refund_order(
    shop: Shop,
    order_id: int,
    *,
    amount: int | None = None,
    actor: str,
    reason: str | None = None,
    bot: ShopBot | None = None,
) -> OrderChange:
    """Refund `amount` minor units (None = everything not yet refunded) at the provider.

    Raises RefundTooLarge beyond what was paid minus refunded, RefundNotPossible (nothing paid,
    a partial Stars refund), RefundFailed when the provider says no, IllegalOrderTransition.
    `bot` makes Stars refunds; without it one is built from the settings.
    """
    from bot.payments.refunds import refund_payment

    result = await refund_payment(
        shop, order_id, amount=amount, actor=actor, reason=reason, bot=bot
    )
    money = result.info.describe()
    if result.new_status == OrderStatus.REFUNDED:
        text = f"↩️ Order #{order_id} has been refunded: {money}."
    else:
        text = f"↩️ We refunded {money} of order #{order_id}."
    if reason:
        text += f"\nReason: {reason}"
    if result.info.currency == STARS:
        text += "\nThe Stars are back in your Telegram balance."
    else:
        text += "\nIt can take a few days to show on your statement."
    return OrderChange(
        order_id,
        result.customer_telegram_id,
        result.old_status,
        result.new_status,
        text,
        refund=result.info,
    )


APPROVABLE_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


async def approve_order(
    shop: Shop, order_id: int, *, actor: str, note: str | None = None
) -> OrderChange:
    """An admin checked a flagged payment at the provider and accepts it: the flag goes, the
    reason stays in the history, and the order's digital items are planned for sending."""
    from bot.services import downloads  # downloads alerts admins through this module

    async with shop.store.uow() as uow:
        order = await _load(uow, order_id)
        if not order.needs_review:
            raise NotUnderReview(order.id)
        if order.status not in APPROVABLE_STATUSES:
            raise NotApprovable(order.id, order.status)
        reason = order.review_reason or "payment check"
        history = f"review cleared by {actor}: {reason}" + (f" ({note})" if note else "")
        if not await uow.orders.clear_review(order, actor=actor, note=history):
            raise NotUnderReview(order.id)
        status, customer_id, ships = order.status, order.customer.telegram_id, order.needs_shipping
    plan = await downloads.plan_delivery(shop, order_id)
    text = f"✅ Your payment for order #{order_id} is confirmed, thank you!"
    if ships:
        text += " We're preparing your order and will message you here when it ships."
    if plan.downloads:
        text += " Your digital items follow below."
    return OrderChange(order_id, customer_id, status, status, text, delivery=plan)


async def flag_for_review(shop: Shop, order_id: int, reason: str) -> None:
    """Mark the order for an admin's attention (payment mismatch, failed refund...)."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        if order is not None:
            order.needs_review = True
            order.review_reason = (
                reason if not order.review_reason else (f"{order.review_reason}; {reason}")
            )


# -- Telling people --------------------------------------------------------------------------


async def notify_shopper(bot: ShopBot, change: OrderChange) -> bool:
    """Send the shopper the change's message; False if they cannot be reached (blocked...)."""
    return await send_quietly(
        bot, change.customer_telegram_id, change.message_for_shopper, bulk=True
    )


async def alert_admins(bot: ShopBot, admin_ids: Iterable[int], text: str) -> int:
    """Send `text` to every admin; how many got it."""
    sent = 0
    for admin_id in sorted(admin_ids):
        sent += await send_quietly(bot, admin_id, text, bulk=True)
    return sent


async def send_quietly(bot: ShopBot, chat_id: int, text: str, *, bulk: bool = False) -> bool:
    """A notification must never break the use case that caused it: log and go on.

    `bulk`: nobody asked for this message (an alert, a notice), so it queues with the other
    bulk sends at BROADCAST_RATE (bot.pacing).
    """
    try:
        await bot.send_message(chat_id, text, rate_limit_args=BULK if bulk else None)
    except Forbidden:
        log.info("chat %s has blocked the bot; notification dropped", chat_id)
        return False
    except TelegramError as exc:
        log.warning("could not notify chat %s: %s", chat_id, exc)
        return False
    return True
