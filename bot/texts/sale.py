"""The words of a sale price, wherever a price is shown on sale: the product card ("<s>$20.00</s>
$16.00 · −20%"), a list's buttons, which cannot hold HTML ("$16.00 (−20%)"), and the
storefront page. Money and percent in the reader's own way (`Translator.money`, `percent`)."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, Translator
from bot.services.pricing import on_sale, percent_off

MINUS = "\u2212"  # "−20%": a minus sign, not a hyphen
YOU_SAVE = N_("🔖 You save {amount}")


def off_text(tr: Translator, price: int, compare_at: int | None) -> str | None:
    """ "−20%": what the sale takes off, rounded down; None when not on sale (or less than
    a whole percent)."""
    percent = percent_off(price, compare_at)
    return f"{MINUS}{tr.percent(percent)}" if percent else None


def price_html(tr: Translator, price: int, compare_at: int | None, currency: str) -> str:
    """The card's price: "<s>$20.00</s> $16.00 · −20%" on a sale, else "$16.00"."""
    now = escape(tr.money(price, currency))
    if compare_at is None or not on_sale(price, compare_at):
        return now
    was = f"<s>{escape(tr.money(compare_at, currency))}</s> {now}"
    off = off_text(tr, price, compare_at)
    return f"{was} · {off}" if off else was


def price_label(tr: Translator, price: int, compare_at: int | None, currency: str) -> str:
    """A list button's price (plain text, kept short): "$16.00 (−20%)" on a sale."""
    now = tr.money(price, currency)
    off = off_text(tr, price, compare_at)
    return f"{now} ({off})" if off else now


def saving_line(tr: Translator, amount: int, currency: str) -> str | None:
    """ "🔖 You save $4.00" under a cart's total: what the sales of its lines take off their
    regular prices (the cart charges the prices alone); None without a sale."""
    return tr._(YOU_SAVE, amount=tr.money(amount, currency)) if amount else None
