"""Low-stock alerts: every admin hears, in their own language, when a product's available
stock falls to the threshold.

Callers (admin stock changes, sales) pass the products whose stock just went down; products
still above `settings.low_stock_threshold`, or hidden, are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import notices
from bot.services.sellable import low_stock_lines
from bot.shop import Shop


async def low_stock_alerts(
    shop: Shop, product_ids: Iterable[int], variant_ids: Iterable[int] = ()
) -> list[str]:
    """Notify admins of the units at or below the threshold; returns the SKUs alerted. A
    product sold as variants stands for all its variants; `variant_ids` name single ones."""
    ids, variants = set(product_ids), set(variant_ids)
    if not (ids or variants) or not shop.settings.admin_ids:
        return []
    threshold = shop.settings.low_stock_threshold
    async with shop.store.uow() as uow:
        low = await low_stock_lines(uow.products, threshold, ids, variants)
    if low:
        await shop.alert_admins(lambda tr: notices.low_stock(tr, threshold, low))
    return [line.sku for line in low]
