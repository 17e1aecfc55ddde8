"""/giftcard CODE: what is left on a card, read in a unit of work of its own; and the admins'
alert when an order's card part could not go back on its card, sent after the transaction
that recorded it committed (never for one rolled back)."""

from __future__ import annotations

from collections.abc import Iterable

from bot import notices
from bot.services import gift_cards
from bot.services.checkout import ReleasedHold
from bot.services.gift_cards import GiftCardBalance
from bot.shop import Shop


async def balance(shop: Shop, typed: str) -> GiftCardBalance:
    """The card's balance; GiftCardRefused if the shop issued no such card."""
    async with shop.store.reading() as uow:
        return await gift_cards.balance(uow, typed)


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
