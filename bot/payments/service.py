"""Payment use cases: place an order from the cart, answer Telegram's queries, take the money.

Stock is held while an invoice is open (`Product.reserved`), turned into a sale when the
payment arrives, and given back when the invoice expires, is cancelled or is replaced by a new
checkout. Every stock change is one conditional UPDATE (see ProductRepository); each use case
here is one unit of work and never waits on Telegram or Stripe inside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.money import STARS, format_money
from bot.payments.payload import InvalidPayload, InvoicePayload, verify_payload
from bot.payments.shipping import ShippingChoice, ShippingRefused, shipping_options, shipping_price
from bot.payments.verification import initial_status
from bot.services.orders import OrderError, OrderSummary, flag_for_review, summarize
from bot.shop import Shop
from bot.store.models import Order, OrderLine, Payment, utcnow
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)

# After the shopper confirms in the payment form, keep the hold a little longer so the
# expiry job cannot release stock under a payment that is already on its way.
PAYMENT_IN_FLIGHT_GRACE = timedelta(minutes=2)


# -- Errors the shopper sees -----------------------------------------------------------------


class CheckoutRefused(Exception):
    """Checkout cannot go on; str(error) tells the shopper why and what to do."""


class EmptyCart(CheckoutRefused):
    def __init__(self) -> None:
        super().__init__("Your cart is empty. Add something from /catalog first.")


@dataclass(frozen=True)
class Shortage:
    title: str
    wanted: int
    available: int


class OutOfStock(CheckoutRefused):
    def __init__(self, shortages: list[Shortage]) -> None:
        parts = [
            f"{s.title}: only {s.available} left (you asked for {s.wanted})"
            if s.available > 0
            else f"{s.title}: sold out"
            for s in shortages
        ]
        super().__init__(
            "Sorry, not enough stock for your order:\n"
            + "\n".join(f"• {part}" for part in parts)
            + "\nPlease adjust your cart and check out again."
        )
        self.shortages = shortages


class WrongCurrency(CheckoutRefused):
    def __init__(self, titles: list[str], currency: str) -> None:
        shown = "Telegram Stars" if currency == STARS else currency
        super().__init__(
            f"{', '.join(titles)} can't be paid in {shown}, the currency this shop takes. "
            "Please remove it from your cart; the shop has been told."
        )
        self.titles = titles


class NeedsShippingInStars(CheckoutRefused):
    def __init__(self, titles: list[str]) -> None:
        super().__init__(
            f"{', '.join(titles)} must be shipped, and Telegram Stars invoices cannot ask for "
            "a shipping address. Please remove it from your cart."
        )


# -- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleasedHold:
    """An open invoice whose stock went back on the shelf."""

    order_id: int
    customer_telegram_id: int
    invoice_message_id: int | None


@dataclass(frozen=True)
class PlacedOrder:
    order: OrderSummary
    photo_url: str | None
    released: list[ReleasedHold]


@dataclass(frozen=True)
class IncomingPayment:
    """A successful_payment as Telegram reported it."""

    user_id: int
    payload: str
    currency: str
    total_amount: int
    telegram_payment_charge_id: str
    provider_payment_charge_id: str
    shipping_option_id: str | None = None
    shipping_address: dict[str, Any] | None = None


PaymentKind = Literal["paid", "duplicate", "stock_gone", "review", "unknown_order"]


@dataclass(frozen=True)
class PaymentOutcome:
    """What a successful_payment did: `paid` is the normal case.

    duplicate: the same charge was already recorded (a replayed update): nothing changed.
    stock_gone: the hold expired and the goods sold out; the payment must be refunded.
    review: recorded, but something is off (payer, amount, order state): admins decide.
    unknown_order: the payload names no order of ours; nothing recorded, admins alerted.
    """

    kind: PaymentKind
    order: OrderSummary | None = None
    payment_id: int | None = None
    note: str | None = None
    verify: bool = False


# -- Checkout --------------------------------------------------------------------------------


async def place_order(shop: Shop, *, telegram_id: int, now: datetime | None = None) -> PlacedOrder:
    """Turn the shopper's cart into an order awaiting payment and hold its stock.

    One unit of work: the shopper's previous open invoice is released first, then every line
    is reserved; if any line is short, everything rolls back and OutOfStock names each one.
    """
    settings = shop.settings
    now = now or utcnow()
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        released = [
            hold
            for order in await uow.orders.open_holds_for_customer(customer.id)
            if (hold := await _release(uow, order, telegram_id, "replaced by a new checkout"))
        ]
        cart = await uow.carts.get_for_customer(customer.id)
        lines = [line for line in cart.lines if line.quantity > 0]
        if not lines:
            raise EmptyCart()
        foreign = [
            line.product.title for line in lines if line.product.currency != settings.currency
        ]
        if foreign:
            raise WrongCurrency(foreign, settings.currency)
        physical = [line.product.title for line in lines if not line.product.is_digital]
        if settings.uses_stars and physical:
            raise NeedsShippingInStars(physical)

        items_total = sum(line.product.price * line.quantity for line in lines)
        order = Order(
            customer_id=customer.id,
            status=OrderStatus.AWAITING_PAYMENT.value,
            currency=settings.currency,
            items_total=items_total,
            discount_total=0,
            shipping_total=0,
            total=items_total,
            needs_shipping=bool(physical),
            hold_status="held",
            hold_expires_at=now + timedelta(minutes=settings.reservation_minutes),
            created_at=now,
            lines=[
                OrderLine(
                    product_id=line.product_id,
                    sku=line.product.sku,
                    title=line.product.title,
                    unit_price=line.product.price,
                    currency=line.product.currency,
                    quantity=line.quantity,
                )
                for line in lines
            ],
        )
        shortages = []
        for line in lines:
            if not await uow.products.reserve(line.product_id, line.quantity):
                product = await uow.products.get(line.product_id)
                available = product.available if product and product.is_active else 0
                shortages.append(Shortage(line.product.title, line.quantity, max(available, 0)))
        if shortages:
            raise OutOfStock(shortages)
        await uow.orders.add(order)
        loaded = await uow.orders.get(order.id)
        assert loaded is not None
        photo = next((line.product.photo for line in lines if line.product.photo), None)
        return PlacedOrder(summarize(loaded), photo, released)


async def _release(
    uow: UnitOfWork, order: Order, telegram_id: int, why: str, actor: str = "system"
) -> ReleasedHold | None:
    """Give an open invoice's stock back and cancel it; None if it was no longer held."""
    if not await uow.orders.claim_hold(order.id, "released"):
        return None
    for line in order.lines:
        await uow.products.release(line.product_id, line.quantity)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        await uow.orders.transition(order, "cancel", actor=actor, note=why)
    return ReleasedHold(order.id, telegram_id, order.invoice_message_id)


async def mark_invoice_sent(shop: Shop, order_id: int, message_id: int) -> None:
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        if order is not None:
            order.invoice_message_id = message_id


async def release_order(shop: Shop, order_id: int, *, why: str) -> ReleasedHold | None:
    """Cancel one open invoice (e.g. sendInvoice failed), giving its stock back."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            return None
        return await _release(uow, order, order.customer.telegram_id, why)


async def cancel_open_invoices(
    shop: Shop, *, telegram_id: int, actor: str = "shopper"
) -> list[ReleasedHold]:
    """The shopper's /cancel: every open invoice of theirs is cancelled, its stock released."""
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            return []
        return [
            hold
            for order in await uow.orders.open_holds_for_customer(customer.id)
            if (hold := await _release(uow, order, telegram_id, "cancelled by the shopper", actor))
        ]


async def expire_holds(shop: Shop, *, now: datetime | None = None) -> list[ReleasedHold]:
    """Release every hold past its expiry and cancel those orders (the periodic job's body)."""
    async with shop.store.uow() as uow:
        return [
            hold
            for order in await uow.orders.expired_holds(now or utcnow())
            if (hold := await _release(uow, order, order.customer.telegram_id, "invoice expired"))
        ]


# -- Telegram's queries ----------------------------------------------------------------------


class PaymentRefused(Exception):
    """The shipping or pre-checkout query must be answered ok=False with this message."""


async def _payable_order(
    uow: UnitOfWork, shop: Shop, *, user_id: int, payload: str
) -> tuple[InvoicePayload, Order]:
    try:
        ids = verify_payload(payload, shop.settings.payload_secret)
    except InvalidPayload:
        raise PaymentRefused(
            "This invoice is not valid. Please open your /cart and check out again."
        ) from None
    if ids.user_id != user_id:
        raise PaymentRefused(
            "This invoice was made for someone else. Open your own /cart to check out."
        )
    order = await uow.orders.get(ids.order_id)
    if order is None or order.customer.telegram_id != user_id:
        raise PaymentRefused("We can't find this order. Please check out again from your /cart.")
    if order.status != OrderStatus.AWAITING_PAYMENT:
        if order.status == OrderStatus.CANCELLED:
            raise PaymentRefused(
                f"Order #{order.id} has expired or was cancelled. "
                "Please check out again from your /cart."
            )
        raise PaymentRefused(f"Order #{order.id} is already paid. See /orders.")
    return ids, order


def _goods_total(order: Order) -> int:
    return order.items_total - order.discount_total


async def shipping_choices(
    shop: Shop, *, user_id: int, payload: str, country_code: str
) -> list[ShippingChoice]:
    """The options to offer for this address, or PaymentRefused / ShippingRefused."""
    async with shop.store.uow() as uow:
        _, order = await _payable_order(uow, shop, user_id=user_id, payload=payload)
        goods = _goods_total(order)
    return shipping_options(shop.settings, goods_total=goods, country_code=country_code)


async def check_pre_checkout(
    shop: Shop,
    *,
    user_id: int,
    payload: str,
    currency: str,
    total_amount: int,
    shipping_option_id: str | None,
    country_code: str | None,
    now: datetime | None = None,
) -> None:
    """Raise PaymentRefused unless this payment may go ahead exactly as asked.

    Payload ours and for this user, order still awaiting payment, its stock still held,
    currency and total (with the chosen shipping) exactly right. On success the hold is
    stretched by a short grace so it cannot expire while the money is moving.
    """
    now = now or utcnow()
    async with shop.store.uow() as uow:
        _, order = await _payable_order(uow, shop, user_id=user_id, payload=payload)
        if currency != order.currency:
            raise PaymentRefused(
                f"This payment is in {currency}, but order #{order.id} is in {order.currency}. "
                "Please check out again."
            )
        expected = _goods_total(order)
        if order.needs_shipping and order.currency != STARS:
            if not shipping_option_id:
                raise PaymentRefused("Please choose a shipping option.")
            try:
                choice = shipping_price(
                    shop.settings,
                    option_id=shipping_option_id,
                    goods_total=expected,
                    country_code=country_code or "",
                )
            except ShippingRefused as exc:
                raise PaymentRefused(str(exc)) from None
            expected += choice.price
        if total_amount != expected:
            raise PaymentRefused(
                f"The amount {format_money(total_amount, currency)} does not match order "
                f"#{order.id} ({format_money(expected, order.currency)}). Please check out again."
            )
        expires = order.hold_expires_at
        if order.hold_status != "held" or expires is None or expires <= now:
            raise PaymentRefused(
                f"The items of order #{order.id} were held for you for "
                f"{shop.settings.reservation_minutes} minutes and the hold has expired. "
                "Please check out again from your /cart."
            )
        order.hold_expires_at = max(expires, now + PAYMENT_IN_FLIGHT_GRACE)


# -- The money arrives -----------------------------------------------------------------------


class _SoldOut(Exception):
    pass


async def record_payment(
    shop: Shop, incoming: IncomingPayment, *, now: datetime | None = None
) -> PaymentOutcome:
    """Record a successful payment exactly once and turn the order's hold into a sale.

    Keyed by telegram_payment_charge_id: a replay returns `duplicate` and changes nothing.
    If the hold was released meanwhile, the goods are sold from free stock if any is left;
    otherwise the outcome is `stock_gone` (the caller refunds: see settle_stock_gone).
    """
    now = now or utcnow()
    try:
        ids = verify_payload(incoming.payload, shop.settings.payload_secret)
    except InvalidPayload:
        return PaymentOutcome("unknown_order", note="the invoice payload is not ours")
    async with shop.store.uow() as uow:
        existing = await uow.payments.get_by_charge_id(incoming.telegram_payment_charge_id)
        if existing is not None:
            return PaymentOutcome("duplicate", payment_id=existing.id)
        order = await uow.orders.get(ids.order_id)
        if order is None:
            return PaymentOutcome("unknown_order", note=f"order #{ids.order_id} does not exist")
        provider = "stars" if incoming.currency == STARS else "stripe"
        payment = await uow.payments.add_once(
            Payment(
                order_id=order.id,
                provider=provider,
                telegram_payment_charge_id=incoming.telegram_payment_charge_id,
                provider_payment_charge_id=incoming.provider_payment_charge_id or None,
                payer_telegram_id=incoming.user_id,
                amount=incoming.total_amount,
                currency=incoming.currency,
                shipping_option=incoming.shipping_option_id,
                shipping_address=incoming.shipping_address,
                verification_status=initial_status(shop, provider),
                created_at=now,
            )
        )
        if payment is None:
            return PaymentOutcome("duplicate")

        problems = _payment_problems(shop, order, ids, incoming)
        if order.status not in (OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED):
            # Paid twice (another charge got here first): keep the money on record, ask admins.
            note = (
                f"a second payment {incoming.telegram_payment_charge_id} for a {order.status} order"
            )
            order.needs_review = True
            order.review_reason = note
            return PaymentOutcome("review", summarize(order), payment.id, note)

        order.shipping_option = incoming.shipping_option_id
        order.shipping_address = incoming.shipping_address
        order.shipping_total = max(incoming.total_amount - _goods_total(order), 0)
        order.total = _goods_total(order) + order.shipping_total
        order.paid_at = now
        sold_out = await _take_stock(uow, order)
        await uow.orders.transition(
            order, "pay", actor=f"user:{incoming.user_id}", note=incoming.telegram_payment_charge_id
        )
        await _remove_bought_from_cart(uow, order)
        if problems:
            order.needs_review = True
            order.review_reason = "; ".join(problems)
        summary = summarize(order)
        if sold_out:
            return PaymentOutcome("stock_gone", summary, payment.id, f"{sold_out} sold out")
        kind: PaymentKind = "review" if problems else "paid"
        verify = payment.verification_status == "pending"
        return PaymentOutcome(kind, summary, payment.id, "; ".join(problems) or None, verify)


def _payment_problems(
    shop: Shop, order: Order, ids: InvoicePayload, incoming: IncomingPayment
) -> list[str]:
    """Things pre-checkout should have stopped; if they got through, an admin must look."""
    problems = []
    if incoming.user_id != ids.user_id or incoming.user_id != order.customer.telegram_id:
        problems.append(f"paid by user {incoming.user_id}, not the customer")
    if incoming.currency != order.currency:
        problems.append(f"paid in {incoming.currency}, order is in {order.currency}")
    if incoming.total_amount < _goods_total(order):
        problems.append(
            f"paid {format_money(incoming.total_amount, incoming.currency)}, "
            f"goods cost {format_money(_goods_total(order), order.currency)}"
        )
    return problems


async def _take_stock(uow: UnitOfWork, order: Order) -> str | None:
    """Sell the order's goods; the title that sold out, or None if all of it was taken."""
    if await uow.orders.claim_hold(order.id, "sold"):
        for line in order.lines:
            if not await uow.products.sell_reserved(line.product_id, line.quantity):
                raise RuntimeError(f"order #{order.id} held {line.sku} but the hold is gone")
        return None
    # The hold expired (or was released by a new checkout): sell from free stock, all or none.
    try:
        async with uow.session.begin_nested():
            for line in order.lines:
                if not await uow.products.sell_unreserved(line.product_id, line.quantity):
                    raise _SoldOut(line.title)
    except _SoldOut as exc:
        return str(exc)
    order.hold_status = "sold"
    return None


async def _remove_bought_from_cart(uow: UnitOfWork, order: Order) -> None:
    """Take what was bought out of the cart, leaving anything added since."""
    cart = await uow.carts.get_for_customer(order.customer_id)
    bought = {line.product_id: line.quantity for line in order.lines}
    for line in list(cart.lines):
        if line.product_id in bought:
            await uow.carts.set_quantity(
                cart, line.product_id, line.quantity - bought[line.product_id]
            )


async def settle_stock_gone(shop: Shop, order_id: int) -> str:
    """Refund a payment whose goods sold out; the sentence the shopper gets."""
    from bot.payments.refunds import refund_payment

    reason = "sold out while the invoice was open"
    try:
        refund = await refund_payment(shop, order_id, amount=None, actor="system", reason=reason)
    except OrderError as exc:
        await flag_for_review(shop, order_id, f"automatic refund failed: {exc}")
        return (
            f"😔 Sorry: the hold on order #{order_id} expired and the items sold out before "
            "your payment arrived. We'll refund you in full; the shop has been alerted."
        )
    money = format_money(refund.info.amount, refund.info.currency)
    return (
        f"😔 Sorry: the hold on order #{order_id} expired and the items sold out before "
        f"your payment arrived. We refunded {money} in full."
    )
