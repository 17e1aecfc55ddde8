"""Telegram's payment updates: shipping query, pre-checkout query, successful payment.

Thin: each handler parses the update, makes one call into bot.payments.service, and renders
the answer. Two jobs run beside them: releasing expired stock holds and retrying Stripe
checks that could not be made at payment time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import LabeledPrice, ShippingOption, Update
from telegram.error import TelegramError
from telegram.ext import MessageHandler, PreCheckoutQueryHandler, ShippingQueryHandler, filters

from bot import conversation
from bot.context import AnyApplication, ShopContext
from bot.payments import messages
from bot.payments.service import (
    IncomingPayment,
    PaymentRefused,
    check_pre_checkout,
    expire_holds,
    record_payment,
    settle_stock_gone,
    shipping_choices,
)
from bot.payments.shipping import ShippingRefused
from bot.payments.verification import verify_payment, verify_pending
from bot.services import downloads
from bot.services.alerts import low_stock_alerts
from bot.services.orders import alert_admins, send_quietly

log = logging.getLogger(__name__)

# Telegram cancels the payment if pre-checkout is not answered within 10 seconds.
PRE_CHECKOUT_BUDGET_SECONDS = 7.0
# The shopper's confirmation waits at most this long for Stripe; the job retries later.
VERIFY_BUDGET_SECONDS = 6.0
HOLD_EXPIRY_INTERVAL_SECONDS = 30.0
VERIFY_RETRY_INTERVAL_SECONDS = 120.0
SORRY = "Something went wrong on our side and you have not been charged. Please try again."


async def on_shipping_query(update: Update, context: ShopContext) -> None:
    query = update.shipping_query
    if query is None:
        return
    try:
        choices = await shipping_choices(
            context.shop,
            user_id=query.from_user.id,
            payload=query.invoice_payload,
            country_code=query.shipping_address.country_code,
        )
    except (PaymentRefused, ShippingRefused) as exc:
        await query.answer(ok=False, error_message=str(exc))
        return
    await query.answer(
        ok=True,
        shipping_options=[
            ShippingOption(c.id, c.title, [LabeledPrice(c.title, c.price)]) for c in choices
        ],
    )


async def on_pre_checkout(update: Update, context: ShopContext) -> None:
    query = update.pre_checkout_query
    if query is None:
        return
    address = query.order_info.shipping_address if query.order_info else None
    try:
        async with asyncio.timeout(PRE_CHECKOUT_BUDGET_SECONDS):
            await check_pre_checkout(
                context.shop,
                user_id=query.from_user.id,
                payload=query.invoice_payload,
                currency=query.currency,
                total_amount=query.total_amount,
                shipping_option_id=query.shipping_option_id,
                country_code=address.country_code if address else None,
            )
    except PaymentRefused as exc:
        await query.answer(ok=False, error_message=str(exc))
        return
    except Exception:
        log.exception("pre-checkout check failed")
        await query.answer(ok=False, error_message=SORRY)
        return
    await query.answer(ok=True)


async def on_successful_payment(update: Update, context: ShopContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.successful_payment is None:
        return
    paid = message.successful_payment
    address = paid.order_info.shipping_address if paid.order_info else None
    shop, bot, chat_id = context.shop, context.bot, message.chat_id
    outcome = await record_payment(
        shop,
        IncomingPayment(
            user_id=user.id,
            payload=paid.invoice_payload,
            currency=paid.currency,
            total_amount=paid.total_amount,
            telegram_payment_charge_id=paid.telegram_payment_charge_id,
            provider_payment_charge_id=paid.provider_payment_charge_id,
            shipping_option_id=paid.shipping_option_id,
            shipping_address=address.to_dict() if address else None,
        ),
    )
    admins = shop.settings.admin_ids
    payer = f"{user.full_name} (id {user.id})"
    if outcome.kind == "duplicate":
        log.info("payment %s delivered again; ignored", paid.telegram_payment_charge_id)
        return
    if outcome.kind == "unknown_order" or outcome.order is None:
        await message.reply_text(
            "We received your payment but could not match it to an order. "
            "The shop has been alerted and will sort it out with you."
        )
        await alert_admins(
            bot,
            admins,
            f"⚠️ Unmatched payment from {payer}: {paid.total_amount} {paid.currency}, "
            f"charge {paid.telegram_payment_charge_id} ({outcome.note}).",
        )
        return
    order = outcome.order
    if outcome.kind == "stock_gone":
        await message.reply_text(await settle_stock_gone(shop, order.order_id))
        await conversation.fire(shop.store, chat_id, "payment_cancelled")
        await alert_admins(
            bot, admins, f"↩️ Order #{order.order_id} refunded automatically: {outcome.note}."
        )
        return
    review_reason = outcome.note if outcome.kind == "review" else None
    if outcome.verify and outcome.payment_id is not None:
        try:
            async with asyncio.timeout(VERIFY_BUDGET_SECONDS):
                verdict = await verify_payment(shop, outcome.payment_id)
            if verdict.flagged:
                review_reason = verdict.note
        except TimeoutError:
            log.warning("Stripe check of order %s timed out; retried later", order.order_id)
    # Digital items go out only for a payment nobody needs to look at first.
    plan = await downloads.plan_delivery(shop, order.order_id) if review_reason is None else None
    await message.reply_text(
        messages.receipt_text(
            order,
            under_review=review_reason is not None,
            downloads_follow=plan is not None and bool(plan.downloads),
        )
    )
    await conversation.fire(shop.store, chat_id, "paid")
    if plan is not None and plan.downloads:
        await downloads.deliver(bot, shop, chat_id, plan)
    await low_stock_alerts(bot, shop, [line.product_id for line in order.lines])
    if review_reason is not None:
        await alert_admins(bot, admins, messages.admin_review_text(order.order_id, review_reason))
    else:
        await alert_admins(
            bot,
            admins,
            messages.admin_new_order_text(order, payer, address.to_dict() if address else None),
        )


async def release_expired_holds(context: ShopContext) -> None:
    """Job: give back stock of invoices nobody paid in time, and tell their shoppers."""
    shop, bot = context.shop, context.bot
    for hold in await expire_holds(shop):
        if hold.invoice_message_id:
            with contextlib.suppress(TelegramError):
                await bot.delete_message(hold.customer_telegram_id, hold.invoice_message_id)
        await send_quietly(
            bot, hold.customer_telegram_id, messages.expired_text(hold.order_id), bulk=True
        )
        await conversation.fire(shop.store, hold.customer_telegram_id, "payment_cancelled")


async def retry_payment_checks(context: ShopContext) -> None:
    """Job: check payments Stripe could not confirm at payment time; alert admins on a flag."""
    for outcome in await verify_pending(context.shop):
        if outcome.flagged:
            await alert_admins(
                context.bot,
                context.shop.settings.admin_ids,
                messages.admin_review_text(outcome.order_id, outcome.note),
            )


def register(app: AnyApplication) -> None:
    app.add_handler(ShippingQueryHandler(on_shipping_query))
    app.add_handler(PreCheckoutQueryHandler(on_pre_checkout))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, on_successful_payment))
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            release_expired_holds,
            interval=HOLD_EXPIRY_INTERVAL_SECONDS,
            first=HOLD_EXPIRY_INTERVAL_SECONDS,
            name="release-expired-holds",
        )
        app.job_queue.run_repeating(
            retry_payment_checks,
            interval=VERIFY_RETRY_INTERVAL_SECONDS,
            first=VERIFY_RETRY_INTERVAL_SECONDS,
            name="retry-payment-checks",
        )
