"""Inline mode: products a shopper can post into any chat. Reads only: inline queries come
from anyone, also from people who never opened the shop, so nothing is written for them."""

from __future__ import annotations

from bot.services import catalog
from bot.services.catalog import SharePage
from bot.shop import Shop


async def shareable(shop: Shop, query: str, offset: int, page_size: int) -> SharePage:
    async with shop.searching, shop.store.reading() as uow:  # searches take turns
        return await catalog.shareable(uow, query, offset, page_size)
