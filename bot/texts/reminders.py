"""Every text of cart reminders: the one friendly reminder about a cart left alone."""

from __future__ import annotations

from bot.callback_data import CartReminders, Checkout, ShowCart
from bot.money import format_money
from bot.notifier import Notice
from bot.services.cart import CartView

MOST_LINES = 5  # lines named in a reminder; the rest are counted
NO_MORE = "🔕 No more reminders"
OPEN_CART = "🛒 Open cart"


def reminder(cart: CartView) -> Notice:
    lines = [f"• {line.quantity} × {line.title}" for line in cart.lines[:MOST_LINES]]
    if len(cart.lines) > MOST_LINES:
        lines.append(f"• … and {len(cart.lines) - MOST_LINES} more")
    total = format_money(cart.total, cart.currency)
    text = (
        "🛒 Still thinking it over? Your cart is waiting for you:\n"
        + "\n".join(lines)
        + f"\nTotal: {total}\n\nCheck out whenever you're ready."
    )
    return Notice(
        text,
        buttons=(
            ((f"✅ Checkout · {total}", Checkout()), (OPEN_CART, ShowCart())),
            ((NO_MORE, CartReminders(0)),),
        ),
    )
