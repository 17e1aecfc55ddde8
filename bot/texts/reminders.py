"""Every text of cart reminders: the one friendly reminder about a cart left alone."""

from __future__ import annotations

from bot.callback_data import CartReminders, Checkout, ShowCart
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.services.cart import CartView
from bot.services.checkout import after_promo
from bot.services.order_summary import discount_line
from bot.services.promos import PromoQuote

MOST_LINES = 5  # lines named in a reminder; the rest are counted
NO_MORE = N_("🔕 No more reminders")
OPEN_CART = N_("🛒 Open cart")


def reminder(tr: Translator, cart: CartView, promo: PromoQuote | None) -> Notice:
    """The reminder in its shopper's language (`tr`). With the cart's promo code (`promo`,
    quoted now) the total is followed by what the code takes off, and Checkout says what the
    goods come to after it, as the cart itself says; the code's terms ("10% off") are left
    out, as a quote words them for the reader of an update and a job has none."""
    lines = [
        f"• {line.quantity} × {tr.name(line.title, line.translations)}"
        for line in cart.lines[:MOST_LINES]
    ]
    if len(cart.lines) > MOST_LINES:
        more = len(cart.lines) - MOST_LINES
        lines.append(
            "• " + tr.ngettext("… and {count} more", "… and {count} more", more, count=more)
        )
    totals = [tr._("Total: {total}", total=tr.money(cart.total, cart.currency))]
    if promo:
        totals.append(discount_line(tr, promo.code, promo.discount, cart.currency))
    text = (
        tr._("🛒 Still thinking it over? Your cart is waiting for you:")
        + "\n"
        + "\n".join(lines + totals)
        + "\n\n"
        + tr._("Check out whenever you're ready.")
    )
    to_pay = tr.money(after_promo(cart, promo), cart.currency)
    return Notice(
        text,
        buttons=(
            (
                (tr._("✅ Checkout · {total}", total=to_pay), Checkout()),
                (tr._(OPEN_CART), ShowCart()),
            ),
            ((tr._(NO_MORE), CartReminders(0)),),
        ),
    )
