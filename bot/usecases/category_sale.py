"""/sale: a category put on sale, or its sale ended, after a preview. Each function is one
unit of work; the rules and the audit are the service's (bot.services.category_sale).
Shoppers who saved a product it makes cheaper hear of it from the price-drop job
(bot.usecases.price_drops), paced like every bulk send, as after a /price."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services import category_sale as sale
from bot.services.category_sale import SalePlan
from bot.shop import Shop


async def preview(shop: Shop, args: Sequence[str]) -> SalePlan:
    """What `/sale ...` would do, changing nothing; AdminInputError for what it cannot do."""
    request = sale.parse_request(args)
    async with shop.store.reading() as uow:
        return await sale.plan(uow, request)


async def confirm(
    shop: Shop, admin_id: int, category_id: int, percent: int, fingerprint: int
) -> SalePlan:
    """The previewed sale, or its end (percent 0), in one transaction."""
    async with shop.store.uow() as uow:
        return await sale.apply(uow, category_id, percent, fingerprint, actor=admin_id)
