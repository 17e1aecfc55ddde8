"""Shipping options computed from the address: where we ship, and what it costs."""

from __future__ import annotations

from dataclasses import dataclass

from bot import i18n
from bot.config import Settings
from bot.i18n import N_
from bot.money import telegram_maximum
from bot.services.pickup import pickup_id

STANDARD = "standard"
EXPRESS = "express"
ABOVE_LIMIT_WITH_SHIPPING = N_(
    "With shipping your order comes to {total}, and Telegram takes at most {limit} in one "
    "payment in {currency}. Take something out of your cart (you can buy the rest in a second "
    "order), then check out again."
)


class ShippingRefused(Exception):
    """We cannot ship there (or that option does not exist); the message is for the shopper."""


@dataclass(frozen=True)
class ShippingChoice:
    id: str
    title: str
    price: int


def shipping_options(
    settings: Settings, *, goods_total: int, country_code: str
) -> list[ShippingChoice]:
    """The options to offer (`priced_options`) that keep the total within what Telegram takes
    in one payment (bot.money.telegram_maximum): Pay checked the goods alone, and an invoice
    whose shipping pushes it over would be refused. ShippingRefused if none does."""
    choices = priced_options(settings, goods_total=goods_total, country_code=country_code)
    most = telegram_maximum(settings.currency)
    fitting = [choice for choice in choices if goods_total + choice.price <= most]
    if not fitting:
        tr, currency = i18n.current(), settings.currency
        cheapest = goods_total + min(choice.price for choice in choices)
        raise ShippingRefused(
            tr._(
                ABOVE_LIMIT_WITH_SHIPPING,
                total=tr.money(cheapest, currency),
                limit=tr.money(most, currency),
                currency=currency,
            )
        )
    return fitting


def ships_free(settings: Settings, goods_total: int) -> bool:
    """Standard shipping at home costs nothing for goods of `goods_total` (the one threshold
    rule: the payment form's options and the cart's nudge both ask it)."""
    return goods_total >= settings.free_shipping_over


def free_shipping_left(settings: Settings, goods_total: int, *, needs_shipping: bool) -> int | None:
    """How much more the goods need for free standard shipping at home (0: reached), or None
    when there is nothing to say: nothing to ship, a Stars shop, or FREE_SHIPPING_OVER off."""
    if not needs_shipping or settings.uses_stars or settings.free_shipping_over <= 0:
        return None
    return 0 if ships_free(settings, goods_total) else settings.free_shipping_over - goods_total


def priced_options(
    settings: Settings, *, goods_total: int, country_code: str
) -> list[ShippingChoice]:
    """Standard and express to where we ship, or ShippingRefused.

    At home, standard is free from `free_shipping_over`; abroad both options cost
    `shipping_international_extra` more and standard is never free.
    """
    country = (country_code or "").strip().upper()
    if country not in settings.shipping_countries:
        where = ", ".join(sorted(settings.shipping_countries))
        tr = i18n.current()
        shown = country or tr._("that address")
        raise ShippingRefused(
            tr._(
                "Sorry, we don't ship to {country} yet. We ship to: {where}.",
                country=shown,
                where=where,
            )
        )
    tr = i18n.current()  # the shopper filling in the payment form
    if country != settings.shipping_home_country:
        extra = settings.shipping_international_extra
        return [
            ShippingChoice(
                STANDARD, tr._("Standard, international"), settings.shipping_standard + extra
            ),
            ShippingChoice(
                EXPRESS, tr._("Express, international"), settings.shipping_express + extra
            ),
        ]
    free = ships_free(settings, goods_total)
    standard = 0 if free else settings.shipping_standard
    standard_title = tr._("Standard (free)") if free else tr._("Standard")
    if not free:
        threshold = tr.money(settings.free_shipping_over, settings.currency)
        standard_title = tr._("Standard (free from {threshold})", threshold=threshold)
    pickups = [
        ShippingChoice(pickup_id(number), tr._("🏬 Pick up: {name} (free)", name=point.name), 0)
        for number, point in enumerate(settings.pickup_points, start=1)
    ]
    return [
        ShippingChoice(STANDARD, standard_title, standard),
        ShippingChoice(EXPRESS, tr._("Express"), settings.shipping_express),
        *pickups,
    ]


def shipping_price(
    settings: Settings, *, option_id: str, goods_total: int, country_code: str
) -> ShippingChoice:
    """The option the shopper chose, priced exactly as it was offered."""
    for choice in shipping_options(settings, goods_total=goods_total, country_code=country_code):
        if choice.id == option_id:
            return choice
    raise ShippingRefused("That shipping option is not available. Please check out again.")
