"""An order as plain data, for screens, invoices and messages: no ORM object leaves a service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from babel.dates import format_skeleton

from bot.clipping import clip
from bot.i18n import N_, Translator, translator
from bot.money import format_money
from bot.services.gift_cards import masked
from bot.services.pickup import chosen_place, is_pickup
from bot.services.promos import PromoQuote
from bot.store.models import Order
from bot.store.order_states import ShownRefunds, status_label
from bot.tax import RateTax, by_rate, rate_text


@dataclass(frozen=True)
class LineSummary:
    product_id: int
    sku: str
    title: str
    unit_price: int
    quantity: int
    discount: int = 0  # the line's share of the order's discount
    variant_id: int = 0  # the variant sold (sku and title are its own); 0: the product
    translations: dict[str, Any] | None = None  # the product's title in other languages

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderSummary(ShownRefunds):
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
    promo_code: str | None = None
    tip_amount: int = 0
    note: str | None = None
    refund_under_way: int = 0  # of `refunded_amount`, not made yet (tried again, or under way)
    gift_card_code: str | None = None
    gift_card_amount: int = 0  # what the gift card paid of the goods (not in `total`)
    pickup_place: str | None = None  # she collects it there (Order.pickup_place)
    delivery_day: date | None = None  # when it arrives (bot.services.delivery_slots)
    delivery_window: str | None = None
    tax_label: str | None = None  # "VAT": the order says the tax it includes (None: no tax)
    taxes: tuple[RateTax, ...] = ()  # per rate, its lines' and its shipping's (order_taxes)
    tax_total: int = 0

    @property
    def status_label(self) -> str:
        return status_label(self.status, collected=self.collected)

    @property
    def collected(self) -> bool:
        """She picks it up at a pickup point: ready for pickup and picked up, not shipped."""
        return is_pickup(self.shipping_option)

    def money(self, amount: int) -> str:
        return format_money(amount, self.currency)


def summarize(order: Order, refund_under_way: int = 0) -> OrderSummary:
    """A plain snapshot of an order loaded with its lines and customer; `refund_under_way`:
    its refunds still pending (uow.refunds.under_way)."""
    return OrderSummary(
        order_id=order.id,
        customer_telegram_id=order.customer.telegram_id,
        status=order.status,
        currency=order.currency,
        lines=tuple(
            LineSummary(
                line.product_id,
                line.sku,
                line.title,
                line.unit_price,
                line.quantity,
                line.discount,
                line.variant_id,
                line.translations,
            )
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
        promo_code=order.promo_code,
        tip_amount=order.tip_amount,
        note=order.note,
        refund_under_way=refund_under_way,
        gift_card_code=order.gift_card_code,
        gift_card_amount=order.gift_card_amount,
        pickup_place=order.pickup_place,
        delivery_day=order.delivery_day,
        delivery_window=order.delivery_window,
        tax_label=order.tax_label,
        taxes=order_taxes(order),
        tax_total=order.tax_total,
    )


def order_taxes(order: Order) -> tuple[RateTax, ...]:
    """The VAT an order loaded with its lines keeps, per rate: each line's, and its
    shipping's at the shop's rate then; () for an order without tax (placed before it, in a
    shop without TAX_RATE, or in Stars)."""
    if order.tax_label is None:
        return ()
    taxed = [(line.tax_rate_bp, line.tax) for line in order.lines]
    return by_rate([*taxed, (order.tax_rate_bp, order.shipping_tax)])


def tax_lines(
    tr: Translator, label: str | None, taxes: tuple[RateTax, ...], currency: str
) -> list[str]:
    """ "Includes VAT 20%: $2.67", one line per rate, as every screen of an order (and the
    summary before it) says what its prices include; none without tax."""
    if label is None:
        return []
    return [
        tr._(
            "Includes {label} {rate}%: {amount}",
            label=label,
            rate=rate_text(tax.rate, tr.locale),
            amount=tr.money(tax.amount, currency),
        )
        for tax in taxes
    ]


# The names of the shipping options an order stores by id (bot.payments.shipping).
SHIPPING_OPTIONS = {"standard": N_("standard"), "express": N_("express")}


def lines_text(order: OrderSummary, tr: Translator | None = None, width: int | None = None) -> str:
    """ "2 × Stoneware Mug — $32.00" per line, then discount, shipping and total, in the
    reader's language (`tr`; English without one); titles cut to `width` when given (a
    receipt of 40 long names, bot.clipping.titles_fitting)."""
    tr = tr or translator(None)

    def money(amount: int) -> str:
        return tr.money(amount, order.currency)

    def title(line: LineSummary) -> str:
        name = tr.name(line.title, line.translations)
        return clip(name, width) if width else name

    rows = [f"{line.quantity} × {title(line)} — {money(line.line_total)}" for line in order.lines]
    if order.discount_total:
        rows.append(discount_line(tr, order.promo_code, order.discount_total, order.currency))
    if line := gift_card_line(order, tr):
        rows.append(line)
    if order.needs_shipping and is_pickup(order.shipping_option):
        rows.append(delivery_method(order, tr))
    elif order.needs_shipping and order.shipping_option:
        rows.append(
            tr._(
                "Shipping ({option}): {amount}",
                option=delivery_method(order, tr),
                amount=money(order.shipping_total),
            )
        )
    if when := delivery_time(tr, order.delivery_day, order.delivery_window):
        rows.append(when)
    if order.tip_amount:
        rows.append(tr._("Tip: {amount}", amount=money(order.tip_amount)))
    rows.append(tr._("Total: {total}", total=money(order.total)))
    rows += tax_lines(tr, order.tax_label, order.taxes, order.currency)
    return "\n".join(rows)


class PaidByCard(Protocol):
    @property
    def currency(self) -> str: ...
    @property
    def gift_card_code(self) -> str | None: ...
    @property
    def gift_card_amount(self) -> int: ...


def gift_card_line(order: PaidByCard, tr: Translator) -> str | None:
    """ "Gift card ABCD-…-IJKL: −⭐ 60" on every screen of an order a card paid part of (the
    code masked); None if none did."""
    if not order.gift_card_code or not order.gift_card_amount:
        return None
    amount = tr.money(order.gift_card_amount, order.currency)
    return f"{gift_card_label(order.gift_card_code, tr)}: −{amount}"


def gift_card_label(code: str, tr: Translator) -> str:
    """ "Gift card ABCD-…-IJKL": how the invoice and every screen name the card's part."""
    return tr._("Gift card {code}", code=masked(code))


class Delivered(Protocol):
    @property
    def shipping_option(self) -> str | None: ...
    @property
    def pickup_place(self) -> str | None: ...


def address_text(address: dict[str, Any] | None) -> str:
    """A shipping address on one line ("1 Main St, 12345, Springfield, US"), as the admins'
    new-order alert, their order screen and the invoice write it; "-" for none."""
    if not address:
        return "-"
    parts = [
        address.get("street_line1"),
        address.get("street_line2"),
        address.get("post_code"),
        address.get("city"),
        address.get("state"),
        address.get("country_code"),
    ]
    return ", ".join(str(part) for part in parts if part)


def delivery_method(order: Delivered, tr: Translator) -> str:
    """How the order reaches her, as every screen of it says so: "Pick up at Main Street
    shop, 12 Main St" for a pickup point (the place as it was when she paid: `chosen_place`),
    else the shipping option as `tr`'s reader calls it ("exprés"); an id this shop no longer
    offers reads as it was stored, and none at all as ""."""
    option_id = order.shipping_option or ""
    if is_pickup(option_id):
        place = tr.said(chosen_place(option_id, order.pickup_place))
        return tr._("Pick up at {place}", place=place)
    option = SHIPPING_OPTIONS.get(option_id)
    return tr._(option) if option else option_id


SHORT_DAY = "MMMEd"  # a delivery day: Mon, Dec 7 · пн, 7 дек. · lun, 7 dic
DELIVERY_TIME = N_("🕒 Delivery: {day}, {window}")


def day_label(tr: Translator, day: date, form: str = SHORT_DAY) -> str:
    """ "Mon, Dec 7": a delivery day in the reader's language."""
    return format_skeleton(form, day, locale=tr.locale)


def delivery_time(tr: Translator, day: date | None, window: str | None) -> str | None:
    """ "🕒 Delivery: Mon, Dec 7, 10:00-12:00": when the order arrives, as every screen of it
    says so; None for an order with no delivery time."""
    if day is None or window is None:
        return None
    return tr._(DELIVERY_TIME, day=day_label(tr, day), window=window)


def discount_label(code: str | None, tr: Translator | None = None) -> str:
    """ "Discount (WELCOME10)": how every screen names the discount line (in `tr`'s language)."""
    tr = tr or translator(None)
    return tr._("Discount ({code})", code=code) if code else tr._("Discount")


def discount_line(
    tr: Translator, code: str | None, amount: int, currency: str, terms: str = ""
) -> str:
    """ "Discount (WELCOME10), 10% off: −$6.10": how every screen says what a promo code
    takes off, the cart's as the summary's and the order's (`terms`: the code's, "10% off",
    where the screen has them in its reader's language)."""
    label = f"{discount_label(code, tr)}, {terms}" if terms else discount_label(code, tr)
    return f"{label}: −{tr.money(amount, currency)}"


def promo_line(tr: Translator, promo: PromoQuote, currency: str) -> str:
    """What a quoted code takes off a cart, on the order summary and on the cart before it
    (its Checkout asks that much less than its total): "Discount (TENOFF), 10% off: −$6.10"."""
    return discount_line(tr, promo.code, promo.discount, currency, promo.label)
