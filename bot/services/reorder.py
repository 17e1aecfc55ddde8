"""🔁 Buy again: a past order's items back in the shopper's cart, as far as the shop has them.

The cart is brought up to the order's quantities (what it already holds counts), so pressing
twice, or on an order whose items are already in the cart, adds nothing more. Every line goes
in at today's price and within what she may add now (`can_add`: stock, her own held units,
at most MAX_QUANTITY, the product's per-order limit); what is gone or short is named, never
silently dropped. Checkout then checks the cart as it checks any other.

The top-up is one step: its lines are written under one savepoint, so a line another change
got to first (her storefront at the same moment: the compare-and-set refuses it) undoes the
lines written before it, and the whole top-up is read and written again; never half of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.services.cart import Held, can_add, limit_room, own_holds, sellable
from bot.services.errors import (
    CartChanged,
    OrderNotFound,
    ProductUnavailable,
    StillToPay,
    VariantUnavailable,
)
from bot.store.models import Order, OrderLine
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork

TOP_UP_ATTEMPTS = 3  # the cart changed under the top-up: read it and top it up again


def can_buy_again(status: str) -> bool:
    """Any order but one still waiting for its payment (its units are held for it: paying
    it, or checking out again, is the way to buy those)."""
    return status != OrderStatus.AWAITING_PAYMENT


@dataclass(frozen=True, slots=True)
class Missed:
    """An order line that could not go back in the cart as ordered: `put` units went in
    (0: none; `gone`: the product or that option is no longer sold)."""

    title: str
    translations: dict[str, Any] | None
    ordered: int
    put: int
    gone: bool = False


@dataclass(frozen=True, slots=True)
class Reordered:
    """What Buy again did: units added to the cart, and the lines that fell short."""

    order_id: int
    added: int
    missed: tuple[Missed, ...]


async def buy_again(uow: UnitOfWork, customer_id: int, order_id: int) -> Reordered:
    """Bring her cart up to order `order_id`'s quantities. OrderNotFound for anyone else's
    order (or none), StillToPay (an OrderNotFound too) for hers still waiting for payment;
    CartChanged if her cart kept changing under it (nothing is then written)."""
    order = await uow.orders.get(order_id, full=False)
    if order is None or order.customer_id != customer_id:
        raise OrderNotFound(order_id)
    if not can_buy_again(order.status):
        raise StillToPay(order_id)
    for _ in range(TOP_UP_ATTEMPTS):
        try:
            async with uow.session.begin_nested():  # all of the lines, or none
                return await _top_up(uow, customer_id, order)
        except CartChanged:
            continue  # each try reads the cart as it is now (a statement sees the latest)
    raise CartChanged()


async def _top_up(uow: UnitOfWork, customer_id: int, order: Order) -> Reordered:
    """Bring each of the order's lines in her cart up to its quantity; CartChanged at the
    first line another change got to between reading and writing it."""
    holds = await own_holds(uow, customer_id)
    added, missed = 0, []
    for line in order.lines:
        put, miss = await _bring_back(uow, customer_id, line, holds.get(_key(line)))
        added += put
        if miss is not None:
            missed.append(miss)
    return Reordered(order.id, added, tuple(missed))


def _key(line: OrderLine) -> tuple[int, int]:
    return (line.product_id, line.variant_id)


async def _bring_back(
    uow: UnitOfWork, customer_id: int, line: OrderLine, held: Held | None
) -> tuple[int, Missed | None]:
    """Top one cart line up to `line`'s quantity: the units added, and what fell short."""
    try:
        unit = await sellable(uow, line.product_id, line.variant_id)
    except (ProductUnavailable, VariantUnavailable):
        return 0, Missed(line.title, line.translations, line.quantity, 0, gone=True)
    in_cart, _ = await uow.carts.counts(customer_id, line.product_id, line.variant_id)
    wanted = max(0, line.quantity - in_cart)
    available = unit.available + (held.quantity if held is not None else 0)
    room = (
        limit_room(unit.max_per_order, await uow.carts.product_units(customer_id, unit.product_id))
        if unit.max_per_order is not None
        else None
    )
    put = min(wanted, can_add(available, in_cart, room))
    if put and not await uow.carts.set_line(
        customer_id,
        line.product_id,
        in_cart,
        in_cart + put,
        quoted_price=unit.price,
        variant=line.variant_id,
    ):
        raise CartChanged()
    if put < wanted:
        return put, Missed(line.title, line.translations, line.quantity, in_cart + put)
    return put, None
