"""Sale prices: a product (or a variant with a price of its own) may carry its regular price,
`compare_at`, above the price it sells at, shown struck through beside it. The one place
for what a sale is, how much it takes off, and when a new price ends it. Nothing charges
`compare_at`: carts, invoices and receipts take the price alone."""

from __future__ import annotations


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
