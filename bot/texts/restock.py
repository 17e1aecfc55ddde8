"""Every text of "Notify me": the sold-out product's button, its toasts, and the notice a
waiting shopper gets when the product is back."""

from __future__ import annotations

from bot.callback_data import ShowProduct
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.store.models import variant_title
from bot.store.repositories.restock import Waiting

NOTIFY_ME = N_("🔔 Notify me when it's back")
STOP = N_("🔕 Don't notify me")
WAITING_LINE = N_("🔔 I'll message you when it's back.")
IN_STOCK_NOW = N_("Good news: it's in stock right now!")


def variant_sold_out(tr: Translator, label: str) -> str:
    """The toast when a shopper picks a sold-out option: it cannot go in the cart."""
    return tr._("Sorry, {label} is sold out. Tap “Notify me” to hear when it's back.", label=label)


def watching(tr: Translator, title: str) -> str:
    return tr._("🔔 I'll message you as soon as {title} is back in stock.", title=title)


def stopped(tr: Translator, title: str) -> str:
    return tr._("🔕 OK, no message about {title}.", title=title)


def back_in_stock(tr: Translator, waiting: Waiting) -> Notice:
    """One message per waiting shopper (in their language), with a button to the product."""
    price = tr.money(waiting.price, waiting.currency)
    label = tr.label(waiting.variant_label, waiting.translations)
    title = variant_title(tr.name(waiting.title, waiting.translations), label)
    return Notice(
        tr._("🔔 Good news: {title} is back in stock!", title=title),
        buttons=(
            (
                (
                    f"🛍 {title} · {price}",
                    ShowProduct(waiting.product_id, 1, waiting.variant_id),
                ),
            ),
        ),
    )
