"""Every text of price-drop alerts: the message a shopper gets when a product she saved is
cheaper, and her switch for them in /settings."""

from __future__ import annotations

from bot.callback_data import ShowProduct
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.store.repositories.favourites import PriceDrop

ALERTS_ON = N_(
    "🔖 Price drop alerts are on: when something you saved gets cheaper, I'll tell you once."
)
ALERTS_OFF = N_("🔕 Price drop alerts are off.")
TURN_OFF = N_("🔕 Price drop alerts off")
TURN_ON = N_("🔖 Price drop alerts on")
TURNED_ON = N_("Price drop alerts are on.")
TURNED_OFF = N_("Price drop alerts are off. You can turn them back on here in /settings.")


def price_dropped(tr: Translator, drop: PriceDrop) -> Notice:
    """One message per shopper and drop (in her language), with a button to the product."""
    title = tr.name(drop.title, drop.translations)
    price = tr.money(drop.price, drop.currency)
    return Notice(
        tr._(
            "🔖 {title}, which you saved, is now {price} (was {was}).",
            title=title,
            price=price,
            was=tr.money(drop.was, drop.currency),
        ),
        buttons=(((f"🛍 {title} · {price}", ShowProduct(drop.product_id, 1)),),),
    )
