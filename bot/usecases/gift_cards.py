"""/giftcard CODE: what is left on a card, read in a unit of work of its own."""

from __future__ import annotations

from bot.services import gift_cards
from bot.services.gift_cards import GiftCardBalance
from bot.shop import Shop


async def balance(shop: Shop, typed: str) -> GiftCardBalance:
    """The card's balance; GiftCardRefused if the shop issued no such card."""
    async with shop.store.reading() as uow:
        return await gift_cards.balance(uow, typed)
