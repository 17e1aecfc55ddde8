"""Which saved products are taken as cheaper, and that each drop is taken once (SQLite and
PostgreSQL). The rule (FavouriteRepository.take_price_drops): today's price below the one
she last saw or was told of, in the same currency; told only while the product is on sale
with units, to a shopper not blocked and not opted out."""

from __future__ import annotations

import asyncio

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.models import Product, ProductVariant, utcnow
from bot.store.repositories.favourites import due_price_drops
from bot.store.uow import Store
from tests.conftest import add_product


async def _saver(store: Store, telegram_id: int, product_id: int) -> int:
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id, first_name=f"S{telegram_id}")
        await uow.favourites.save(customer.id, product_id)
        return customer.id


async def _set(store: Store, product_id: int, **values: object) -> None:
    async with store.uow() as uow:
        await uow.session.execute(update(Product).where(Product.id == product_id).values(**values))


async def _take(store: Store) -> tuple[int, list[tuple[int, int, int]]]:
    """One batch: how many drops were taken, and (shopper, price, was) of those to tell."""
    async with store.uow() as uow:
        taken, drops = await uow.favourites.take_price_drops(limit=100)
    return taken, [(d.telegram_id, d.price, d.was) for d in drops]


async def test_a_drop_is_told_once_and_a_rise_or_the_same_level_again_is_not(
    store: Store,
) -> None:
    mug = await add_product(store, "MUG", price=1600)
    await _saver(store, 1, mug)
    await _saver(store, 2, mug)
    assert await _take(store) == (0, [])

    await _set(store, mug, price=1200)
    assert await _take(store) == (2, [(1, 1200, 1600), (2, 1200, 1600)])
    assert await _take(store) == (0, [])

    await _set(store, mug, price=1800)  # a rise: nothing, and the told price stays
    assert await _take(store) == (0, [])
    await _set(store, mug, price=1200)  # back to the level told already
    assert await _take(store) == (0, [])
    await _set(store, mug, price=1100)
    assert await _take(store) == (2, [(1, 1100, 1200), (2, 1100, 1200)])


async def test_a_drop_nobody_may_hear_is_taken_quietly_and_not_told_later(store: Store) -> None:
    hidden = await add_product(store, "HIDDEN", price=1600)
    sold_out = await add_product(store, "SOLD", price=1600, stock=0)
    mug = await add_product(store, "MUG", price=1600)
    await _saver(store, 1, hidden)
    await _saver(store, 2, sold_out)
    opted_out, blocked = await _saver(store, 3, mug), await _saver(store, 4, mug)
    async with store.uow() as uow:
        await uow.customers.set_price_drop_alerts(opted_out, False)
        await uow.customers.mark_blocked(4)
    await _set(store, hidden, price=1000, is_active=False)
    await _set(store, sold_out, price=1000)
    await _set(store, mug, price=1000)
    assert await _take(store) == (4, [])

    await _set(store, hidden, is_active=True)
    await _set(store, sold_out, stock=5)
    async with store.uow() as uow:
        await uow.customers.set_price_drop_alerts(opted_out, True)
    assert await _take(store) == (0, [])
    assert blocked


async def test_another_currency_is_not_a_drop(store: Store) -> None:
    mug = await add_product(store, "MUG", price=1600)
    await _saver(store, 1, mug)
    await _set(store, mug, price=900, currency="EUR")
    assert await _take(store) == (0, [])


async def test_a_product_sold_as_variants_drops_with_its_lowest_variant_price(
    store: Store,
) -> None:
    tee = await add_product(store, "TEE", price=2400, stock=0)
    async with store.uow() as uow:
        await uow.session.execute(
            update(Product).where(Product.id == tee).values(options=[{"name": "Size"}])
        )
        for size, price in (("M", None), ("L", 2600)):
            uow.session.add(
                ProductVariant(
                    product_id=tee, sku=f"TEE-{size}", values={"Size": size}, stock=3, price=price
                )
            )
    await _saver(store, 1, tee)
    async with store.uow() as uow:
        await uow.session.execute(
            update(ProductVariant).where(ProductVariant.sku == "TEE-L").values(price=2500)
        )
    assert await _take(store) == (0, [])  # M, at the product's $24.00, is still the lowest
    async with store.uow() as uow:
        await uow.session.execute(
            update(ProductVariant).where(ProductVariant.sku == "TEE-L").values(price=2000)
        )
    assert await _take(store) == (1, [(1, 2000, 2400)])


async def test_two_workers_taking_at_once_take_each_drop_once(store: Store) -> None:
    mug = await add_product(store, "MUG", price=1600)
    for telegram_id in range(1, 31):
        await _saver(store, telegram_id, mug)
    await _set(store, mug, price=1200)
    runs = await asyncio.gather(*(_take(store) for _ in range(4)))
    told = sorted(who for _, drops in runs for who, _, _ in drops)
    assert told == list(range(1, 31))
    assert await _take(store) == (0, [])


async def test_the_due_drops_are_read_from_the_index(store: Store) -> None:
    """Product by product, only the saved rows priced above today's (not every saved row)."""
    async with store.engine.connect() as conn:
        literal = {"literal_binds": True}
        if conn.dialect.name == "sqlite":
            sql = due_price_drops(100).compile(dialect=sqlite.dialect(), compile_kwargs=literal)
            rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in rows)
        else:
            await conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: scanned
            sql = due_price_drops(100).compile(dialect=postgresql.dialect(), compile_kwargs=literal)
            plan = "\n".join(str(row[0]) for row in await conn.exec_driver_sql(f"EXPLAIN {sql}"))
    assert "ix_favourites_price_drops" in plan, plan
    if "SCAN" in plan:  # SQLite: products are walked, saved rows only sought
        assert "SCAN favourites" not in plan, plan


async def test_a_shopper_the_shop_blocked_hears_of_no_drop(store: Store) -> None:
    """Her drop is taken quietly, as one nobody may hear: not told then, nor after."""
    mug = await add_product(store, "MUG", price=1600)
    mallory = await _saver(store, 1, mug)
    await _saver(store, 2, mug)
    async with store.uow() as uow:
        assert await uow.customers.block(mallory, 9001, None, utcnow())
    await _set(store, mug, price=1000)
    assert await _take(store) == (2, [(2, 1000, 1600)])
