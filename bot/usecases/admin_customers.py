"""/customer: an admin looks up one customer (her orders' pages: admin_orders.order_page).

Each lookup is one reading unit of work: nothing is written (no audit row either, since
nothing changed)."""

from __future__ import annotations

from bot.services import admin_customers
from bot.services.admin_customers import CustomerCard
from bot.shop import Shop


async def look_up(shop: Shop, text: str) -> CustomerCard:
    """`text` as typed after /customer: BadCustomerLookup, CustomerNotFound or
    OrderNotFound if it finds nobody."""
    lookup = admin_customers.parse_lookup(text)
    async with shop.store.reading() as uow:
        return await admin_customers.look_up(uow, lookup, shop.settings.currency)


async def card_of(shop: Shop, customer_id: int) -> CustomerCard:
    async with shop.store.reading() as uow:
        return await admin_customers.card_of(uow, customer_id, shop.settings.currency)
