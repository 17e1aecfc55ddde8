"""Stars for products: a shopper who paid for a product rates it 1-5 from her order (and may
change her mind); its card shows the average and how many rated it. Only what she bought
and kept can be rated: a paid, shipped or delivered order, not a cancelled or refunded one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.services.errors import NotRateable, OrderNotFound
from bot.services.order_history import OrderView
from bot.store.models import Order
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork

STARS = range(1, 6)
RATEABLE = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


def can_rate(status: str) -> bool:
    """Whether an order in `status` lets its shopper rate what is in it."""
    return status in RATEABLE


@dataclass(frozen=True, slots=True)
class Rateable:
    """A product of one of her orders that she may rate, and her stars for it (None: none
    yet)."""

    order_id: int
    product_id: int
    title: str  # the product's, as written
    translations: dict[str, Any] | None
    stars: int | None


@dataclass(frozen=True, slots=True)
class ToRate:
    """A product of her order she is asked to rate, as the order's line names it."""

    product_id: int
    title: str
    translations: dict[str, Any] | None
    variant_id: int


def worth_asking(order: Order) -> tuple[ToRate, ...]:
    """What to ask her to rate now that her order arrived (its lines and their products
    loaded): each product once, and only those still sold, since a product the shop took
    away has no card to show her stars on (her order's screen still lets her rate it).
    None for an order she may not rate from."""
    if not can_rate(order.status):
        return ()
    asked: dict[int, ToRate] = {}
    for line in order.lines:
        if line.product_id not in asked and line.product.is_active:
            asked[line.product_id] = ToRate(
                line.product_id, line.title, line.translations, line.variant_id
            )
    return tuple(asked.values())


async def rateable(uow: UnitOfWork, customer_id: int, order_id: int, product_id: int) -> Rateable:
    """OrderNotFound unless the order is hers; NotRateable unless it holds the product and
    is paid for (shipped and delivered ones too)."""
    order = await uow.orders.get(order_id, full=False)
    if order is None or order.customer_id != customer_id:
        raise OrderNotFound(order_id)
    line = next((ln for ln in order.lines if ln.product_id == product_id), None)
    if line is None or not can_rate(order.status):
        raise NotRateable(order_id)
    stars = (await uow.ratings.stars_of(customer_id, [product_id])).get(product_id)
    product = line.product
    return Rateable(order_id, product_id, product.title, product.translations, stars)


async def rate(
    uow: UnitOfWork, customer_id: int, order_id: int, product_id: int, stars: int
) -> Rateable:
    """Her `stars` for the product (the same as before changes nothing). NotRateable for
    stars outside 1-5 (a forged button) or a rating that changed meanwhile."""
    if stars not in STARS:
        raise NotRateable(order_id)
    item = await rateable(uow, customer_id, order_id, product_id)
    if item.stars == stars:
        return item
    if not await uow.ratings.rate(customer_id, product_id, stars, item.stars):
        raise NotRateable(order_id)
    return replace(item, stars=stars)


async def stars_in_order(uow: UnitOfWork, customer_id: int, order: OrderView) -> dict[int, int]:
    """Her stars for each product of her order that she rated; none for an order she may
    not rate from (nothing is read then)."""
    if not can_rate(order.status):
        return {}
    products = list({line.product_id: 0 for line in order.lines})
    return await uow.ratings.stars_of(customer_id, products)
