"""Sale prices: a product (or a variant with a price of its own) may carry its regular price,
`compare_at`, above the price it sells at, shown struck through beside it. The one place
for what a sale is, how much it takes off, and when a new price ends it. Nothing charges
`compare_at`: carts, invoices and receipts take the price alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.catalog_rules import OutOfRange
from bot.money import N_


def on_sale(price: int, compare_at: int | None) -> bool:
    """A regular price above the price: what a card strikes through."""
    return compare_at is not None and compare_at > price


def percent_off(price: int, compare_at: int | None) -> int:
    """The whole percent a sale takes off, rounded down (never promising more than it
    gives: $20.00 -> $16.66 is 16%); 0 when not on sale."""
    if compare_at is None or not on_sale(price, compare_at):
        return 0
    return (compare_at - price) * 100 // compare_at


def sale_after_new_price(price: int, compare_at: int | None) -> int | None:
    """The regular price kept beside a new `price`: a price not below it ends the sale
    (/price and /edit alike), since a struck price at or under the price would be a lie."""
    return compare_at if on_sale(price, compare_at) else None


SALE_PERCENTS = range(1, 91)  # what /sale takes off a whole category: 1% to 90%


def discounted(price: int, percent: int) -> int:
    """`price` less `percent`% (/sale), in whole minor units of its currency (cents, yen,
    whole Stars: amounts are kept so), rounded half up with integers only, never below one
    minor unit: $20.00 at 20% is $16.00, $0.99 at 25% is $0.74 (74.25), ¥999 at 15% is ¥849
    (849.15), 3 Stars at 50% are 2 (1.5 up)."""
    return max(1, (price * (100 - percent) + 50) // 100)


# Quantity tiers ("buy 3+, save 10%"): a product's volume discounts, kept on products.tiers
# as "3:10,6:15" (from 3 units 10% off, from 6 units 15% off). Units of all its variants in one
# cart count together. The order of discounts: a sale sets the price (compare_at is only
# shown); the tier takes its percent off that price per unit (`tiered`); a promo code then
# takes its part off the tiered line totals, and the VAT is what those totals include.

Tier = tuple[int, int]  # (from this many units, percent off)
Tiers = tuple[Tier, ...]

TIER_PERCENTS = SALE_PERCENTS  # what a tier takes off: 1% to 90%, as /sale
MAX_TIERS_CHARS = 40  # products.tiers: "3:10,6:15,12:20,24:25,48:30,96:35" fits
TIERS_REFUSED = N_(
    "Write tiers as QUANTITY:PERCENT%, e.g. 3:10% 6:15% (from 3 units 10% off, from 6 units "
    "15% off): quantities from 2 up, percents from 1 to 90, both growing from tier to tier."
)
_TIER_RE = re.compile(r"^(?P<quantity>[0-9]{1,4}):(?P<percent>[0-9]{1,3})%?$")


class TiersError(OutOfRange):
    """Tiers that cannot be kept; its `template` says what to write instead."""


def parse_tiers(text: str) -> Tiers:
    """ "3:10% 6:15%", "3:10,6:15" or "3:10%, 6:15%" -> ((3, 10), (6, 15)); "" -> () (no
    tiers); TiersError for anything else: quantities below 2, percents outside 1-90, a tier
    that does not give more for more, or more than products.tiers holds. The one check of
    /tiers and catalog files alike."""
    words = [word for word in re.split(r"[\s,;]+", str(text).strip()) if word]
    tiers: list[Tier] = []
    for word in words:
        match = _TIER_RE.match(word)
        if match is None:
            raise TiersError(TIERS_REFUSED)
        tiers.append((int(match.group("quantity")), int(match.group("percent"))))
    for quantity, percent in tiers:
        if quantity < 2 or percent not in TIER_PERCENTS:
            raise TiersError(TIERS_REFUSED)
    for (quantity, percent), (more, deeper) in pairwise(tiers):
        if more <= quantity or deeper <= percent:
            raise TiersError(TIERS_REFUSED)
    if len(stored_tiers_text(tuple(tiers))) > MAX_TIERS_CHARS:
        raise TiersError(TIERS_REFUSED)
    return tuple(tiers)


def stored_tiers_text(tiers: Tiers) -> str:
    """Tiers as products.tiers and catalog files keep them: "3:10,6:15" ("" for none)."""
    return ",".join(f"{quantity}:{percent}" for quantity, percent in tiers)


def stored_tiers(text: str | None) -> Tiers:
    """products.tiers read back (validated when written); () for none."""
    return parse_tiers(text) if text else ()


def tier_for(quantity: int, tiers: Tiers) -> Tier | None:
    """The deepest tier `quantity` units reach; None below the first."""
    reached = [tier for tier in tiers if quantity >= tier[0]]
    return reached[-1] if reached else None


def tiered(unit_price: int, quantity: int, tiers: Tiers) -> int:
    """What one unit costs when `quantity` units of the product are bought together: its
    price less the tier's percent, rounded half up per unit as `discounted` rounds (never
    below one minor unit), so a line is always quantity × one unit price: $16.00 at 3+
    -10% is $14.40, three are $43.20."""
    tier = tier_for(quantity, tiers)
    return unit_price if tier is None else discounted(unit_price, tier[1])


def next_tier(quantity: int, tiers: Tiers) -> Tier | None:
    """The first tier above what `quantity` units reach (the cart's "💡 Add 1 more to save
    10%"); None when the deepest is reached or there are none."""
    return next((tier for tier in tiers if tier[0] > quantity), None)


def tiered_total(units: Sequence[tuple[int, int]], tiers: Tiers) -> int:
    """What one product's lines, `units` as (unit price, quantity) (its variants may differ
    in price), cost together: each at the tier all of them reach."""
    count = sum(quantity for _, quantity in units)
    return sum(tiered(price, count, tiers) * quantity for price, quantity in units)


def cost_of_adding(held: Sequence[tuple[int, int]], price: int, quantity: int, tiers: Tiers) -> int:
    """What a cart's total grows by when `quantity` units at `price` join the product's
    `held` (unit price, quantity) lines: the new units at the tier all reach, and the held
    ones moved to it too (2 mugs at $16.00 in the cart, a third at 3+ −10% adds $11.20:
    $43.20 less $32.00), so a button never names a unit price the cart does not grow by."""
    return tiered_total([*held, (price, quantity)], tiers) - tiered_total(held, tiers)
