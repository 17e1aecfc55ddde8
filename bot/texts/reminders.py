"""Every text of cart reminders: the one friendly reminder about a cart left alone."""

from __future__ import annotations

from bot.callback_data import CartReminders, Checkout, ShowCart
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.services.cart import CartView

MOST_LINES = 5  # lines named in a reminder; the rest are counted
NO_MORE = N_("🔕 No more reminders")
OPEN_CART = N_("🛒 Open cart")


def reminder(tr: Translator, cart: CartView, to_pay: int) -> Notice:
    """The reminder in its shopper's language (`tr`); `to_pay`: its Checkout button's sum,
    the goods after the cart's promo code, as the cart's own button says."""
    lines = [
        f"• {line.quantity} × {tr.name(line.title, line.translations)}"
        for line in cart.lines[:MOST_LINES]
    ]
    if len(cart.lines) > MOST_LINES:
        more = len(cart.lines) - MOST_LINES
        lines.append(
            "• " + tr.ngettext("… and {count} more", "… and {count} more", more, count=more)
        )
    total = tr.money(cart.total, cart.currency)
    text = (
        tr._("🛒 Still thinking it over? Your cart is waiting for you:")
        + "\n"
        + "\n".join(lines)
        + "\n"
        + tr._("Total: {total}", total=total)
        + "\n\n"
        + tr._("Check out whenever you're ready.")
    )
    return Notice(
        text,
        buttons=(
            (
                (tr._("✅ Checkout · {total}", total=tr.money(to_pay, cart.currency)), Checkout()),
                (tr._(OPEN_CART), ShowCart()),
            ),
            ((tr._(NO_MORE), CartReminders(0)),),
        ),
    )
