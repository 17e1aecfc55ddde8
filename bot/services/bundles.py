"""Sets sold as one product (bundles): "Tea set: Gooseneck Kettle + 2 × Stoneware Mug".

A bundle is a product whose stock is its parts' stock: it has no stock of its own (its
`stock` and `reserved` stay 0). `expand` is the one rule that turns units of a product into
the units whose stock moves: a bundle's parts times its quantity, anything else itself.
Cart availability, the checkout's hold, a paid order's sale, a release and a restock all
move stock through the functions here, so a bundle and its parts bought apart compete for
the same units and are never oversold: every part moves by the store's conditional UPDATE
(`stock - reserved >= n`), all of a bundle's parts or none (a savepoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bot.bundle_rules import Part, parts_of
from bot.store.models import Order, OrderLine, Product, ProductVariant
from bot.store.repositories.catalog import ListedProduct
from bot.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PartLine:
    """A part as a card, a receipt and the admin show it: "2 × Stoneware Mug 350ml"."""

    product_id: int
    sku: str
    title: str
    quantity: int
    price: int  # one unit of the part, today
    translations: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Contents:
    """What is inside a set and what it saves against buying the parts apart (0: nothing)."""

    parts: tuple[PartLine, ...]
    apart: int  # the parts at today's prices, for one set
    saving: int  # apart - the set's price, when positive


# -- the rule ---------------------------------------------------------------------------


def units_of(parts: Sequence[Part], quantity: int) -> list[tuple[int, int, int]]:
    """The (product id, variant id, units) that `quantity` sets take, in product id order
    (every checkout locks the rows of parts in the same order)."""
    return sorted((p.product_id, 0, p.quantity * quantity) for p in parts)


def available_of(parts: Sequence[Part], available: Mapping[int, int]) -> int:
    """How many sets the parts make: the fewest whole sets any part covers (0 when one is
    missing or off sale)."""
    if not parts:
        return 0
    return max(0, min(available.get(p.product_id, 0) // p.quantity for p in parts))


def kept_parts(line: OrderLine) -> tuple[Part, ...]:
    """The parts an order line of a set had when the order was placed (() for a line sold
    as itself): its release, sale and restock move these, whatever the set has become since."""
    return parts_of(line)


async def expand(
    uow: UnitOfWork,
    product_id: int,
    variant_id: int,
    quantity: int,
    parts: Sequence[Part] | None = None,
) -> list[tuple[int, int, int]]:
    """THE rule: the (product id, variant id, units) whose stock `quantity` units of a
    product or variant move: a set's parts, anything else itself. `parts`: the ones an
    order line kept (`kept_parts`, () for a line sold as itself); None: the product's today."""
    if not variant_id:
        if parts is None:
            product = await uow.products.get(product_id)
            parts = parts_of(product) if product is not None else ()
        if parts:
            return units_of(parts, quantity)
    return [(product_id, variant_id, quantity)]


async def availability(
    uow: UnitOfWork, products: Iterable[Product | ListedProduct]
) -> dict[int, int]:
    """How many of each set among `products` can be bought now (no query without one)."""
    sets = {p.id: parts_of(p) for p in products if p.bundle}
    if not sets:
        return {}
    ids = sorted({part.product_id for parts in sets.values() for part in parts})
    # Read as columns, not objects: a unit that has just held parts by UPDATE has them
    # loaded as they were before (the identity map); the rows say what is free now.
    rows = await uow.session.execute(
        select(Product.id, Product.stock - Product.reserved).where(
            Product.id.in_(ids), Product.is_active.is_(True)
        )
    )
    free = {int(pid): int(left) for pid, left in rows}
    return {pid: available_of(parts, free) for pid, parts in sets.items()}


async def contents(
    uow: UnitOfWork, product: Product, parts: Sequence[Part] | None = None
) -> Contents | None:
    """What the set's card lists and saves; None for a product sold as itself. `parts`:
    the ones an order line kept (what to pack); None: the set's today."""
    parts = parts_of(product) if parts is None else parts
    if not parts:
        return None
    found = await uow.products.get_many([p.product_id for p in parts])
    lines = tuple(
        PartLine(p.product_id, f.sku, f.title, p.quantity, f.price, f.translations)
        for p in parts
        if (f := found.get(p.product_id)) is not None
    )
    apart = sum(line.price * line.quantity for line in lines)
    return Contents(lines, apart, max(0, apart - product.price))


# -- stock moves: a set moves its parts -----------------------------------------------


class _Short(Exception):
    """A part ran short: the savepoint rolls back the parts already moved."""


async def reserve(uow: UnitOfWork, product_id: int, quantity: int, variant_id: int = 0) -> bool:
    """Hold `quantity` units (a set: its parts, all or none); False if not available."""
    return await hold_all(uow, await expand(uow, product_id, variant_id, quantity))


def merged(units: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The same units, one entry per (product id, variant id), in that order: the one global
    order every hold takes its rows in, so two checkouts of the same goods in opposite cart
    order (or a set and one of its parts) never wait on each other (a PostgreSQL deadlock)."""
    totals: dict[tuple[int, int], int] = {}
    for pid, vid, count in units:
        totals[(pid, vid)] = totals.get((pid, vid), 0) + count
    return [(pid, vid, count) for (pid, vid), count in sorted(totals.items())]


async def hold_all(uow: UnitOfWork, units: Iterable[tuple[int, int, int]]) -> bool:
    """Hold every (product id, variant id, units), all or none (a savepoint), rows taken in
    `merged` order; False if any is short (nothing stays held, no row stays locked)."""
    wanted = merged(units)
    if len(wanted) == 1:
        pid, vid, count = wanted[0]
        return await uow.products.reserve(pid, count, vid)
    try:
        async with uow.session.begin_nested():
            for pid, vid, count in wanted:
                if not await uow.products.reserve(pid, count, vid):
                    raise _Short()
    except _Short:
        return False
    return True


async def free_units(
    uow: UnitOfWork, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """What each (product id, variant id) has free now (0 off sale), read as columns without
    locking: what a failed hold reports, line by line."""
    keys = set(keys)
    pids = sorted({pid for pid, vid in keys if not vid})
    vids = sorted({vid for _, vid in keys if vid})
    free: dict[tuple[int, int], int] = {}
    if pids:
        rows = await uow.session.execute(
            select(Product.id, Product.stock - Product.reserved, Product.is_active).where(
                Product.id.in_(pids)
            )
        )
        free.update({(int(pid), 0): int(left) if on else 0 for pid, left, on in rows})
    if vids:
        by_variant = await uow.session.execute(
            select(
                ProductVariant.product_id,
                ProductVariant.id,
                ProductVariant.stock - ProductVariant.reserved,
                Product.is_active,
            )
            .join(Product, Product.id == ProductVariant.product_id)
            .where(ProductVariant.id.in_(vids))
        )
        free.update(
            {(int(pid), int(vid)): int(left) if on else 0 for pid, vid, left, on in by_variant}
        )
    return {key: max(0, free.get(key, 0)) for key in keys}


async def sell_reserved(
    uow: UnitOfWork,
    product_id: int,
    quantity: int,
    variant_id: int = 0,
    parts: Sequence[Part] | None = None,
) -> bool:
    """Turn held units into a sale (a set: its parts'); False if a hold is gone."""
    moved = True
    for pid, vid, count in await expand(uow, product_id, variant_id, quantity, parts):
        moved = await uow.products.sell_reserved(pid, count, vid) and moved
    return moved


async def sell_unreserved(
    uow: UnitOfWork,
    product_id: int,
    quantity: int,
    variant_id: int = 0,
    parts: Sequence[Part] | None = None,
) -> bool:
    """Sell units that were not held, if available; the caller's savepoint undoes a part
    sold before another ran short."""
    for pid, vid, count in await expand(uow, product_id, variant_id, quantity, parts):
        if not await uow.products.sell_unreserved(pid, count, vid):
            return False
    return True


async def restock(
    uow: UnitOfWork,
    product_id: int,
    quantity: int,
    variant_id: int = 0,
    parts: Sequence[Part] | None = None,
) -> None:
    """Put units back on hand (a refund or return that restocks; a set: its parts)."""
    for pid, vid, count in await expand(uow, product_id, variant_id, quantity, parts):
        await uow.products.restock(pid, count, vid)


# -- the admin's parts --------------------------------------------------------------------


# Every set there is: few rows, read from their partial index (ix_products_sets, 0073).
SETS = select(Product).where(Product.bundle.is_not(None))


async def sets(uow: UnitOfWork) -> list[Product]:
    """Every set there is (few: read whole)."""
    return list(await uow.session.scalars(SETS))


async def sets_in_stock(uow: UnitOfWork) -> list[int]:
    """The sets on sale whose parts make at least one now: "In stock only" lists and counts
    them, though their own stock is 0 (sets are few: read whole, parts in one query)."""
    on_sale = [p for p in await sets(uow) if p.is_active]
    made = await availability(uow, on_sale)
    return sorted(pid for pid, count in made.items() if count > 0)


async def held_units(uow: UnitOfWork, product_id: int) -> int:
    """Units of the product that unpaid invoices hold now: while some do, its parts may not
    change (their release gives back the parts they held, no others)."""
    held = await uow.session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.product_id == product_id, Order.hold_status == "held")
    )
    return int(held or 0)
