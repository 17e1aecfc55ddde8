"""Telegram's payment updates: shipping query, pre-checkout query, successful payment.

Thin: each handler parses the update, makes one call into bot.usecases.payments and renders
the answer. Jobs run beside them: releasing expired stock holds, retrying Stripe checks
that could not be made at payment time, finishing refunds a crash left pending, and (in a
Stars shop) taking Stars payments whose successful_payment update never arrived, found in
getStarTransactions.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import MessageHandler, PreCheckoutQueryHandler, ShippingQueryHandler, filters

from bot import i18n
from bot.context import SHOP_KEY, AnyApplication, ShopContext
from bot.conversation.journey import Shopper
from bot.conversation.screens import PaidByCardScreen
from bot.payments.shipping import ShippingRefused
from bot.payments.stars import recent_star_payments
from bot.shop import Shop
from bot.usecases import payments, refunds
from bot.usecases.payments import IncomingPayment, PaymentRefused
from bot.views import payments as views

log = logging.getLogger(__name__)

HOLD_EXPIRY_INTERVAL_SECONDS = 30.0
VERIFY_RETRY_INTERVAL_SECONDS = 120.0
PENDING_REFUNDS_INTERVAL_SECONDS = 300.0
STARS_PAGES = 10  # the latest 1,000 Stars transactions are compared with the payments


async def on_shipping_query(update: Update, context: ShopContext) -> None:
    query = update.shipping_query
    if query is None:
        return
    try:
        choices = await payments.shipping_choices(
            context.shop,
            user_id=query.from_user.id,
            payload=query.invoice_payload,
            country_code=query.shipping_address.country_code,
        )
    except (PaymentRefused, ShippingRefused) as exc:
        await query.answer(ok=False, error_message=str(exc))
        return
    await query.answer(ok=True, shipping_options=views.shipping_options(choices))


async def on_pre_checkout(update: Update, context: ShopContext) -> None:
    query = update.pre_checkout_query
    if query is None:
        return
    address = query.order_info.shipping_address if query.order_info else None
    refusal = await payments.pre_checkout_answer(
        context.shop,
        user_id=query.from_user.id,
        payload=query.invoice_payload,
        currency=query.currency,
        total_amount=query.total_amount,
        shipping_option_id=query.shipping_option_id,
        country_code=address.country_code if address else None,
    )
    await query.answer(ok=refusal is None, error_message=refusal)


async def on_successful_payment(update: Update, context: ShopContext) -> None:
    message, incoming = update.effective_message, incoming_payment(update)
    if message is None or incoming is None:
        return
    taken = await payments.take_payment(context.shop, incoming, chat_id=message.chat_id)
    await views.acknowledge_payment(update, taken)
    await payments.after_receipt(context.shop, taken, chat_id=message.chat_id)


async def paid_by_card(shop: Shop, who: Shopper, screen: PaidByCardScreen) -> None:
    """An order its gift card pays in full, from the chat's Pay or the storefront's: taken as
    a payment is (bot.usecases.payments.take_card_payment), then the receipt and what follows
    it, as after successful_payment."""
    payer = f"{who.first_name} (id {who.user_id})"
    taken = await payments.take_card_payment(shop, screen.order, payer, who.chat_id)
    await views.receipt_in_chat(shop, who.chat_id, taken)
    await payments.after_receipt(shop, taken, chat_id=who.chat_id)


def incoming_payment(update: Update) -> IncomingPayment | None:
    """The successful_payment of this update as plain data."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.successful_payment is None:
        return None
    paid = message.successful_payment
    address = paid.order_info.shipping_address if paid.order_info else None
    return IncomingPayment(
        user_id=user.id,
        payload=paid.invoice_payload,
        currency=paid.currency,
        total_amount=paid.total_amount,
        telegram_payment_charge_id=paid.telegram_payment_charge_id,
        provider_payment_charge_id=paid.provider_payment_charge_id,
        shipping_option_id=paid.shipping_option_id,
        shipping_address=address.to_dict() if address else None,
        payer_name=f"{user.full_name} (id {user.id})",
    )


async def release_expired_holds(context: ShopContext) -> None:
    """Job: give back stock of invoices nobody paid in time, and tell their shoppers."""
    await payments.release_expired_holds(context.shop)


async def retry_payment_checks(context: ShopContext) -> None:
    """Job: check payments Stripe could not confirm at payment time; alert admins on a flag."""
    await payments.retry_payment_checks(context.shop)


async def resume_pending_refunds(context: ShopContext) -> None:
    """Job: finish refunds a crash left between claiming them and recording them."""
    await refunds.resume_pending_refunds(context.shop)


async def reconcile_stars(context: ShopContext) -> None:
    """Job: Stars payments Telegram took but whose successful_payment never arrived are taken
    exactly as that update would have been; one matching no order is told to the admins once."""
    shop = context.shop
    found = await recent_star_payments(context.bot, pages=STARS_PAGES)
    for incoming in await payments.lost_star_payments(shop, found):
        charge = incoming.telegram_payment_charge_id
        log.warning("Stars payment %s never reached the bot as an update: taking it now", charge)
        i18n.use((await shop.words_of(incoming.user_id)).language)  # the payer's, in this job
        taken = await payments.take_payment(shop, incoming, chat_id=incoming.user_id)
        await views.receipt_in_chat(shop, incoming.user_id, taken)
        await payments.after_receipt(shop, taken, chat_id=incoming.user_id)
        if taken.outcome.kind == "unknown_order":
            await payments.note_unmatched(shop, incoming)


def register(app: AnyApplication) -> None:
    app.add_handler(ShippingQueryHandler(on_shipping_query))
    app.add_handler(PreCheckoutQueryHandler(on_pre_checkout))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, on_successful_payment))
    if app.job_queue is None:
        return
    settings = app.bot_data[SHOP_KEY].settings
    jobs = [
        (release_expired_holds, HOLD_EXPIRY_INTERVAL_SECONDS, "release-expired-holds"),
        (resume_pending_refunds, PENDING_REFUNDS_INTERVAL_SECONDS, "resume-pending-refunds"),
        (retry_payment_checks, VERIFY_RETRY_INTERVAL_SECONDS, "retry-payment-checks"),
    ]
    if settings.uses_stars:
        jobs.append((reconcile_stars, settings.stars_reconcile_seconds, "reconcile-stars"))
    for job, seconds, name in jobs:
        app.job_queue.run_repeating(job, interval=seconds, first=seconds, name=name)
