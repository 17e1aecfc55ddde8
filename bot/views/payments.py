"""Paying, as the shopper sees it: the invoice, the notes under the order summary, the receipt.

These are new messages, not edits: the order summary with its Pay button stays as it was, and
an invoice must be a message of its own. Shipping options are worded here too.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, LabeledPrice, ShippingOption, Update
from telegram.constants import MessageLimit
from telegram.error import TelegramError

from bot import i18n
from bot.clipping import titles_fitting
from bot.config import Settings
from bot.context import ShopContext
from bot.conversation.screens import InvoiceScreen, InvoiceSentScreen, PaymentRefusedScreen
from bot.i18n import N_, Translator
from bot.payments.invoice import NotSent, build_invoice
from bot.payments.shipping import ShippingChoice
from bot.services.order_summary import OrderSummary, lines_text
from bot.shop import Shop
from bot.usecases.payments import TakenPayment
from bot.views.replies import answer_button, say

log = logging.getLogger(__name__)

UNMATCHED = N_(
    "We received your payment but could not match it to an order. "
    "The shop has been alerted and will sort it out with you."
)


async def send_invoice(context: ShopContext, chat_id: int, screen: InvoiceScreen) -> int | NotSent:
    """Take older invoices away, then send this one; its message id, or why Telegram
    refused it."""
    await retire_invoices(context, chat_id, screen.replaced_invoices)
    invoice = build_invoice(
        screen.order, context.shop.settings, i18n.current(), photo_url=screen.photo_url
    )
    try:
        message = await invoice.send(context.bot, chat_id)
    except TelegramError as exc:
        log.warning("sendInvoice for order %s failed: %s", screen.order.order_id, exc)
        return NotSent.because(exc)
    return message.message_id


async def invoice_link(bot: Bot, settings: Settings, screen: InvoiceScreen) -> str | NotSent:
    """The order's invoice as a link for the storefront's openInvoice; or why Telegram
    refused it (the caller lets the hold go, as for an invoice that could not be sent)."""
    invoice = build_invoice(screen.order, settings, i18n.current(), photo_url=screen.photo_url)
    try:
        return await invoice.create_link(bot)
    except TelegramError as exc:
        log.warning("createInvoiceLink for order %s failed: %s", screen.order.order_id, exc)
        return NotSent.because(exc)


async def retire_invoices(context: ShopContext, chat_id: int, message_ids: tuple[int, ...]) -> None:
    """Invoices that can no longer be paid leave the chat (already gone: fine)."""
    for message_id in message_ids:
        with contextlib.suppress(TelegramError):
            await context.bot.delete_message(chat_id, message_id)


async def show_payment_step(
    update: Update,
    context: ShopContext,
    chat_id: int,
    screen: InvoiceSentScreen | PaymentRefusedScreen,
) -> None:
    """A note under the order summary, then the Pay button stops spinning."""
    toast = None
    tr = i18n.current()
    if isinstance(screen, InvoiceSentScreen):
        text = reserved_text(tr, screen.order_id, screen.hold_minutes)
        toast = tr._("Invoice sent below.")
    else:
        text = screen.reason
    await say(context, chat_id, text)
    await answer_button(update, toast)


async def acknowledge_payment(update: Update, taken: TakenPayment) -> None:
    """The shopper's answer to a successful payment: the receipt, or what went wrong."""
    message = update.effective_message
    text = payment_answer(taken)
    if message is not None and text is not None:
        await message.reply_text(text)


async def receipt_in_chat(shop: Shop, chat_id: int, taken: TakenPayment) -> None:
    """The answer to a payment no successful_payment update brought (an order its gift card
    paid, a Stars payment found later): sent to the chat as a notice."""
    if (text := payment_answer(taken)) is not None:
        await shop.notifier.notify(chat_id, text)


def payment_answer(taken: TakenPayment) -> str | None:
    """What the shopper is told of a payment: the receipt, or what went wrong (None for a
    payment delivered twice: the first delivery answered)."""
    outcome = taken.outcome
    tr = i18n.current()
    if outcome.kind == "duplicate":
        return None
    if outcome.kind == "unknown_order" or outcome.order is None:
        return tr._(UNMATCHED)
    if taken.apology is not None:
        return taken.apology
    downloads = taken.delivery is not None and bool(taken.delivery.downloads)
    return receipt_text(tr, outcome.order, taken.review_reason is not None, downloads)


def shipping_options(choices: list[ShippingChoice]) -> list[ShippingOption]:
    return [ShippingOption(c.id, c.title, [LabeledPrice(c.title, c.price)]) for c in choices]


def receipt_text(
    tr: Translator, order: OrderSummary, under_review: bool = False, downloads_follow: bool = False
) -> str:
    """The shopper's confirmation: order number, lines, total, and what happens next.

    `downloads_follow`: the order's digital items are sent right after this message.
    """
    if order.collected:
        nxt = tr._("We'll message you here when your order is ready for pickup.")
        if downloads_follow:
            nxt += " " + tr._("Your digital items follow below.")
    elif order.needs_shipping:
        nxt = tr._("We're packing your order and will message you here when it ships.")
        if downloads_follow:
            nxt += " " + tr._("Your digital items follow below.")
    elif downloads_follow:
        nxt = tr._("Your digital items follow below.")
    else:
        nxt = tr._("The shop will send your digital items here shortly.")
    status = (
        tr._("/orders shows its status any time and sends the downloads again.")
        if downloads_follow
        else tr._("/orders shows its status any time.")
    )
    review = (
        "\n\n"
        + tr._(
            "We're double-checking the payment with our provider "
            "and will message you if anything is needed."
        )
        if under_review
        else ""
    )

    def text(width: int | None) -> str:
        return (
            tr._("✅ Payment received, thank you!")
            + "\n\n"
            + tr._("Order #{order_id}", order_id=order.order_id)
            + f"\n{lines_text(order, tr, width)}\n\n"
            + tr._("What happens next: {next}", next=nxt)
            + f"\n{status}{review}"
        )

    # Every line stays; a big order's long names are cut so the receipt is one message.
    return titles_fitting(text, MessageLimit.MAX_TEXT_LENGTH)


def reserved_text(tr: Translator, order_id: int, minutes: int) -> str:
    return tr.ngettext(
        "⏳ The items of order #{order_id} are held for you for {count} minute. "
        "Tap Pay on the invoice to finish; /cancel lets them go.",
        "⏳ The items of order #{order_id} are held for you for {count} minutes. "
        "Tap Pay on the invoice to finish; /cancel lets them go.",
        minutes,
        order_id=order_id,
        count=minutes,
    )
