"""The words of quantity tiers ("buy 3+, save 10%"), wherever they are shown: the product card's
📦 line, a cart line's tier ("3 × $14.40 (−10% for 3+)"), the cart's nudge toward the next
tier, and the admin's /tiers answers. The rule itself is bot.pricing's. Plain text, percents
in the reader's own way (`Translator.percent`)."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.pricing import Tier, Tiers
from bot.services.cart import TierNudge
from bot.texts.sale import MINUS

BUY_TIERS = N_("📦 Buy {tiers}")
TIER_STEP = N_("{quantity}+: {off}")
TIER_NOTE = N_("({off} for {quantity}+)")


def tier_off(tr: Translator, percent: int) -> str:
    """ "−10%" in the reader's way."""
    return f"{MINUS}{tr.percent(percent)}"


def tiers_text(tr: Translator, tiers: Tiers) -> str:
    """ "3+: −10% · 6+: −15%": a product's tiers in one line (card and admin alike)."""
    return " · ".join(
        tr._(TIER_STEP, quantity=quantity, off=tier_off(tr, percent)) for quantity, percent in tiers
    )


def tiers_mark(tr: Translator, tiers: Tiers) -> str:
    """ "📦 3+: −10%, 6+: −15%": a product's tiers as the admin's product list marks them (its
    own " · " separates the list's fields); "" without tiers."""
    if not tiers:
        return ""
    steps = (
        tr._(TIER_STEP, quantity=quantity, off=tier_off(tr, percent)) for quantity, percent in tiers
    )
    return "📦 " + ", ".join(steps)


def tiers_line(tr: Translator, tiers: Tiers) -> str | None:
    """ "📦 Buy 3+: −10% · 6+: −15%" under a product's price; None without tiers."""
    return tr._(BUY_TIERS, tiers=tiers_text(tr, tiers)) if tiers else None


def tier_note(tr: Translator, tier: Tier | None) -> str:
    """ "(−10% for 3+)" beside a cart line's unit price at a tier; "" below the first."""
    if tier is None:
        return ""
    return tr._(TIER_NOTE, off=tier_off(tr, tier[1]), quantity=tier[0])


def units_at(
    tr: Translator, quantity: int, unit_price: int, currency: str, tier: Tier | None
) -> str:
    """ "3 × $14.40 (−10% for 3+)": a line's units at their price and tier, as the cart and
    the order summary both say it ("2 × $16.00" below the first tier)."""
    at = tr.money(unit_price, currency)
    note = tier_note(tr, tier)
    return f"{quantity} × {at} {note}" if note else f"{quantity} × {at}"


def adding_price(tr: Translator, increase: int, currency: str, tiers: Tiers, in_order: int) -> str:
    """What a card's Add button names (ProductCard.cost_of_adding): "+$11.20" when her
    cart holds some of a product with tiers (a tier may re-price those too, so the button
    names what her cart grows by, not a unit price), "$43.20" otherwise (what she adds)."""
    price = tr.money(increase, currency)
    return f"+{price}" if tiers and in_order > 0 else price


def nudge_line(tr: Translator, nudge: TierNudge | None) -> str | None:
    """ "💡 Add 1 more to save 10%" under a product's last cart line; None without a nudge."""
    if nudge is None:
        return None
    return tr.ngettext(
        "💡 Add {count} more to save {percent}",
        "💡 Add {count} more to save {percent}",
        nudge.more,
        count=nudge.more,
        percent=tr.percent(nudge.percent),
    )
