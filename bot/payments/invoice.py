"""The sendInvoice (or createInvoiceLink) parameters for an order, within Telegram's limits.

Stripe mode: one LabeledPrice per line plus a (negative) discount line, shipping asked for
physical goods (`need_shipping_address` + `is_flexible`, options come from the shipping
query), and a tip when the shop offers them (TIP_MAX, TIP_SUGGESTED).
Stars mode: currency XTR, empty provider token, exactly one price item (the discounted total),
no shipping, no tips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram import Bot, LabeledPrice, Message
from telegram.constants import InvoiceLimit
from telegram.error import BadRequest, TelegramError

from bot.clipping import clip, telegram_length
from bot.config import Settings
from bot.i18n import Translator, translator
from bot.money import STARS, telegram_maximum
from bot.payments.payload import sign_payload
from bot.services.order_history import ORDER_START_PREFIX
from bot.services.order_summary import (
    LineSummary,
    OrderSummary,
    discount_label,
    gift_card_label,
    tax_lines,
)
from bot.store.models import VARIANT_SEPARATOR, split_variant_title

MAX_LABEL = 40  # the payment form cuts long labels anyway; keep the line readable
MIN_NAME = 12  # of a price label's product name, kept when a variant's values are long
TOTAL_INVALID = "CURRENCY_TOTAL_AMOUNT_INVALID"  # below the currency's minimum or above its maximum


class NotSent(Enum):
    """Why Telegram refused an invoice (sendInvoice or createInvoiceLink)."""

    FAILED = "failed"
    TOTAL_OUT_OF_RANGE = "total"  # what the shopper can change: the cart

    @classmethod
    def because(cls, error: TelegramError) -> NotSent:
        if isinstance(error, BadRequest) and TOTAL_INVALID in error.message.upper():
            return cls.TOTAL_OUT_OF_RANGE
        return cls.FAILED


@dataclass(frozen=True)
class InvoiceRequest:
    """Everything `Bot.send_invoice` needs, built and checked without touching the network."""

    title: str
    description: str
    payload: str
    currency: str
    prices: list[LabeledPrice]
    provider_token: str
    start_parameter: str
    need_shipping_address: bool = False
    is_flexible: bool = False
    photo_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def send(self, bot: Bot, chat_id: int) -> Message:
        return await bot.send_invoice(
            chat_id=chat_id, start_parameter=self.start_parameter, **self._fields()
        )

    async def create_link(self, bot: Bot) -> str:
        """The same invoice as a link (createInvoiceLink), for a Mini App's openInvoice.

        A link has no start parameter: whoever opens it, pre-checkout pays it only for the
        shopper the payload names."""
        link: str = await bot.create_invoice_link(**self._fields())
        return link

    def _fields(self) -> dict[str, Any]:
        """What an invoice message and an invoice link share."""
        return {
            "title": self.title,
            "description": self.description,
            "payload": self.payload,
            "provider_token": self.provider_token or None,
            "currency": self.currency,
            "prices": self.prices,
            "need_shipping_address": self.need_shipping_address or None,
            "is_flexible": self.is_flexible or None,
            "photo_url": self.photo_url,
            **self.extra,
        }


def _price_label(tr: Translator, line: LineSummary) -> str:
    """ "Organic Tee - M / Oat × 2" in at most MAX_LABEL characters: a long name is shortened
    first, so the line still says which variant and how many."""
    name = tr.name(line.title, line.translations)
    name, values = split_variant_title(name) if line.variant_id else (name, "")
    count = f" × {line.quantity}"
    if not values:
        return clip(name, MAX_LABEL - telegram_length(count)) + count
    room = MAX_LABEL - telegram_length(count + VARIANT_SEPARATOR)
    values = clip(values, room - min(telegram_length(name), MIN_NAME))
    return clip(name, room - telegram_length(values)) + VARIANT_SEPARATOR + values + count


def _description(items: str, order: OrderSummary, tr: Translator) -> str:
    """What the order holds, then the VAT it includes, one rate a line ("Includes VAT 20%:
    $2.67"), within Telegram's 255 characters: the items are shortened to make room for the
    tax, which is left out only if it alone would not fit beside a few words of them."""
    most = InvoiceLimit.MAX_DESCRIPTION_LENGTH
    taxes = "\n".join(tax_lines(tr, order.tax_label, order.taxes, order.currency))
    room = most - telegram_length(taxes) - 1
    if not taxes or room < MAX_LABEL:
        return clip(items, most)
    return f"{clip(items, room)}\n{taxes}"


def build_invoice(
    order: OrderSummary,
    settings: Settings,
    tr: Translator | None = None,
    *,
    photo_url: str | None = None,
) -> InvoiceRequest:
    """The invoice for an order that is awaiting payment, in the shopper's language (`tr`)."""
    tr = tr or translator(None)
    stars = order.currency == STARS
    title = clip(tr._("Order #{order_id}", order_id=order.order_id), InvoiceLimit.MAX_TITLE_LENGTH)
    items = ", ".join(
        f"{line.quantity} × {tr.name(line.title, line.translations)}" for line in order.lines
    )
    description = _description(items or tr._("Your order"), order, tr)
    if stars:
        count = sum(line.quantity for line in order.lines)
        label = tr.ngettext(
            "Order #{order_id} ({count} item)",
            "Order #{order_id} ({count} items)",
            count,
            order_id=order.order_id,
            count=count,
        )
        prices = [LabeledPrice(label, order.total)]
    else:
        prices = [LabeledPrice(_price_label(tr, line), line.line_total) for line in order.lines]
        if order.discount_total:
            label = clip(discount_label(order.promo_code, tr), MAX_LABEL)
            prices.append(LabeledPrice(label, -order.discount_total))
        if order.gift_card_code and order.gift_card_amount:  # the card paid part of the goods
            label = clip(gift_card_label(order.gift_card_code, tr), MAX_LABEL)
            prices.append(LabeledPrice(label, -order.gift_card_amount))
    shipping = order.needs_shipping and not stars
    tips: dict[str, Any] = {}
    # No tip that alone would take the payment past what Telegram takes in one.
    most_tip = min(settings.tip_max, telegram_maximum(order.currency) - order.total)
    if settings.tips_on and not stars and most_tip > 0:
        tips["max_tip_amount"] = most_tip
        if suggested := [tip for tip in settings.tip_suggested if tip <= most_tip]:
            tips["suggested_tip_amounts"] = suggested
    return InvoiceRequest(
        title=title,
        description=description,
        payload=sign_payload(order.order_id, order.customer_telegram_id, settings.payload_secret),
        currency=order.currency,
        prices=prices,
        provider_token="" if stars else settings.payment_provider_token,
        # A non-empty start parameter stops a forwarded copy from being payable by others.
        start_parameter=f"{ORDER_START_PREFIX}{order.order_id}",
        need_shipping_address=shipping,
        is_flexible=shipping,
        photo_url=photo_url
        if photo_url and photo_url.startswith(("http://", "https://"))
        else None,
        extra=tips,
    )
