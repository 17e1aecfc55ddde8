"""Product photos: the file_id Telegram gives an uploaded photo is kept, so the next time the
photo goes out by id instead of being uploaded again (see bot.services.photos)."""

from __future__ import annotations

from bot.services.photos import PhotoSource, remember_file_id, resolve_original
from bot.shop import Shop


async def remember_photo(
    shop: Shop, product_id: int, file_id: str, variant_id: int = 0, further: str | None = None
) -> None:
    """`variant_id`: the photo is that variant's own; `further`: it is that further photo of
    the product's gallery (as the catalog names it)."""
    async with shop.store.uow() as uow:
        await remember_file_id(uow, product_id, file_id, variant_id, further)


async def forget_photo(
    shop: Shop, product_id: int, variant_id: int = 0, further: str | None = None
) -> PhotoSource | None:
    """A kept file_id Telegram no longer knows is dropped; the catalog's own photo instead."""
    if further is not None:
        async with shop.store.uow() as uow:
            await remember_file_id(uow, product_id, None, further=further)
        return resolve_original(further, shop.settings.catalog_path)
    async with shop.store.uow() as uow:
        await remember_file_id(uow, product_id, None, variant_id)
        product = await uow.products.get(product_id)
        variant = await uow.products.get_variant(variant_id) if variant_id else None
    if product is None:
        return None
    own = variant.photo if variant is not None and variant.product_id == product_id else None
    return resolve_original(own or product.photo, shop.settings.catalog_path)
