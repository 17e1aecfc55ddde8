"""Saved products (♡ on a product's card, listed under /saved): a shopper's own short list
to come back to, newest first. Only products on sale are listed; one taken off sale stays
saved and comes back to the list with it."""

from __future__ import annotations

import math

from bot.services.catalog import PAGE_SIZE, ProductPage, items_of
from bot.services.errors import TooManySaved
from bot.store.uow import UnitOfWork

MOST_SAVED = 100  # per shopper: a list to come back to, not a second catalog


async def save(uow: UnitOfWork, customer_id: int, product_id: int) -> None:
    """Save the product (the caller has checked it is on sale); saved already is fine.
    TooManySaved past MOST_SAVED."""
    if await uow.favourites.count(customer_id) >= MOST_SAVED:
        raise TooManySaved(MOST_SAVED)
    await uow.favourites.save(customer_id, product_id)


async def drop(uow: UnitOfWork, customer_id: int, product_id: int) -> None:
    await uow.favourites.drop(customer_id, product_id)


async def saved_page(uow: UnitOfWork, customer_id: int, page: int) -> ProductPage:
    """One page of her saved products on sale, the last saved first (a page past either end
    is the nearest one)."""
    total = await uow.favourites.count(customer_id, on_sale=True)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    ids = await uow.favourites.page_ids(customer_id, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    return ProductPage("", await items_of(uow, ids), page, pages, total)
