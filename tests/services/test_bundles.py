"""Sets sold as one product (bundles), on SQLite and PostgreSQL: a tea set of a Gooseneck
Kettle and two Stoneware Mugs has the stock its parts make, holds and sells its parts, gives
them back, and competes with the same parts bought apart, never overselling them."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from bot import bundle_rules
from bot.config import Settings
from bot.services import admin_catalog, bundles, cart, catalog, checkout
from bot.services.admin_catalog import AdminInputError
from bot.services.errors import OutOfStock
from bot.store.catalog_file import CatalogError, parse_json, rows_to_json, upsert_rows
from bot.store.models import Product, ProductPair
from bot.store.uow import Store
from tests.services.conftest import Shopfront

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
SETTINGS = Settings(bot_token="1:test", payment_provider_token="TEST")
KETTLE, MUG, SET = "KIT-KTL-GOO", "KIT-MUG-CER", "KIT-TEA-SET"  # $45.00 (6), $16.00 (24)
ADMIN = 9001


async def _tea_set(shopfront: Shopfront, *, kettles: int = 6, mugs: int = 24) -> int:
    """The tea set ($68.00: kettle + 2 mugs), made a set by /bundle's service."""
    await shopfront.update_product(KETTLE, stock=kettles)
    await shopfront.update_product(MUG, stock=mugs)
    async with shopfront.store.uow() as uow:
        kettle = await uow.products.get_by_sku(KETTLE)
        assert kettle is not None
        tea_set = await uow.products.add(
            Product(
                sku=SET,
                title="Tea set",
                description="A kettle and two mugs",
                category_id=kettle.category_id,
                price=6800,
                currency="USD",
                stock=0,
            )
        )
        await admin_catalog.set_bundle(uow, SET, [(KETTLE, 1), (MUG, 2)], actor=ADMIN)
        return tea_set.id


async def _stock(store: Store, sku: str) -> tuple[int, int]:
    async with store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        return product.stock, product.reserved


async def _cart(shopfront: Shopfront, customer_id: int, *lines: tuple[str, int]) -> None:
    async with shopfront.store.uow() as uow:
        for sku, quantity in lines:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            await cart.add_to_cart(uow, customer_id, product.id, quantity)


async def _check_out(store: Store, customer_id: int) -> int:
    async with store.uow() as uow:
        placed = await checkout.place_order(uow, customer_id, 0, SETTINGS, NOW)
        return placed.order.order_id


async def test_the_set_has_the_stock_its_parts_make_and_says_what_it_saves(
    shopfront: Shopfront,
) -> None:
    set_id = await _tea_set(shopfront, kettles=6, mugs=9)  # 9 mugs make 4 pairs
    async with shopfront.store.reading() as uow:
        card = await catalog.product_card(uow, set_id)
    assert card.available == 4
    assert card.bundle is not None
    assert [(p.sku, p.quantity) for p in card.bundle.parts] == [(KETTLE, 1), (MUG, 2)]
    assert (card.bundle.apart, card.bundle.saving) == (7700, 900)
    async with shopfront.store.reading() as uow:  # a list's line says the same stock
        assert [item.available for item in await catalog.items_of(uow, [set_id])] == [4]
    await shopfront.update_product(KETTLE, stock=1)
    async with shopfront.store.reading() as uow:
        assert (await catalog.product_card(uow, set_id)).available == 1
    await shopfront.update_product(KETTLE, is_active=False)  # a part off sale: no sets
    async with shopfront.store.reading() as uow:
        assert (await catalog.product_card(uow, set_id)).available == 0


async def test_the_cart_takes_no_more_sets_than_the_parts_make(shopfront: Shopfront) -> None:
    await _tea_set(shopfront, kettles=6, mugs=5)  # 2 sets
    with pytest.raises(OutOfStock):
        await _cart(shopfront, shopfront.customer_id, (SET, 3))
    await _cart(shopfront, shopfront.customer_id, (SET, 2))
    async with shopfront.store.reading() as uow:
        basket = await cart.view_cart(uow, shopfront.customer_id, "USD")
    assert [(ln.sku, ln.quantity, ln.available) for ln in basket.lines] == [(SET, 2, 2)]


async def test_a_checkout_holds_the_parts_and_a_release_gives_them_back(
    shopfront: Shopfront,
) -> None:
    await _tea_set(shopfront)
    await _cart(shopfront, shopfront.customer_id, (SET, 2))
    order_id = await _check_out(shopfront.store, shopfront.customer_id)
    assert await _stock(shopfront.store, KETTLE) == (6, 2)
    assert await _stock(shopfront.store, MUG) == (24, 4)
    assert await _stock(shopfront.store, SET) == (0, 0)  # no stock of its own
    async with shopfront.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        assert await checkout.give_back_held(uow, order) is not None
    assert await _stock(shopfront.store, KETTLE) == (6, 0)
    assert await _stock(shopfront.store, MUG) == (24, 0)


async def test_a_sale_takes_the_parts_and_a_restock_puts_them_back(shopfront: Shopfront) -> None:
    set_id = await _tea_set(shopfront)
    async with shopfront.store.uow() as uow:
        assert await bundles.reserve(uow, set_id, 1)
        assert await bundles.sell_reserved(uow, set_id, 1)
    assert await _stock(shopfront.store, KETTLE) == (5, 0)
    assert await _stock(shopfront.store, MUG) == (22, 0)
    async with shopfront.store.uow() as uow:
        assert await bundles.sell_unreserved(uow, set_id, 2)  # a late payment
        await bundles.restock(uow, set_id, 3)  # a refund that restocks
    assert await _stock(shopfront.store, KETTLE) == (6, 0)
    assert await _stock(shopfront.store, MUG) == (24, 0)


async def test_a_short_part_holds_nothing_of_the_others(shopfront: Shopfront) -> None:
    """The mugs (the lower id) are held first; the kettle then runs short."""
    set_id = await _tea_set(shopfront, kettles=0, mugs=24)
    async with shopfront.store.uow() as uow:
        assert not await bundles.reserve(uow, set_id, 1)
    assert await _stock(shopfront.store, MUG) == (24, 0)  # all parts or none
    assert await _stock(shopfront.store, KETTLE) == (0, 0)


async def test_the_set_and_the_last_mug_apart_in_one_cart_are_not_both_sold(
    shopfront: Shopfront,
) -> None:
    """Three mugs left: the set takes two, so the set and two mugs apart cannot both be had;
    the set and one mug apart can."""
    await _tea_set(shopfront, kettles=6, mugs=3)
    await _cart(shopfront, shopfront.customer_id, (SET, 1), (MUG, 2))
    with pytest.raises(OutOfStock):
        await _check_out(shopfront.store, shopfront.customer_id)
    assert await _stock(shopfront.store, MUG) == (3, 0)
    assert await _stock(shopfront.store, KETTLE) == (6, 0)
    async with shopfront.store.uow() as uow:
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None
        await cart.set_quantity(uow, shopfront.customer_id, mug.id, 1)
    await _check_out(shopfront.store, shopfront.customer_id)
    assert await _stock(shopfront.store, MUG) == (3, 3)
    assert await _stock(shopfront.store, KETTLE) == (6, 1)


async def test_shoppers_racing_for_the_last_sets_never_oversell_the_parts(
    shopfront: Shopfront,
) -> None:
    """Five mugs make two sets: four shoppers check out a set each at the same moment and
    one buys two mugs apart. However the checkouts interleave, at most five mugs are held."""
    store = shopfront.store
    await _tea_set(shopfront, kettles=6, mugs=5)
    customers = [shopfront.customer_id]
    async with store.uow() as uow:
        for telegram_id in (1002, 1003, 1004, 1005):
            customers.append((await uow.customers.get_or_create(telegram_id)).id)
    for customer_id in customers[:4]:
        await _cart(shopfront, customer_id, (SET, 1))
    await _cart(shopfront, customers[4], (MUG, 2))

    async def attempt(customer_id: int) -> bool:
        try:
            await _check_out(store, customer_id)
        except OutOfStock:
            return False
        return True

    placed = await asyncio.gather(*(attempt(c) for c in customers))
    sets_sold = sum(placed[:4])
    mugs_held = 2 * sets_sold + (2 if placed[4] else 0)
    assert mugs_held <= 5 and sets_sold >= 1
    assert await _stock(store, MUG) == (5, mugs_held)
    assert await _stock(store, KETTLE) == (6, sets_sold)


@pytest.mark.parametrize(
    ("named", "says"),
    [
        ([("NOPE-1", 1)], "NOPE-1"),
        ([(SET, 1)], "cannot contain itself"),
        ([("DIG-GFT-025", 1)], "gift cards"),
        ([("APP-TEE-ORG", 1)], "variants"),
    ],
)
async def test_a_set_of_what_cannot_be_in_one_is_refused(
    shopfront: Shopfront, named: list[tuple[str, int]], says: str
) -> None:
    await _tea_set(shopfront)
    async with shopfront.store.uow() as uow:
        with pytest.raises(AdminInputError, match=says):
            await admin_catalog.set_bundle(uow, SET, named, actor=ADMIN)


async def test_a_set_cannot_contain_a_set(shopfront: Shopfront) -> None:
    await _tea_set(shopfront)
    async with shopfront.store.uow() as uow:
        with pytest.raises(AdminInputError, match="a set cannot contain a set"):
            await admin_catalog.set_bundle(uow, "STA-PEN-FTN", [(SET, 1)], actor=ADMIN)
    await shopfront.update_product("STA-PEN-FTN", stock=0)
    async with shopfront.store.uow() as uow:  # nor may a part become a set
        with pytest.raises(AdminInputError, match="is a part of the set KIT-TEA-SET"):
            await admin_catalog.set_bundle(uow, MUG, [("STA-PEN-FTN", 1)], actor=ADMIN)


def test_parts_are_written_as_sku_and_quantity() -> None:
    assert bundle_rules.parse_parts("KIT-KTL-GOO:1  KIT-MUG-CER:2") == [(KETTLE, 1), (MUG, 2)]
    assert bundle_rules.parse_parts("") == []
    for bad in ("KIT-MUG-CER", "KIT-MUG-CER:0", "KIT-MUG-CER:100", "A:1 a:2", "A:x"):
        with pytest.raises(bundle_rules.BundleError):
            bundle_rules.parse_parts(bad)
    with pytest.raises(bundle_rules.BundleError):
        bundle_rules.parse_parts(" ".join(f"P{i}:1" for i in range(11)))
    assert (
        bundles.available_of([bundle_rules.Part(1, 1), bundle_rules.Part(2, 2)], {1: 6, 2: 9}) == 4
    )


async def test_a_json_catalog_file_carries_the_sets_there_and_back(shopfront: Shopfront) -> None:
    """rows_to_json writes the tea set's parts by SKU; reading that file back into the shop
    changes nothing; a file naming a part that is a set itself is refused whole."""
    await _tea_set(shopfront)
    async with shopfront.store.reading() as uow:
        exported = rows_to_json(await uow.products.list_all())
    items = {item["sku"]: item for item in json.loads(exported)}
    assert items[SET]["bundle"] == f"{KETTLE}:1 {MUG}:2"
    assert "bundle" not in items[MUG]
    async with shopfront.store.uow() as uow:
        report = await upsert_rows(uow, parse_json(exported))
    assert (len(report.created), len(report.updated)) == (0, 0)

    items[MUG]["bundle"] = f"{SET}:1"  # the mug made a set of the tea set: a set in a set
    items[MUG]["stock"] = 0
    with pytest.raises(CatalogError, match="a set cannot contain a set"):
        async with shopfront.store.uow() as uow:
            await upsert_rows(uow, parse_json(json.dumps(list(items.values()))))
    async with shopfront.store.reading() as uow:
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None and mug.bundle is None and mug.stock == 24


async def test_a_short_set_at_checkout_says_how_many_sets_are_left(shopfront: Shopfront) -> None:
    """Five mugs: two apart go first, and the three left make one set, not the two asked."""
    await _tea_set(shopfront, kettles=6, mugs=5)
    await _cart(shopfront, shopfront.customer_id, (MUG, 2))
    async with shopfront.store.uow() as uow:  # the second set came in while mugs were 6
        tea_set = await uow.products.get_by_sku(SET)
        cart_row = await uow.carts.get_for_customer(shopfront.customer_id)
        assert tea_set is not None
        await uow.carts.set_quantity(cart_row, tea_set.id, 2)
    with pytest.raises(OutOfStock, match=r"Tea set: only 1 left \(you asked for 2\)"):
        await _check_out(shopfront.store, shopfront.customer_id)


async def test_a_set_before_its_part_in_the_cart_leaves_the_part_short_and_holds_nothing(
    shopfront: Shopfront,
) -> None:
    """Three mugs: the set first in her cart takes two, so the two mugs apart after it are
    short by one; the message names the mugs, as when lines were held one by one, and no
    kettle or mug stays held."""
    await _tea_set(shopfront, kettles=6, mugs=3)
    await _cart(shopfront, shopfront.customer_id, (SET, 1))
    async with shopfront.store.uow() as uow:  # the mugs came in while there were more
        mug = await uow.products.get_by_sku(MUG)
        cart_row = await uow.carts.get_for_customer(shopfront.customer_id)
        assert mug is not None
        await uow.carts.set_quantity(cart_row, mug.id, 2)
    with pytest.raises(OutOfStock, match=r"Stoneware Mug 350ml: only 1 left \(you asked for 2\)"):
        await _check_out(shopfront.store, shopfront.customer_id)
    assert await _stock(shopfront.store, MUG) == (3, 0)
    assert await _stock(shopfront.store, KETTLE) == (6, 0)


async def _in_stock_only(shopfront: Shopfront, set_id: int) -> tuple[list[int], int, int]:
    """What "In stock only" shows of the set's category: its page's ids, the page's total
    and the category's count in the list of categories."""
    async with shopfront.store.reading() as uow:
        tea_set = await uow.products.get(set_id)
        assert tea_set is not None
        category_id = tea_set.category_id
        page = await catalog.category_page(uow, category_id, 0, in_stock=True)
        listed = await catalog.list_categories(uow, in_stock=True)
    counts = {item.id: item.product_count for item in listed}
    return [item.id for item in page.items], page.total, counts.get(category_id, 0)


async def test_in_stock_only_shows_a_set_while_its_parts_make_one(shopfront: Shopfront) -> None:
    """A set's own stock is 0: "In stock only" asks its parts. With a kettle and two mugs
    free the set is listed and counted; with no kettle left it is not."""
    set_id = await _tea_set(shopfront, kettles=1, mugs=2)
    ids, total, counted = await _in_stock_only(shopfront, set_id)
    assert set_id in ids
    assert total == counted == len(ids)

    await shopfront.update_product(KETTLE, stock=0)
    ids_after, total_after, counted_after = await _in_stock_only(shopfront, set_id)
    assert set_id not in ids_after
    assert total_after == counted_after == total - 2  # the kettle and the set


async def test_an_empty_inline_query_offers_a_set_while_its_parts_make_one(
    shopfront: Shopfront,
) -> None:
    """The inline featured list (in-stock products by id) asks a set's parts too. Only the
    kettle and the mugs are in stock here, so the set would come within the first ten."""
    set_id = await _tea_set(shopfront, kettles=1, mugs=2)
    async with shopfront.store.uow() as uow:
        await uow.session.execute(
            update(Product).where(Product.sku.not_in([KETTLE, MUG])).values(stock=0)
        )
    async with shopfront.store.reading() as uow:
        offered = await catalog.shareable(uow, "", 0, 10)
    assert set_id in [card.id for card in offered.cards]

    await shopfront.update_product(MUG, stock=1)  # half a pair: no set
    async with shopfront.store.reading() as uow:
        offered = await catalog.shareable(uow, "", 0, 10)
    assert set_id not in [card.id for card in offered.cards]


async def test_the_sets_are_read_from_their_index_not_by_scanning_the_catalog(
    store: Store,
) -> None:
    """ "In stock only" pages and the back-in-stock pass read the sets each time: from the
    partial index of the few products with parts, whatever the catalog's size."""
    async with store.engine.connect() as conn:
        literal = {"literal_binds": True}
        if conn.dialect.name == "sqlite":
            sql = bundles.SETS.compile(dialect=sqlite.dialect(), compile_kwargs=literal)
            rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in rows)
        else:
            await conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: scanned
            sql = bundles.SETS.compile(dialect=postgresql.dialect(), compile_kwargs=literal)
            plan = "\n".join(str(row[0]) for row in await conn.exec_driver_sql(f"EXPLAIN {sql}"))
    assert "ix_products_sets" in plan, plan


@pytest.mark.parametrize(
    ("first", "second"),
    [([(MUG, 1), (KETTLE, 1)], [(KETTLE, 1), (MUG, 1)]), ([(SET, 1)], [(KETTLE, 1), (MUG, 1)])],
    ids=["mug-kettle-vs-kettle-mug", "set-vs-its-parts"],
)
async def test_two_shoppers_checking_out_the_same_goods_in_opposite_order_both_get_them(
    shopfront: Shopfront, first: list[tuple[str, int]], second: list[tuple[str, int]]
) -> None:
    """One shopper has a mug then a kettle (or the tea set), the other a kettle then a mug.
    Round after round they check out at the same moment (each new checkout replacing her
    last): every hold takes its rows in one order, so neither waits on the other in a
    circle (a deadlock on PostgreSQL) and the stock held is exact every time."""
    store = shopfront.store
    await _tea_set(shopfront, kettles=6, mugs=24)
    async with store.uow() as uow:
        other = (await uow.customers.get_or_create(1002)).id
    await _cart(shopfront, shopfront.customer_id, *first)
    await _cart(shopfront, other, *second)
    mugs = sum(n * (2 if sku == SET else 1) for sku, n in first + second if sku in (MUG, SET))
    kettles = sum(n for sku, n in first + second if sku in (KETTLE, SET))

    for _ in range(20):
        await asyncio.gather(_check_out(store, shopfront.customer_id), _check_out(store, other))
        assert await _stock(store, MUG) == (24, mugs)
        assert await _stock(store, KETTLE) == (6, kettles)


async def _drops_told(store: Store) -> list[tuple[int, int]]:
    """One pass of the price-drop job's batch: (shopper, price) of the drops to tell."""
    async with store.uow() as uow:
        sets = await bundles.sets_in_stock(uow)
        _, drops = await uow.favourites.take_price_drops(limit=100, sets=sets)
    return [(drop.telegram_id, drop.price) for drop in drops]


async def test_a_saved_set_that_gets_cheaper_is_told_while_its_parts_make_one(
    shopfront: Shopfront,
) -> None:
    """Ann saved the tea set: its own stock is 0, but while its parts make a set she hears
    of its drop; once they make none, a drop is taken quietly."""
    store = shopfront.store
    set_id = await _tea_set(shopfront, kettles=6, mugs=3)
    async with store.uow() as uow:
        ann = await uow.customers.get_or_create(1002)
        await uow.favourites.save(ann.id, set_id)
    await shopfront.update_product(SET, price=6000)
    assert await _drops_told(store) == [(1002, 6000)]
    await shopfront.update_product(MUG, stock=1)  # one mug: no set
    await shopfront.update_product(SET, price=5500)
    assert await _drops_told(store) == []


async def test_often_bought_with_offers_the_set_while_its_parts_make_one(
    shopfront: Shopfront,
) -> None:
    """Under the mug's card, paid orders held the tea set most often, then the kettle: the
    set is offered first while its parts make one, and left out (the kettle still shown)
    once they make none."""
    store = shopfront.store
    set_id = await _tea_set(shopfront, kettles=6, mugs=3)
    mug, kettle = await shopfront.product_id(MUG), await shopfront.product_id(KETTLE)
    async with store.uow() as uow:
        uow.session.add_all(
            [
                ProductPair(product_id=mug, other_id=set_id, orders=5),
                ProductPair(product_id=mug, other_id=kettle, orders=3),
            ]
        )

    async def offered() -> list[str]:
        async with store.reading() as uow:
            return [item.sku for item in await catalog.also_bought(uow, mug)]

    assert await offered() == [SET, KETTLE]
    await shopfront.update_product(MUG, stock=1)  # one mug: no set
    assert await offered() == [KETTLE]
