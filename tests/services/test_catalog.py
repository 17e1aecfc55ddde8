"""Browsing and searching the catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services import catalog
from bot.services.catalog import PAGE_SIZE
from bot.services.errors import CategoryNotFound, ProductUnavailable
from bot.store.models import Product
from bot.store.uow import Store
from tests.services.conftest import Shopfront, add_products


async def test_categories_are_listed_with_their_product_counts(shopfront: Shopfront) -> None:
    async with shopfront.store.uow() as uow:
        categories = await catalog.list_categories(uow)
    assert [(c.title, c.product_count) for c in categories][:2] == [
        ("Coffee & Tea", 5),
        ("Kitchen", 5),
    ]
    assert len(categories) == 7


async def test_a_category_of_twenty_pages_by_eight_and_clamps_the_page(store: Store) -> None:
    await add_products(store, 20)
    async with store.uow() as uow:
        (mugs,) = await catalog.list_categories(uow)
        first = await catalog.category_page(uow, mugs.id, 0)
        last = await catalog.category_page(uow, mugs.id, 2)
        beyond = await catalog.category_page(uow, mugs.id, 99)
    assert PAGE_SIZE == 8
    assert (first.page, first.pages, first.total) == (0, 3, 20)
    assert [i.title for i in first.items] == [f"Mug {i:02d}" for i in range(1, 9)]
    assert not first.has_prev and first.has_next
    assert [i.title for i in last.items] == ["Mug 17", "Mug 18", "Mug 19", "Mug 20"]
    assert last.has_prev and not last.has_next
    assert beyond.page == 2


async def test_hidden_products_and_unknown_categories_are_not_shown(shopfront: Shopfront) -> None:
    await shopfront.update_product("KIT-MUG-CER", is_active=False)
    mug_id = await shopfront.product_id("KIT-MUG-CER")
    async with shopfront.store.uow() as uow:
        kitchen = next(c for c in await catalog.list_categories(uow) if c.title == "Kitchen")
        page = await catalog.category_page(uow, kitchen.id, 0)
        assert "Stoneware Mug 350ml" not in [i.title for i in page.items]
        with pytest.raises(CategoryNotFound):
            await catalog.category_page(uow, 9999, 0)
        with pytest.raises(ProductUnavailable):
            await catalog.product_card(uow, mug_id)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kettle", "Gooseneck Kettle 1L"),
        ("GOOSENECK", "Gooseneck Kettle 1L"),
        ("kettel", "Gooseneck Kettle 1L"),  # a typo
        ("lantren", "Rechargeable Lantern"),  # another
        ("expresso", "Espresso Roast Beans 250g"),
        ("fountain pen", "Fountain Pen, Fine Nib"),
        ("I want a hammock please", "Camping Hammock"),
    ],
)
async def test_search_finds_words_case_and_typos(
    shopfront: Shopfront, query: str, expected: str
) -> None:
    async with shopfront.store.uow() as uow:
        page = await catalog.search(uow, query)
    assert page.items, f"nothing found for {query!r}"
    assert page.items[0].title == expected


async def test_search_matches_descriptions_and_word_starts(shopfront: Shopfront) -> None:
    async with shopfront.store.uow() as uow:
        bergamot = await catalog.search(uow, "Bergamot")
        pour = await catalog.search(uow, "pour")
    assert {i.title for i in bergamot.items} == {
        "Ethiopia Yirgacheffe 250g",
        "Earl Grey Supreme 100g",
    }
    # "pour" is a word of two descriptions and the start of "pour-over"'s first half
    assert {"Gooseneck Kettle 1L", "Ethiopia Yirgacheffe 250g"} <= {i.title for i in pour.items}


async def test_search_for_nonsense_finds_nothing(shopfront: Shopfront) -> None:
    async with shopfront.store.uow() as uow:
        assert (await catalog.search(uow, "zebra xylophone")).items == ()
        assert (await catalog.search(uow, "hello")).items == ()
        assert (await catalog.search(uow, "   ")).total == 0


async def test_search_results_are_paginated(store: Store) -> None:
    await add_products(store, 11)
    async with store.uow() as uow:
        first = await catalog.search(uow, "plain mug")
        second = await catalog.search(uow, "plain mug", page=1)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (11, 2, 8, 3)


async def test_deep_link_sku_is_found_in_any_case(shopfront: Shopfront) -> None:
    async with shopfront.store.uow() as uow:
        card = await catalog.product_card_by_sku(uow, "kit-mug-cer")
        assert (card.title, card.price, card.available) == ("Stoneware Mug 350ml", 1600, 24)
        with pytest.raises(ProductUnavailable):
            await catalog.product_card_by_sku(uow, "NOPE-123")


async def _priced_mugs(store: Store, prices: list[int]) -> int:
    """A "Mugs" category whose "Mug 01".. cost `prices` (cents), in that title order."""
    ids = await add_products(store, len(prices))
    async with store.uow() as uow:
        for product_id, price in zip(ids, prices, strict=True):
            product = await uow.products.get(product_id)
            assert product is not None
            product.price = price
        (mugs,) = await catalog.list_categories(uow)
    return mugs.id


async def test_she_sorts_by_price_and_the_next_page_goes_on_where_the_first_ended(
    store: Store,
) -> None:
    prices = [(i * 7919) % 2000 + 100 for i in range(1, 21)]  # in no order by title
    mugs = await _priced_mugs(store, prices)
    async with store.uow() as uow:
        cheapest = await catalog.category_page(uow, mugs, 0, order="price")
        then = await catalog.category_page(uow, mugs, 1, order="price")
        dearest = await catalog.category_page(uow, mugs, 0, order="price_desc")
        newest = await catalog.category_page(uow, mugs, 0, order="newest")
    seen = [i.price for i in cheapest.items] + [i.price for i in then.items]
    assert seen == sorted(prices)[:16]
    assert [i.price for i in dearest.items] == sorted(prices, reverse=True)[:8]
    assert [i.title for i in newest.items][:2] == ["Mug 20", "Mug 19"]
    assert (cheapest.pages, cheapest.total) == (3, 20)


async def test_other_currencies_are_listed_after_one_another_not_mixed_by_amount(
    store: Store,
) -> None:
    mugs = await _priced_mugs(store, [500, 400, 600])
    async with store.uow() as uow:
        euro = await uow.products.get_by_sku("MUG-01")
        assert euro is not None
        euro.currency = "EUR"
        page = await catalog.category_page(uow, mugs, 0, order="price")
    assert [(i.currency, i.price) for i in page.items] == [("EUR", 500), ("USD", 400), ("USD", 600)]


async def test_in_stock_only_hides_what_is_sold_out_and_the_count_says_so(store: Store) -> None:
    mugs = await _priced_mugs(store, [100] * 9)
    async with store.uow() as uow:
        sold_out = await uow.products.get_by_sku("MUG-03")
        assert sold_out is not None
        sold_out.stock = 0
    async with store.uow() as uow:
        everything = await catalog.category_page(uow, mugs, 0)
        in_stock = await catalog.category_page(uow, mugs, 0, in_stock=True)
    assert (everything.total, everything.pages) == (9, 2)
    assert (in_stock.total, in_stock.pages) == (8, 1)
    assert "Mug 03" not in [i.title for i in in_stock.items]


async def test_a_category_all_sold_out_shows_an_empty_in_stock_page(store: Store) -> None:
    mugs = await _priced_mugs(store, [100])
    async with store.uow() as uow:
        only = await uow.products.get_by_sku("MUG-01")
        assert only is not None
        only.stock = 0
    async with store.uow() as uow:
        page = await catalog.category_page(uow, mugs, 5, in_stock=True)
    assert (page.items, page.page, page.pages, page.total) == ((), 0, 1, 0)


async def test_products_imported_at_one_instant_page_newest_by_id_without_gaps_or_repeats(
    store: Store,
) -> None:
    ids = await add_products(store, 45)
    one_import = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    async with store.uow() as uow:
        for product_id in ids:
            product = await uow.products.get(product_id)
            assert product is not None
            product.created_at = one_import
        later = await uow.products.get(ids[10])
        assert later is not None
        later.created_at = one_import + timedelta(seconds=1)  # re-added after the import
        (mugs,) = await catalog.list_categories(uow)
    for in_stock in (False, True):
        async with store.uow() as uow:
            first = await catalog.category_page(uow, mugs.id, 0, "newest", in_stock)
            pages = [first] + [
                await catalog.category_page(uow, mugs.id, n, "newest", in_stock)
                for n in range(1, first.pages)
            ]
        seen = [item.id for page in pages for item in page.items]
        assert seen == [ids[10], *sorted(set(ids) - {ids[10]}, reverse=True)], in_stock


async def test_with_in_stock_only_categories_count_what_is_in_stock_and_sold_out_ones_go(
    store: Store,
) -> None:
    await add_products(store, 3)
    async with store.uow() as uow:
        sold_out = await uow.products.get_by_sku("MUG-01")
        assert sold_out is not None
        sold_out.stock = 0
        teapots = await uow.categories.get_or_create("teapots", "Teapots")
        await uow.products.add(
            Product(sku="POT", title="Teapot", category_id=teapots.id, price=900, currency="USD")
        )
    async with store.uow() as uow:
        everything = await catalog.list_categories(uow)
        in_stock = await catalog.list_categories(uow, in_stock=True)
    assert [(c.title, c.product_count) for c in everything] == [("Mugs", 3), ("Teapots", 1)]
    assert [(c.title, c.product_count) for c in in_stock] == [("Mugs", 2)]
