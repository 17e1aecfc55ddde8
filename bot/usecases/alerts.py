"""Low-stock alerts: every admin hears when a product's available stock falls to the threshold.

Callers (admin stock changes, sales) pass the products whose stock just went down; products
still above `settings.low_stock_threshold`, or hidden, are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import notices
from bot.shop import Shop


async def low_stock_alerts(shop: Shop, product_ids: Iterable[int]) -> list[str]:
    """Notify admins of the products at or below the threshold; returns the SKUs alerted."""
    ids = sorted(set(product_ids))
    if not ids or not shop.settings.admin_ids:
        return []
    threshold = shop.settings.low_stock_threshold
    async with shop.store.uow() as uow:
        products = await uow.products.get_many(ids)
    low = sorted(
        (p for p in products.values() if p.is_active and p.available <= threshold),
        key=lambda p: p.sku,
    )
    if low:
        await shop.notifier.alert_admins(notices.low_stock(shop.admin_words, threshold, low))
    return [p.sku for p in low]
