"""Telegram's payment updates as use cases: the shipping query, the pre-checkout query, the
successful payment, and the two jobs beside them (expired holds, Stripe checks to retry).

Stock held by an open invoice (bot.services.checkout) turns into a sale when the payment
arrives. Each step is one short unit of work and never waits on Telegram or Stripe inside
it; what people must hear goes out through the notifier afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

from bot import i18n, notices
from bot.config import Settings
from bot.conversation import engine
from bot.gift_card_alerts import alert_not_back
from bot.i18n import N_, Translator, worded
from bot.money import STARS, telegram_maximum
from bot.payments.payload import InvalidPayload, InvoicePayload, sign_payload, verify_payload
from bot.payments.shipping import (
    ShippingChoice,
    ShippingRefused,
    shipping_options,
    shipping_price,
)
from bot.payments.stars import StarPayment
from bot.services import (
    blocking,
    bundles,
    checkout,
    delivery_slots,
    gift_cards,
    promos,
    sales_pause,
)
from bot.services.checkout import ReleasedHold
from bot.services.downloads import DeliveryPlan
from bot.services.errors import OrderError, RefundDeferred, RefundFailed
from bot.services.order_minimum import BelowMinimumOrder, check_minimum_order
from bot.services.order_summary import OrderSummary, summarize
from bot.services.pickup import is_pickup, pickup_point
from bot.services.refunds import second_payment_unrefunded
from bot.services.sales_pause import SalesPaused
from bot.shop import Shop
from bot.store.models import Order, OrderLine, Payment, utcnow
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork
from bot.tax import included
from bot.usecases import deliveries
from bot.usecases.alerts import low_stock_alerts
from bot.usecases.orders import flag_for_review
from bot.usecases.refunds import refund_payment, refund_second_payment
from bot.usecases.verification import SKIPPED, initial_status, verify_payment, verify_pending

log = logging.getLogger(__name__)

# After the shopper confirms in the payment form, keep the hold a little longer so the
# expiry job cannot release stock under a payment that is already on its way.
PAYMENT_IN_FLIGHT_GRACE = timedelta(minutes=2)
# Telegram cancels the payment if pre-checkout is not answered within 10 seconds.
PRE_CHECKOUT_BUDGET_SECONDS = 7.0
# The shopper's confirmation waits at most this long for Stripe; the job retries later.
VERIFY_BUDGET_SECONDS = 6.0
CARD_SPENT_MEANWHILE = N_(
    "paid after its hold expired, and its gift card {code} had been spent meanwhile: the "
    "card's part of the goods is unpaid"
)
SORRY = N_("Something went wrong on our side and you have not been charged. Please try again.")


class PaymentRefused(Exception):
    """The shipping or pre-checkout query must be answered ok=False with this message."""


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
    payer_name: str = ""  # how admins read who paid: "Alice (id 1001)"


PaymentKind = Literal["paid", "duplicate", "paid_twice", "stock_gone", "review", "unknown_order"]
PAYABLE = (OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED)  # a first payment finds these


@dataclass(frozen=True)
class PaymentOutcome:
    """What a successful_payment did: `paid` is the normal case.

    duplicate: the same charge was already recorded (a replayed update): nothing changed.
    paid_twice: another charge for an order paid already: recorded, not the order's payment;
    the caller refunds it (settle_paid_twice).
    stock_gone: the hold expired and the goods sold out; the payment must be refunded.
    review: recorded, but something is off (payer, amount, order state): admins decide.
    unknown_order: the payload names no order of ours; nothing recorded, admins alerted.
    """

    kind: PaymentKind
    order: OrderSummary | None = None
    payment_id: int | None = None
    note: str | None = None
    verify: bool = False


@dataclass(frozen=True)
class TakenPayment:
    """A successful payment after the shop took it: what to answer, and what comes next."""

    incoming: IncomingPayment
    outcome: PaymentOutcome
    review_reason: str | None = None  # set: an admin must look before anything ships
    delivery: DeliveryPlan | None = None  # digital items to send after the receipt
    apology: str | None = None  # stock_gone: what the shopper is told about their refund
    retrying: str | None = None  # paid_twice, stock_gone: why the refund is tried again


# ---------------------------------------------------------------- Telegram's queries


async def _payable_order(
    uow: UnitOfWork, shop: Shop, *, user_id: int, payload: str
) -> tuple[InvoicePayload, Order]:
    tr = i18n.current()  # the payer (bot.handlers.language reads their choice for payments)
    try:
        ids = verify_payload(payload, shop.settings.payload_secret)
    except InvalidPayload:
        raise PaymentRefused(
            tr._("This invoice is not valid. Please open your /cart and check out again.")
        ) from None
    if ids.user_id != user_id:
        raise PaymentRefused(
            tr._("This invoice was made for someone else. Open your own /cart to check out.")
        )
    order = await uow.orders.get(ids.order_id)
    if order is None or order.customer.telegram_id != user_id:
        raise PaymentRefused(
            tr._("We can't find this order. Please check out again from your /cart.")
        )
    if order.customer.blocked_at is not None:  # an invoice sent before the shop blocked her
        raise PaymentRefused(tr._(blocking.REFUSAL))
    if order.status != OrderStatus.AWAITING_PAYMENT:
        if order.status == OrderStatus.CANCELLED:
            raise PaymentRefused(
                tr._(
                    "Order #{order_id} has expired or was cancelled. "
                    "Please check out again from your /cart.",
                    order_id=order.id,
                )
            )
        raise PaymentRefused(
            tr._("Order #{order_id} is already paid. See /orders.", order_id=order.id)
        )
    return ids, order


ABOVE_LIMIT_WITH_TIP = N_(
    "With shipping and the tip this payment comes to {total}, and Telegram takes at most {limit} "
    "in one payment in {currency}. Choose a smaller tip, then pay again."
)


def _goods_total(order: Order) -> int:
    return order.items_total - order.discount_total


def _goods_to_pay(order: Order) -> int:
    """What the invoice charges for the goods: the gift card paid the rest."""
    return _goods_total(order) - order.gift_card_amount


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
        tr = i18n.current()
        try:
            await sales_pause.check_open(uow)
        except SalesPaused as paused:
            raise PaymentRefused(paused.refusal(tr)) from None
        try:  # an invoice sent before MIN_ORDER was raised is not paid below it
            check_minimum_order(_goods_total(order), shop.settings)
        except BelowMinimumOrder as short:
            raise PaymentRefused(short.said(tr)) from None
        if currency != order.currency:
            raise PaymentRefused(
                tr._(
                    "This payment is in {currency}, but order #{order_id} is in {expected}. "
                    "Please check out again.",
                    currency=currency,
                    order_id=order.id,
                    expected=order.currency,
                )
            )
        expected = _goods_to_pay(order)
        if order.needs_shipping and order.currency != STARS:
            if not shipping_option_id:
                raise PaymentRefused(tr._("Please choose a shipping option."))
            try:
                choice = shipping_price(
                    shop.settings,
                    option_id=shipping_option_id,
                    goods_total=_goods_total(order),
                    country_code=country_code or "",
                )
            except ShippingRefused as exc:
                raise PaymentRefused(str(exc)) from None
            expected += choice.price
        tip = total_amount - expected
        if tip and not (shop.settings.tips_on and 0 < tip <= shop.settings.tip_max):
            raise PaymentRefused(
                tr._(
                    "The amount {amount} does not match order #{order_id} ({expected}). "
                    "Please check out again.",
                    amount=tr.money(total_amount, currency),
                    order_id=order.id,
                    expected=tr.money(expected, order.currency),
                )
            )
        if total_amount > (most := telegram_maximum(order.currency)):  # shipping and a tip
            raise PaymentRefused(
                tr._(
                    ABOVE_LIMIT_WITH_TIP,
                    total=tr.money(total_amount, currency),
                    limit=tr.money(most, currency),
                    currency=currency,
                )
            )
        expires = order.hold_expires_at
        if order.hold_status != "held" or expires is None or expires <= now:
            minutes = shop.settings.reservation_minutes
            raise PaymentRefused(
                tr.ngettext(
                    "The items of order #{order_id} were held for you for {count} minute and "
                    "the hold has expired. Please check out again from your /cart.",
                    "The items of order #{order_id} were held for you for {count} minutes and "
                    "the hold has expired. Please check out again from your /cart.",
                    minutes,
                    order_id=order.id,
                    count=minutes,
                )
            )
        order.hold_expires_at = max(expires, now + PAYMENT_IN_FLIGHT_GRACE)


async def pre_checkout_answer(shop: Shop, **query: Any) -> str | None:
    """The error to answer pre-checkout with, or None to let the payment go ahead.

    Answered within Telegram's 10 seconds whatever happens: a check that fails or takes too
    long refuses the payment (nothing is charged) instead of leaving the form spinning.
    """
    try:
        async with asyncio.timeout(PRE_CHECKOUT_BUDGET_SECONDS):
            await check_pre_checkout(shop, **query)
    except PaymentRefused as exc:
        return str(exc)
    except Exception:
        log.exception("pre-checkout check failed")
        return i18n.current()._(SORRY)
    return None


# ---------------------------------------------------------------- the money arrives


class _SoldOut(Exception):
    def __init__(self, line: OrderLine) -> None:
        super().__init__(line.title)
        self.line = line


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
        return PaymentOutcome("unknown_order", note=worded(N_("the invoice payload is not ours")))
    async with shop.store.uow() as uow:
        existing = await uow.payments.get_by_charge_id(incoming.telegram_payment_charge_id)
        if existing is not None:
            return PaymentOutcome("duplicate", payment_id=existing.id)
        order = await uow.orders.get(ids.order_id)
        if order is None:
            missing = worded(N_("order #{order_id} does not exist"), order_id=ids.order_id)
            return PaymentOutcome("unknown_order", note=missing)
        provider = _provider(incoming)
        # Paid already (another charge got here first): this one is not the order's payment.
        paid_twice = order.paid_at is not None or order.status not in PAYABLE
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
                verification_status=SKIPPED if paid_twice else initial_status(shop, provider),
                created_at=now,
            )
        )
        if payment is None:
            return PaymentOutcome("duplicate")

        if paid_twice:  # kept on record, and refunded by the caller (settle_paid_twice)
            note = worded(
                N_("second payment {charge_id} for a paid order"),
                charge_id=incoming.telegram_payment_charge_id,
            )
            return PaymentOutcome("paid_twice", summarize(order), payment.id, note)
        problems = _payment_problems(order, ids, incoming)

        order.shipping_option = incoming.shipping_option_id
        point = pickup_point(shop.settings, incoming.shipping_option_id)
        order.pickup_place = point.place if point else None
        order.shipping_address = incoming.shipping_address
        order.shipping_total, order.tip_amount = _shipping_and_tip(shop, order, incoming)
        _tax_shipping(order)
        order.paid_at = now
        sold_out = await _take_stock(uow, order, problems)
        await _keep_delivery_time(uow, shop.settings, order, problems)
        order.total = _goods_to_pay(order) + order.shipping_total + order.tip_amount
        await uow.orders.transition(
            order, "pay", actor=f"user:{incoming.user_id}", note=incoming.telegram_payment_charge_id
        )
        await _remove_bought_from_cart(uow, order)
        problem = i18n.joined(*problems)
        if problem:
            uow.orders.flag_for_review(order, problem)
        summary = summarize(order)
        if sold_out:
            title = i18n.named(sold_out.title, sold_out.translations)
            gone = worded(N_("{title} sold out"), title=title)
            return PaymentOutcome("stock_gone", summary, payment.id, gone)
        kind: PaymentKind = "review" if problems else "paid"
        verify = payment.verification_status == "pending"
        return PaymentOutcome(kind, summary, payment.id, problem, verify)


def _provider(incoming: IncomingPayment) -> str:
    if incoming.telegram_payment_charge_id.startswith(CARD_CHARGE):
        return "giftcard"
    return "stars" if incoming.currency == STARS else "stripe"


def _shipping_and_tip(shop: Shop, order: Order, incoming: IncomingPayment) -> tuple[int, int]:
    """What of the payment above the goods was shipping, and what was a tip: shipping is
    priced as it was offered for the chosen option and address, the rest is the tip (only
    when the shop offers tips; otherwise all of it counts as shipping, as before tips)."""
    extra = max(incoming.total_amount - _goods_to_pay(order), 0)
    if not shop.settings.tips_on or incoming.currency == STARS:
        return extra, 0
    shipping = 0
    if order.needs_shipping and incoming.shipping_option_id:
        country = str((incoming.shipping_address or {}).get("country_code") or "")
        try:
            shipping = shipping_price(
                shop.settings,
                option_id=incoming.shipping_option_id,
                goods_total=_goods_total(order),
                country_code=country,
            ).price
        except ShippingRefused:
            return extra, 0
    shipping = min(shipping, extra)
    return shipping, extra - shipping


def _tax_shipping(order: Order) -> None:
    """The VAT its shipping includes, at the shop's rate when the order was placed (its lines'
    was stored then), added to its tax once the payment says what shipping cost. A tip is
    not taxed: nothing was sold for it."""
    if order.tax_label is None or order.tax_rate_bp is None:
        return
    order.shipping_tax = included(order.shipping_total, order.tax_rate_bp)
    order.tax_total = sum(line.tax for line in order.lines) + order.shipping_tax


def _payment_problems(order: Order, ids: InvoicePayload, incoming: IncomingPayment) -> list[str]:
    """Things pre-checkout should have stopped; if they got through, an admin must look (each
    worded for the admin who reads it)."""
    problems = []
    if incoming.user_id != ids.user_id or incoming.user_id != order.customer.telegram_id:
        problems.append(
            worded(N_("paid by user {user_id}, not the customer"), user_id=incoming.user_id)
        )
    if incoming.currency != order.currency:
        problems.append(
            worded(
                N_("paid in {paid_currency}, order is in {currency}"),
                paid_currency=incoming.currency,
                currency=order.currency,
            )
        )
    if incoming.total_amount < _goods_to_pay(order):
        problems.append(
            worded(
                N_("paid {paid}, goods cost {cost}"),
                paid=i18n.amount(incoming.total_amount, incoming.currency),
                cost=i18n.amount(_goods_to_pay(order), order.currency),
            )
        )
    return problems


async def _take_stock(uow: UnitOfWork, order: Order, problems: list[str]) -> OrderLine | None:
    """Sell the order's goods; the line that sold out, or None if all of it was taken. A
    gift card whose part went back with the hold is spent again (if it cannot be, that is
    one of the `problems` an admin must look at)."""
    if await uow.orders.claim_hold(order.id, "sold"):
        for line in order.lines:
            if not await bundles.sell_reserved(
                uow, line.product_id, line.quantity, line.variant_id, bundles.kept_parts(line)
            ):
                raise RuntimeError(f"order #{order.id} held {line.sku} but the hold is gone")
        await promos.use_for_payment(uow, order.id, hold_was_released=False)
        return None
    # The hold expired (or was released by a new checkout): sell from free stock, all or none.
    try:
        async with uow.session.begin_nested():
            for line in order.lines:
                if not await bundles.sell_unreserved(
                    uow, line.product_id, line.quantity, line.variant_id, bundles.kept_parts(line)
                ):
                    raise _SoldOut(line)
    except _SoldOut as exc:
        return exc.line
    order.hold_status = "sold"
    await promos.use_for_payment(uow, order.id, hold_was_released=True)
    code = order.gift_card_code
    if not await gift_cards.take_again(uow, order):
        problems.append(worded(CARD_SPENT_MEANWHILE, code=gift_cards.masked(code or "")))
    return None


SLOT_FULL_MEANWHILE = N_(
    "its delivery time {day} {window} was given back and is full now: agree another time"
    " with the shopper"
)


async def _keep_delivery_time(
    uow: UnitOfWork, settings: Settings, order: Order, problems: list[str]
) -> None:
    """The delivery time of a paid order: given back if she chose to collect it herself (a
    pickup option in the payment form); taken again if it was given back while the invoice
    was open (expired, replaced); kept without its seat when the window filled meanwhile,
    one of the `problems` an admin must settle with her."""
    if order.delivery_day is None or order.delivery_window is None:
        return
    if is_pickup(order.shipping_option):
        await delivery_slots.give_back(uow, order)
        order.delivery_day, order.delivery_window = None, None
        return
    if not await delivery_slots.retake(uow, settings, order):
        day, window = order.delivery_day.isoformat(), order.delivery_window
        problems.append(worded(SLOT_FULL_MEANWHILE, day=day, window=window))


async def _remove_bought_from_cart(uow: UnitOfWork, order: Order) -> None:
    """Take what was bought out of the cart, leaving anything added since."""
    cart = await uow.carts.get_for_customer(order.customer_id)
    if order.promo_code and cart.promo_code == order.promo_code:
        cart.promo_code = None  # used: a code is not carried on to the next order
    if order.gift_card_code and cart.gift_card_code == order.gift_card_code:
        cart.gift_card_code = None  # spent: the next order asks for it again
    if order.note and cart.note == order.note:
        cart.note = None
    cart.delivery_slot = None  # chosen for this order: the next one is asked again
    bought = {(line.product_id, line.variant_id): line.quantity for line in order.lines}
    for line in list(cart.lines):
        key = (line.product_id, line.variant_id)
        if key in bought:
            await uow.carts.set_quantity(
                cart, line.product_id, line.quantity - bought[key], variant_id=line.variant_id
            )


async def settle_stock_gone(shop: Shop, order_id: int) -> tuple[str, str | None, str | None]:
    """Refund a payment whose goods sold out: the sentence the shopper gets, the reason the
    admins must look (None when the refund went through or is tried again), and why it is
    tried again (the provider could not be reached; None otherwise), as settle_paid_twice."""
    reason = worded(N_("sold out while the invoice was open"))
    tr = i18n.current()
    try:
        refund = await refund_payment(shop, order_id, amount=None, actor="system", reason=reason)
    except RefundDeferred as exc:  # the pending-refunds job makes it, and tells her and the admins
        return notices.stock_gone(tr, order_id, None), None, exc.problem
    except OrderError as exc:
        failed = worded(N_("automatic refund failed: {problem}"), problem=exc.note())
        await flag_for_review(shop, order_id, failed)
        return notices.stock_gone(tr, order_id, None), failed, None
    refunded = tr.money(refund.info.amount, refund.info.currency)
    return notices.stock_gone(tr, order_id, refunded), None, None


async def settle_paid_twice(
    shop: Shop, outcome: PaymentOutcome, incoming: IncomingPayment
) -> tuple[str, str | None, str | None]:
    """Give a second payment for a paid order back at once: what the shopper is told, the
    reason the admins must look (None when the refund went through or is tried again), and
    why it is tried again (the provider could not be reached; None otherwise)."""
    assert outcome.order is not None and outcome.payment_id is not None
    order_id, tr = outcome.order.order_id, i18n.current()
    amount = tr.money(incoming.total_amount, incoming.currency)
    try:
        await refund_second_payment(shop, outcome.payment_id, worded(N_("paid twice")))
    except RefundDeferred as exc:  # the pending-refunds job tries again
        return notices.paid_twice(tr, order_id, amount, refunded=False), None, exc.problem
    except RefundFailed as exc:
        reason = second_payment_unrefunded(
            incoming.telegram_payment_charge_id,
            incoming.total_amount,
            incoming.currency,
            exc.problem,
        )
        await flag_for_review(shop, order_id, reason)
        return notices.paid_twice(tr, order_id, amount, refunded=False), reason, None
    return notices.paid_twice(tr, order_id, amount, refunded=True), None, None


async def take_payment(shop: Shop, incoming: IncomingPayment, chat_id: int) -> TakenPayment:
    """Everything a successful payment sets off before the shopper's receipt: record it once,
    check it at Stripe (within a budget), refund it if the goods sold out meanwhile, plan the
    digital items, and move the chat on."""
    outcome = await record_payment(shop, incoming)
    if outcome.kind == "duplicate":
        log.info("payment %s delivered again; ignored", incoming.telegram_payment_charge_id)
        return TakenPayment(incoming, outcome)
    if outcome.kind == "unknown_order" or outcome.order is None:
        return TakenPayment(incoming, outcome)
    order_id = outcome.order.order_id
    if outcome.kind == "paid_twice":
        apology, review_reason, retrying = await settle_paid_twice(shop, outcome, incoming)
        return TakenPayment(incoming, outcome, review_reason, apology=apology, retrying=retrying)
    if outcome.kind == "stock_gone":
        apology, review_reason, retrying = await settle_stock_gone(shop, order_id)
        await _tell_chat(shop, chat_id, "payment_cancelled")
        return TakenPayment(incoming, outcome, review_reason, apology=apology, retrying=retrying)
    review_reason = outcome.note if outcome.kind == "review" else None
    if outcome.verify and outcome.payment_id is not None:
        try:
            async with asyncio.timeout(VERIFY_BUDGET_SECONDS):
                verdict = await verify_payment(shop, outcome.payment_id)
            if verdict.flagged:
                review_reason = verdict.note
        except TimeoutError:
            log.warning("Stripe check of order %s timed out; retried later", order_id)
    # Digital items go out only for a payment nobody needs to look at first.
    plan = await deliveries.plan(shop, order_id) if review_reason is None else None
    await _tell_chat(shop, chat_id, "paid")
    return TakenPayment(incoming, outcome, review_reason, plan)


CARD_CHARGE = "giftcard:"  # the charge id of an order paid by its gift card alone


async def take_card_payment(
    shop: Shop, order: OrderSummary, payer_name: str, chat_id: int
) -> TakenPayment:
    """An order its gift card paid in full (no invoice: Telegram sends none for nothing) is
    taken as a payment of 0 is, by `take_payment`: stock sold, digital items planned, the
    chat moved on; the payment is recorded with the provider "giftcard", once per order."""
    user_id = order.customer_telegram_id
    incoming = IncomingPayment(
        user_id=user_id,
        payload=sign_payload(order.order_id, user_id, shop.settings.payload_secret),
        currency=order.currency,
        total_amount=0,
        telegram_payment_charge_id=f"{CARD_CHARGE}{order.order_id}",
        provider_payment_charge_id="",
        payer_name=payer_name,
    )
    return await take_payment(shop, incoming, chat_id)


async def after_receipt(shop: Shop, taken: TakenPayment, chat_id: int) -> None:
    """What follows the receipt: the digital items, then the admins' alerts, each worded in
    the admin's own language."""
    incoming, outcome, order = taken.incoming, taken.outcome, taken.outcome.order
    if outcome.kind == "duplicate":
        return
    if outcome.kind == "unknown_order" or order is None:
        charge = incoming.telegram_payment_charge_id
        amount, currency = incoming.total_amount, incoming.currency
        await shop.alert_admins(
            lambda tr: notices.unmatched_payment(
                tr, incoming.payer_name, amount, currency, charge, outcome.note
            )
        )
        return
    if outcome.kind == "stock_gone":
        await shop.alert_admins(lambda tr: _stock_gone_alert(tr, taken, order.order_id))
        return
    if outcome.kind == "paid_twice":
        await shop.alert_admins(lambda tr: _paid_twice_alert(tr, taken, order.order_id))
        return
    if taken.delivery is not None and taken.delivery.downloads:
        await deliveries.deliver(shop, chat_id, taken.delivery, i18n.current())  # the payer's
    plain = [line.product_id for line in order.lines if not line.variant_id]
    await low_stock_alerts(
        shop, plain, [line.variant_id for line in order.lines if line.variant_id]
    )
    if (reason := taken.review_reason) is not None:
        await shop.alert_admins(lambda tr: notices.needs_review(tr, order.order_id, reason))
    else:
        payer, address = incoming.payer_name, incoming.shipping_address
        await shop.alert_admins(
            lambda tr: notices.new_order(tr, order, payer, address), about="alert.new_order"
        )


def _stock_gone_alert(tr: Translator, taken: TakenPayment, order_id: int) -> str:
    """The admins hear of a payment whose goods sold out: refunded, tried again, or theirs."""
    if taken.review_reason is not None:
        return notices.needs_review(tr, order_id, taken.review_reason)
    if taken.retrying is not None:
        return notices.stock_gone_retrying(tr, order_id, taken.outcome.note, taken.retrying)
    return notices.refunded_automatically(tr, order_id, taken.outcome.note)


def _paid_twice_alert(tr: Translator, taken: TakenPayment, order_id: int) -> str:
    """The admins hear of a second payment: given back, or theirs to give back."""
    if taken.review_reason is not None:
        return notices.needs_review(tr, order_id, taken.review_reason)
    incoming = taken.incoming
    if taken.retrying is not None:
        return notices.second_payment_retrying(
            tr,
            order_id,
            tr.money(incoming.total_amount, incoming.currency),
            incoming.telegram_payment_charge_id,
            taken.retrying,
        )
    return notices.second_payment_refunded(
        tr,
        order_id,
        tr.money(incoming.total_amount, incoming.currency),
        incoming.telegram_payment_charge_id,
    )


async def _tell_chat(shop: Shop, chat_id: int, trigger: str) -> None:
    """Move the shopper's chat on ("paid", "payment_cancelled") in a unit of work of its own;
    a move the table refuses (the chat is elsewhere by now) changes nothing."""
    async with shop.store.uow() as uow:
        chat = await engine.load(uow, chat_id)
        moved = await engine.fire(chat, trigger)
        if moved and not await engine.save(uow, chat):
            raise RuntimeError(f"chat {chat_id} was written while this worker held its lock")
    log.debug(
        "chat %s: %s -> %s (%s)", chat_id, trigger, chat.state, "moved" if moved else "refused"
    )


# ---------------------------------------------------------------- the jobs


async def release_expired_holds(shop: Shop, *, now: datetime | None = None) -> list[ReleasedHold]:
    """Give back the stock of invoices nobody paid in time, and tell their shoppers."""
    async with shop.store.uow() as uow:
        released = await checkout.release_expired_holds(uow, now or utcnow())
    for hold in released:
        chat_id = hold.customer_telegram_id
        if hold.invoice_message_id:
            await shop.notifier.remove_message(chat_id, hold.invoice_message_id)
        language = i18n.choose(hold.language, hold.language_code, shop.settings.default_language)
        expired = notices.invoice_expired(i18n.translator(language), hold.order_id)
        await shop.notifier.notify(chat_id, expired)
        await _tell_chat(shop, chat_id, "payment_cancelled")
        await alert_not_back(shop, hold.order_id, hold.card_not_back)
    return released


async def retry_payment_checks(shop: Shop) -> None:
    """Check payments Stripe could not confirm at payment time; alert admins on a flag."""
    for outcome in await verify_pending(shop):
        if outcome.flagged:
            alert = partial(notices.needs_review, order_id=outcome.order_id, reason=outcome.note)
            await shop.alert_admins(alert)


UNMATCHED_STARS = "stars.unmatched"


async def lost_star_payments(shop: Shop, found: Sequence[StarPayment]) -> list[IncomingPayment]:
    """Stars payments Telegram took whose successful_payment never reached the shop: not
    recorded, and not already reported to the admins as matching no order."""
    charge_ids = [p.telegram_payment_charge_id for p in found]
    async with shop.store.reading() as uow:
        known = await uow.payments.charge_ids_among(charge_ids)
        reported = await uow.audit.targets_of(UNMATCHED_STARS, charge_ids)
    return [
        IncomingPayment(
            user_id=p.user_id,
            payload=p.invoice_payload,
            currency=STARS,
            total_amount=p.amount,
            telegram_payment_charge_id=p.telegram_payment_charge_id,
            provider_payment_charge_id="",
            payer_name=p.payer_name,
        )
        for p in found
        if p.telegram_payment_charge_id not in known | reported
    ]


async def note_unmatched(shop: Shop, incoming: IncomingPayment) -> None:
    """Remember that the admins heard of this unmatched Stars payment, so they hear it once."""
    async with shop.store.uow() as uow:
        await uow.audit.record(
            None,
            UNMATCHED_STARS,
            incoming.telegram_payment_charge_id,
            {"user": incoming.user_id, "amount": incoming.total_amount},
        )
