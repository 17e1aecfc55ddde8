"""A shopper orders the storefront's category by price and hides what is sold out."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import change_product, init_data_for, storefront_url

PRICES = (
    "[...document.querySelectorAll('.card .price')]"
    ".map((el) => Number(el.firstChild.textContent.replace(/[^0-9.]/g, '')))"
)


def _prices_in_order(compare: str) -> str:
    """A JS expression: the cards' prices, more than one, each `compare` the next."""
    every = f"p.every((x, i) => !i || p[i - 1] {compare} x)"
    return f"(() => {{ const p = {PRICES}; return p.length > 1 && {every}; }})()"


ASCENDING = _prices_in_order("<=")
DESCENDING = _prices_in_order(">=")
CHOOSE = (
    "const el = document.querySelector(arguments[0]);"
    "if (el.type === 'checkbox') el.checked = !el.checked; else el.value = arguments[1];"
    "el.dispatchEvent(new Event('change'));"
)


async def test_she_sorts_kitchen_by_price_and_hides_the_sold_out_kettle(
    shop: ShopHarness, browser: Browser
) -> None:
    await change_product(shop, "KIT-KTL-GOO", stock=0)
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.find(".card .name", "Gooseneck Kettle")

    assert not await browser.js(f"return {ASCENDING}")  # by name, prices go up and down

    await browser.js(CHOOSE, "select[name=sort]", "price")
    await browser.until(ASCENDING, "cheapest first")
    assert await browser.js("return document.querySelector('select[name=sort]').value") == "price"

    await browser.js(CHOOSE, "select[name=sort]", "price_desc")
    await browser.until(DESCENDING, "dearest first")

    await browser.js(CHOOSE, "input[name=in_stock]")
    await browser.until("!document.querySelector('.card.sold')", "sold out hidden")
    names = await browser.js(
        "return [...document.querySelectorAll('.card .name')].map((el) => el.textContent)"
    )
    assert "Gooseneck Kettle 1L" not in names and names
    await browser.until(DESCENDING, "still dearest first")


async def test_with_in_stock_only_the_category_counts_are_of_what_is_in_stock(
    shop: ShopHarness, page_of: Any
) -> None:
    page = page_of(shop.user(1001, "Alice"))

    async def counts(query: str = "") -> dict[str, int]:
        listed = (await page.ok("GET", f"categories{query}"))["categories"]
        return {c["title"]: c["count"] for c in listed}

    everything, in_stock = await counts(), await counts("?in_stock=1")
    assert in_stock["Outdoors"] == everything["Outdoors"] - 1  # the folding knife is sold out
    await change_product(shop, "KIT-KTL-GOO", stock=0)
    assert await counts("?in_stock=1") == in_stock | {"Kitchen": in_stock["Kitchen"] - 1}
    assert await counts() == everything
    assert await page.call("GET", "categories?in_stock=yes") == (
        400,
        {"error": "in_stock must be 0 or 1."},
    )


def _chip_count(title: str) -> str:
    """A JS expression: the count on the chip of category `title` (null while none)."""
    named = f"(c) => c.textContent.startsWith('{title}')"
    chip = f"[...document.querySelectorAll('.chip')].find({named})"
    return f"(({chip}) || {{}}).querySelector?.('.count')?.textContent.trim()"


async def test_ticking_in_stock_only_makes_the_chips_count_what_is_in_stock(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    everything = int(await browser.until(_chip_count("Outdoors"), "Outdoors counted"))

    await browser.js(CHOOSE, "input[name=in_stock]")  # the folding knife is sold out
    await browser.until(f"{_chip_count('Outdoors')} === '{everything - 1}'", "one fewer")
    await browser.js(CHOOSE, "input[name=in_stock]")
    await browser.until(f"{_chip_count('Outdoors')} === '{everything}'", "all counted again")


async def test_the_page_opens_again_as_she_left_it_dearest_first_and_in_stock_only(
    shop: ShopHarness, browser: Browser
) -> None:
    await change_product(shop, "KIT-KTL-GOO", stock=0)
    alice = shop.user(1001, "Alice")
    url, init_data = storefront_url(shop), init_data_for(shop, alice)
    await browser.open_mini_app(url, init_data)
    await browser.click(".chip", "Kitchen")
    await browser.js(CHOOSE, "select[name=sort]", "price_desc")
    await browser.js(CHOOSE, "input[name=in_stock]")
    await browser.until(DESCENDING, "dearest first")

    await browser.open_mini_app(url, init_data)  # the Mini App closed and opened again
    await browser.click(".chip", "Kitchen")
    await browser.until(DESCENDING, "still dearest first")
    assert await browser.js("return document.querySelector('select[name=sort]').value") == (
        "price_desc"
    )
    assert await browser.js("return document.querySelector('input[name=in_stock]').checked")
    names = await browser.js(
        "return [...document.querySelectorAll('.card .name')].map((el) => el.textContent)"
    )
    assert "Gooseneck Kettle 1L" not in names and names


async def test_a_kept_choice_the_page_does_not_know_is_ignored(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    url, init_data = storefront_url(shop), init_data_for(shop, alice)
    await browser.open_mini_app(url, init_data)
    await browser.click(".chip", "Kitchen")
    await browser.js(CHOOSE, "select[name=sort]", "newest")
    keys = await browser.js("return Object.keys(localStorage)")
    (kept,) = [key for key in keys if key.startswith("listing:")]
    for garbage in ('{"sort": "cheapest", "inStock": "yes"}', "{not json"):
        await browser.js("localStorage.setItem(arguments[0], arguments[1])", kept, garbage)
        await browser.open_mini_app(url, init_data)
        await browser.click(".chip", "Kitchen")
        await browser.find(".card .name", "Gooseneck Kettle")
        sort = await browser.js("return document.querySelector('select[name=sort]').value")
        assert sort == "name", garbage
        assert not await browser.js("return document.querySelector('input[name=in_stock]').checked")
