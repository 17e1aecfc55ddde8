"""Product photos: the file_id Telegram gives an uploaded photo is kept, so the next time the
photo goes out by id instead of being uploaded again (see bot.services.photos)."""

from __future__ import annotations

from bot.services.photos import PhotoSource, remember_file_id, resolve_original
from bot.shop import Shop


async def remember_photo(shop: Shop, product_id: int, file_id: str) -> None:
    async with shop.store.uow() as uow:
        await remember_file_id(uow, product_id, file_id)


async def forget_photo(shop: Shop, product_id: int) -> PhotoSource | None:
    """A kept file_id Telegram no longer knows is dropped; the catalog's own photo instead."""
    async with shop.store.uow() as uow:
        await remember_file_id(uow, product_id, None)
        product = await uow.products.get(product_id)
    if product is None:
        return None
    return resolve_original(product.photo, shop.settings.catalog_path)
