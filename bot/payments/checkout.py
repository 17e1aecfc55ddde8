"""Hand-off from the chat's checkout to the payment flow.

The shopper's journey calls `start_payment` when the shopper presses "Pay" on a verified
order summary: the cart becomes an order, its stock is held and the Telegram invoice is sent.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import ShopContext
from bot.payments import messages
from bot.payments.invoice import build_invoice
from bot.payments.service import (
    CheckoutRefused,
    WrongCurrency,
    cancel_open_invoices,
    mark_invoice_sent,
    place_order,
    release_order,
)
from bot.services.orders import alert_admins, send_quietly

log = logging.getLogger(__name__)


async def start_payment(update: Update, context: ShopContext) -> bool:
    """Send the invoice for the shopper's cart; True if the chat now awaits payment."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    shop, bot = context.shop, context.bot
    settings = shop.settings
    if not settings.uses_stars and not settings.payment_provider_token:
        await bot.send_message(chat.id, "Payments are not set up in this shop yet. Sorry!")
        return False
    try:
        placed = await place_order(shop, telegram_id=user.id)
    except CheckoutRefused as exc:
        await bot.send_message(chat.id, str(exc))
        if isinstance(exc, WrongCurrency):
            await alert_admins(
                bot,
                settings.admin_ids,
                f"⚠️ {', '.join(exc.titles)} is not priced in {settings.currency}: "
                "shoppers cannot check it out.",
            )
        return False
    for hold in placed.released:  # the old invoice can no longer be paid: take it away
        if hold.invoice_message_id:
            with contextlib.suppress(TelegramError):
                await bot.delete_message(chat.id, hold.invoice_message_id)
    order = placed.order
    try:
        message = await build_invoice(order, settings, photo_url=placed.photo_url).send(
            bot, chat.id
        )
    except TelegramError as exc:
        log.warning("sendInvoice for order %s failed: %s", order.order_id, exc)
        await release_order(shop, order.order_id, why=f"invoice not sent: {exc}")
        await send_quietly(
            bot, chat.id, "Sorry, we couldn't create your invoice just now. Please try again."
        )
        return False
    await mark_invoice_sent(shop, order.order_id, message.message_id)
    await bot.send_message(chat.id, messages.reserved_text(order, settings.reservation_minutes))
    return True


async def on_cancel_during_payment(update: Update, context: ShopContext) -> None:
    """The shopper sent /cancel while their invoice waits: release the hold, remove the invoice.

    Called by the shopper's journey (bot/handlers/shop.py) before the chat moves to
    "cancelled", so the stock is free for others at once instead of when the hold expires.
    """
    user = update.effective_user
    if user is None:
        return
    for hold in await cancel_open_invoices(context.shop, telegram_id=user.id):
        if hold.invoice_message_id:
            with contextlib.suppress(TelegramError):
                await context.bot.delete_message(user.id, hold.invoice_message_id)
        log.info("order %s cancelled by the shopper; stock released", hold.order_id)
