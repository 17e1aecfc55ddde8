"""Low-stock alerts: tell every admin when a product's available stock falls to the threshold.

Callers (admin stock changes, sales) pass the products whose stock just went down; products
still above `settings.low_stock_threshold`, or hidden, are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram.error import TelegramError

from bot.pacing import BULK, ShopBot
from bot.shop import Shop
from bot.store.models import Product

log = logging.getLogger(__name__)


def low_stock_line(product: Product) -> str:
    left = product.available
    return f"{product.sku} · {product.title}: {left} left" + (
        f" ({product.reserved} held)" if product.reserved else ""
    )


async def low_stock_alerts(bot: ShopBot, shop: Shop, product_ids: Iterable[int]) -> list[str]:
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
    if not low:
        return []
    text = f"⚠️ Low stock (threshold {threshold}):\n" + "\n".join(
        "• " + low_stock_line(p) for p in low
    )
    for admin_id in sorted(shop.settings.admin_ids):
        try:
            await bot.send_message(admin_id, text, rate_limit_args=BULK)
        except TelegramError as exc:  # the admin never opened the chat, or blocked the bot
            log.warning("low-stock alert to admin %s failed: %s", admin_id, exc)
    return [p.sku for p in low]
