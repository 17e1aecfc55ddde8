"""The words of a sale price, wherever a price is shown on sale: the product card ("<s>$20.00</s>
$16.00 · −20%"), a list's buttons, which cannot hold HTML ("$16.00 (−20%)"), the storefront
page, and the admin's product list, which names the regular price ("$16.00 (was $20.00,
−20%)"). Money and percent in the reader's own way (`Translator.money`, `percent`)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.i18n import N_, Translator
from bot.pricing import on_sale, percent_off

MINUS = "\u2212"  # "−20%": a minus sign, not a hyphen
YOU_SAVE = N_("🔖 You save {amount}")
WAS = N_("{price} (was {was})")
WAS_OFF = N_("{price} (was {was}, {off})")


def off_text(tr: Translator, price: int, compare_at: int | None) -> str | None:
    """ "−20%": what the sale takes off, rounded down; None when not on sale (or less than
    a whole percent)."""
    percent = percent_off(price, compare_at)
    return f"{MINUS}{tr.percent(percent)}" if percent else None


@dataclass(frozen=True, slots=True)
class SaleWords:
    """A price as the reader writes it, and on a sale its regular price and what the sale
    takes off ("$16.00", "$20.00", "−20%"): the one rule every shown price follows."""

    now: str
    was: str | None = None  # None: not on sale
    off: str | None = None  # None: not on sale, or less than a whole percent off


def sale_words(tr: Translator, price: int, compare_at: int | None, currency: str) -> SaleWords:
    now = tr.money(price, currency)
    if compare_at is None or not on_sale(price, compare_at):
        return SaleWords(now)
    return SaleWords(now, tr.money(compare_at, currency), off_text(tr, price, compare_at))


def price_html(tr: Translator, price: int, compare_at: int | None, currency: str) -> str:
    """The card's price: "<s>$20.00</s> $16.00 · −20%" on a sale, else "$16.00"."""
    words = sale_words(tr, price, compare_at, currency)
    if words.was is None:
        return escape(words.now)
    was = f"<s>{escape(words.was)}</s> {escape(words.now)}"
    return f"{was} · {words.off}" if words.off else was


def price_label(tr: Translator, price: int, compare_at: int | None, currency: str) -> str:
    """A list button's price (plain text, kept short): "$16.00 (−20%)" on a sale."""
    words = sale_words(tr, price, compare_at, currency)
    return f"{words.now} ({words.off})" if words.off else words.now


def price_was(tr: Translator, price: int, compare_at: int | None, currency: str) -> str:
    """A price in a line of plain text (the admin's product list), its regular price named:
    "$16.00 (was $20.00, −20%)" on a sale, else "$16.00"."""
    words = sale_words(tr, price, compare_at, currency)
    if words.was is None:
        return words.now
    if words.off is None:
        return tr._(WAS, price=words.now, was=words.was)
    return tr._(WAS_OFF, price=words.now, was=words.was, off=words.off)


def saving_line(tr: Translator, amount: int, currency: str) -> str | None:
    """ "🔖 You save $4.00" under a cart's total: what the sales of its lines take off their
    regular prices (the cart charges the prices alone); None without a sale."""
    return tr._(YOU_SAVE, amount=tr.money(amount, currency)) if amount else None
