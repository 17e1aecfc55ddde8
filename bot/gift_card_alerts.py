"""The admins' alert when an order's gift card part could not go back on its card, sent
after the transaction that recorded it committed (never for one rolled back). Below the
shopper's conversation and the use cases, which both send it."""

from __future__ import annotations

from collections.abc import Iterable

from bot import notices
from bot.services.checkout import ReleasedHold
from bot.shop import Shop


async def alert_not_back(shop: Shop, order_id: int, not_back: str | None) -> None:
    """Tell the admins, each in her language, that order #N's card part did not go back
    (`not_back`: why, as `gift_cards.give_back` recorded it on the order); None: nothing to
    tell."""
    if not_back is not None:
        await shop.alert_admins(lambda tr: notices.card_part_not_back(tr, order_id, not_back))


async def alert_holds_not_back(shop: Shop, holds: Iterable[ReleasedHold]) -> None:
    """`alert_not_back` for each invoice let go (a /cancel, a new checkout, a deletion) whose
    card's part could not go back; called once the transaction that let them go committed."""
    for hold in holds:
        await alert_not_back(shop, hold.order_id, hold.card_not_back)
