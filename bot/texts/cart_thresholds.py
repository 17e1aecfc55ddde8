"""The cart's two thresholds as a shopper reads them, in the chat and on the storefront: the
shop's minimum order (the rule's own words, `bot.services.order_minimum`) and how far the
goods are from free standard shipping (the shipping options' own rule, `ships_free`)."""

from __future__ import annotations

from bot.config import Settings
from bot.i18n import Translator
from bot.payments.shipping import free_shipping_left
from bot.services.order_minimum import below_minimum


def min_order_text(tr: Translator, total: int, settings: Settings) -> str | None:
    """ "Minimum order: $10.00 — add $3.50 more to check out.", or None when `total` (the
    goods after sale prices and any promo discount) reaches MIN_ORDER or there is none."""
    short = below_minimum(total, settings)
    return short.said(tr) if short is not None else None


def free_shipping_text(
    tr: Translator, total: int, settings: Settings, *, needs_shipping: bool
) -> str | None:
    """How far the goods are from free standard shipping at home, or that they ship free;
    None for a cart with nothing to ship, a Stars shop, or FREE_SHIPPING_OVER off."""
    left = free_shipping_left(settings, total, needs_shipping=needs_shipping)
    if left is None:
        return None
    home = settings.shipping_home_country
    if not left:
        return tr._("🚚 Free standard shipping ({country}).", country=home)
    return tr._(
        "🚚 Add {more} more for free standard shipping ({country}).",
        more=tr.money(left, settings.currency),
        country=home,
    )
