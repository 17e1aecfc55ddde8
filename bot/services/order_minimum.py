"""The shop's minimum order (MIN_ORDER), one rule for every way to buy.

The cart and the order summary show the shortfall instead of their Checkout and Pay buttons;
`place_order` asks `check_minimum_order` (the chat's Pay, even one pressed on an older
summary, and the storefront's checkout both come through it), and so does the pre-checkout
answer (an invoice sent before MIN_ORDER was raised is not paid below it): nothing below the
minimum is ever held or charged.
"""

from __future__ import annotations

from bot import i18n
from bot.config import Settings
from bot.i18n import N_
from bot.services.errors import CartError

BELOW_MINIMUM = N_("Minimum order: {minimum} — add {more} more to check out.")


class BelowMinimumOrder(CartError):
    """The goods come to less than the shop's minimum order."""

    def __init__(self, total: int, minimum: int, currency: str) -> None:
        super().__init__()
        self.total, self.minimum, self.currency = total, minimum, currency
        self._words(
            BELOW_MINIMUM,
            minimum=i18n.amount(minimum, currency),
            more=i18n.amount(minimum - total, currency),
        )


def below_minimum(total: int, settings: Settings) -> BelowMinimumOrder | None:
    """What stands between these goods (after sale prices and any promo discount, before
    shipping) and checkout: None when they reach MIN_ORDER, or when there is none."""
    if settings.min_order and total < settings.min_order:
        return BelowMinimumOrder(total, settings.min_order, settings.currency)
    return None


def check_minimum_order(total: int, settings: Settings) -> None:
    """BelowMinimumOrder while `total` is short of the shop's minimum order."""
    if (short := below_minimum(total, settings)) is not None:
        raise short
