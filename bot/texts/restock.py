"""Every text of "Notify me": the sold-out product's button, its toasts, and the notice a
waiting shopper gets when the product is back."""

from __future__ import annotations

from bot.callback_data import ShowProduct
from bot.money import format_money
from bot.notifier import Notice
from bot.store.repositories.restock import Waiting

NOTIFY_ME = "🔔 Notify me when it's back"
STOP = "🔕 Don't notify me"
WAITING_LINE = "🔔 I'll message you when it's back."
IN_STOCK_NOW = "Good news: it's in stock right now!"


def variant_sold_out(label: str) -> str:
    """The toast when a shopper picks a sold-out option: it cannot go in the cart."""
    return f"Sorry, {label} is sold out. Tap “Notify me” to hear when it's back."


def watching(title: str) -> str:
    return f"🔔 I'll message you as soon as {title} is back in stock."


def stopped(title: str) -> str:
    return f"🔕 OK, no message about {title}."


def back_in_stock(waiting: Waiting) -> Notice:
    """One message per waiting shopper, with a button to the product."""
    price = format_money(waiting.price, waiting.currency)
    return Notice(
        f"🔔 Good news: {waiting.title} is back in stock!",
        buttons=(
            (
                (
                    f"🛍 {waiting.title} · {price}",
                    ShowProduct(waiting.product_id, 1, waiting.variant_id),
                ),
            ),
        ),
    )
