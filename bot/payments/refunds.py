"""Refunds at the provider, never beyond what was paid, each one recorded.

Three steps, so money and books agree even if something fails half way:
1. one unit of work claims the amount (a conditional UPDATE keeps refunded ≤ paid, even for
   concurrent refunds) and records a pending Refund;
2. the provider call, outside any transaction (Stripe by charge id, or refundStarPayment);
3. one unit of work marks the refund succeeded and moves the order (partially_)refunded,
   or, if the provider said no, marks it failed and gives the claimed amount back.
Stripe itself (and localstripe) would accept more; the cap is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot
from telegram.error import TelegramError

from bot.money import STARS, format_money
from bot.payments.stripe_gateway import ProviderRejected, ProviderUnreachable, StripeGateway
from bot.services.orders import (
    OrderNotFound,
    RefundFailed,
    RefundInfo,
    RefundNotPossible,
    RefundTooLarge,
)
from bot.shop import Shop
from bot.store.models import Payment, Refund
from bot.store.order_states import IllegalOrderTransition, next_status


@dataclass(frozen=True)
class RefundResult:
    info: RefundInfo
    customer_telegram_id: int
    old_status: str
    new_status: str


@dataclass(frozen=True)
class _Claim:
    refund_id: int
    payment: Payment
    amount: int
    old_status: str
    customer_telegram_id: int


async def refund_payment(
    shop: Shop,
    order_id: int,
    *,
    amount: int | None,
    actor: str,
    reason: str | None = None,
    bot: Bot | None = None,
) -> RefundResult:
    """Refund `amount` (None = all that is left) of the order's payment at its provider."""
    claim = await _claim(shop, order_id, amount, actor, reason)
    try:
        provider_refund_id = await _refund_at_provider(shop, claim.payment, claim.amount, bot)
    except (ProviderRejected, ProviderUnreachable, RefundNotPossible, TelegramError) as exc:
        await _give_back(shop, order_id, claim)
        raise RefundFailed(f"The refund of order #{order_id} did not go through: {exc}") from exc
    return await _complete(shop, order_id, claim, provider_refund_id, actor, reason)


async def _claim(
    shop: Shop, order_id: int, amount: int | None, actor: str, reason: str | None
) -> _Claim:
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        if not order.payments:
            raise RefundNotPossible(
                f"Order #{order_id} has not been paid, so there is nothing to refund."
            )
        payment = order.payments[0]
        paid = min(payment.amount, order.total)
        refundable = paid - order.refunded_amount
        if refundable <= 0:
            raise RefundTooLarge(order_id, amount or 0, 0, order.currency)
        wanted = refundable if amount is None else amount
        if wanted <= 0:
            raise RefundNotPossible("A refund must be more than zero.")
        if wanted > refundable:
            raise RefundTooLarge(order_id, wanted, refundable, order.currency)
        if payment.provider == "stars" and wanted != payment.amount:
            raise RefundNotPossible(
                f"Stars payments can only be refunded in full "
                f"({format_money(payment.amount, STARS)})."
            )
        full = order.refunded_amount + wanted >= order.total
        next_status(order.status, "refund" if full else "refund_part")  # refuse early
        if not await uow.orders.add_refunded(order.id, wanted):
            raise RefundTooLarge(order_id, wanted, refundable, order.currency)
        refund = await uow.refunds.add(
            Refund(
                order_id=order.id,
                payment_id=payment.id,
                amount=wanted,
                currency=order.currency,
                status="pending",
                reason=reason,
                requested_by=actor,
            )
        )
        return _Claim(refund.id, payment, wanted, order.status, order.customer.telegram_id)


async def _refund_at_provider(
    shop: Shop, payment: Payment, amount: int, bot: Bot | None
) -> str | None:
    if payment.provider == "stars":
        if bot is not None:
            await bot.refund_star_payment(
                payment.payer_telegram_id, payment.telegram_payment_charge_id
            )
        else:
            settings = shop.settings
            async with Bot(settings.bot_token, base_url=settings.bot_api_base_url) as own_bot:
                await own_bot.refund_star_payment(
                    payment.payer_telegram_id, payment.telegram_payment_charge_id
                )
        return None
    if not payment.provider_payment_charge_id:
        raise RefundNotPossible("the payment has no provider charge id")
    gateway = shop.stripe
    if gateway is None:
        if not shop.settings.stripe_api_key:
            raise RefundNotPossible(
                "STRIPE_API_KEY is not set; refund it in the Stripe dashboard instead"
            )
        gateway = shop.stripe = StripeGateway.from_settings(shop.settings)
        assert gateway is not None
    return await gateway.refund(payment.provider_payment_charge_id, amount)


async def _give_back(shop: Shop, order_id: int, claim: _Claim) -> None:
    async with shop.store.uow() as uow:
        await uow.orders.add_refunded(order_id, -claim.amount)
        refund = await uow.session.get(Refund, claim.refund_id)
        if refund is not None:
            refund.status = "failed"


async def _complete(
    shop: Shop,
    order_id: int,
    claim: _Claim,
    provider_refund_id: str | None,
    actor: str,
    reason: str | None,
) -> RefundResult:
    """Record the refund that happened; retried if a concurrent move changed the status."""
    for attempt in range(3):
        try:
            return await _record_success(shop, order_id, claim, provider_refund_id, actor, reason)
        except IllegalOrderTransition:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _record_success(
    shop: Shop,
    order_id: int,
    claim: _Claim,
    provider_refund_id: str | None,
    actor: str,
    reason: str | None,
) -> RefundResult:
    async with shop.store.uow() as uow:
        refund = await uow.session.get(Refund, claim.refund_id)
        assert refund is not None
        refund.status = "succeeded"
        refund.provider_refund_id = provider_refund_id
        order = await uow.orders.get(order_id)
        assert order is not None
        full = order.refunded_amount >= order.total
        money = format_money(claim.amount, order.currency)
        note = f"{money}: {reason}" if reason else money
        old = order.status
        trigger = "refund" if full else "refund_part"
        await uow.orders.transition(order, trigger, actor=actor, note=note)
        return RefundResult(
            info=RefundInfo(
                claim.amount, order.currency, provider_refund_id, order.refunded_amount
            ),
            customer_telegram_id=claim.customer_telegram_id,
            old_status=old,
            new_status=order.status,
        )
