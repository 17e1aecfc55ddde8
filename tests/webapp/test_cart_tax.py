"""The storefront's cart says the VAT its prices include, as the chat's order summary does:
the shop's TAX_RATE is 20% and its notebook is taxed at 5%. Alice's mug ($16.00) and notebook
($18.00) include $2.67 and $0.86; with 10% off, the mugs' VAT is that of what she pays. The
API words it in her language, the page only shows it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from bot.standin.models import render
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import open_order_summary
from tests.webapp.browser import Browser
from tests.webapp.conftest import (
    Page,
    a_mug_in_the_cart,
    product_id,
    storefront_settings,
)

MUG, BOOK = "KIT-MUG-CER", "STA-NTB-A5D"  # $16.00 and $18.00


@pytest.fixture
async def shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    """The seeded shop, its storefront on, with TAX_RATE 20% and the notebook at 5%."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **storefront_settings(tax_rate_bp=2000)) as h:
        async with h.store.uow() as uow:
            book = await uow.products.get_by_sku(BOOK)
            assert book is not None
            book.tax_rate_bp = 500  # as /tax STA-NTB-A5D 5 keeps it
        yield h


async def test_the_carts_vat_is_the_summarys_in_her_language(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug, book = await product_id(shop, MUG), await product_id(shop, BOOK)
    assert (await page.cart())["tax_texts"] == []  # nothing in it: nothing to say
    await page.add(mug, 1)
    basket = (await page.add(book, 1))["cart"]
    assert basket["tax_texts"] == ["Includes VAT 20%: $2.67", "Includes VAT 5%: $0.86"]
    await open_order_summary(alice)  # the chat's summary says the same, from the same rule
    assert "Includes VAT 20%: $2.67\nIncludes VAT 5%: $0.86" in render(alice.last_message)  # type: ignore[arg-type]

    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["TEN", "10%", "min=40.00"], "USD").to_model())
    boris = shop.user(1601, "Boris", language_code="ru")
    await boris.send("/start promo_TEN")
    await boris.wait_for("TEN")
    russian: Page = page_of(boris)
    basket = (await russian.add(mug, 2))["cart"]  # $32.00: below the code's minimum
    assert basket["promo_text"] is None
    assert basket["tax_texts"] == ["В том числе VAT 20%: 5,33\xa0$"]
    basket = (await russian.add(mug, 1))["cart"]  # $48.00 less $4.80: $43.20, $7.20 of it VAT
    assert basket["tax_texts"] == ["В том числе VAT 20%: 7,20\xa0$"]


async def test_a_cart_checkout_changed_says_its_vat_as_it_is_now(
    shop: ShopHarness, page_of: Any
) -> None:
    """Bea's code stops applying at checkout: the cart that comes back says the VAT of the
    price she will pay now, in Spanish."""
    bea = shop.user(1602, "Bea", language_code="es")
    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["TEN", "10%", "min=30.00"], "USD").to_model())
    await bea.send("/start promo_TEN")
    await bea.wait_for("TEN")
    page: Page = page_of(bea)
    await page.add(await product_id(shop, MUG), 1)  # $16.00: below the code's minimum
    changed = await page.ok("POST", "checkout")
    assert changed["status"] == "changed"
    assert changed["cart"]["tax_texts"] == ["Incluye VAT 20%: 2,67\xa0US$"]


async def test_the_page_shows_the_vat_under_the_carts_total(
    shop: ShopHarness, browser: Browser
) -> None:
    await a_mug_in_the_cart(shop, browser, shop.user(1001, "Alice"))
    await browser.find("#cart-total", "$16.00")
    await browser.find(".tax", "Includes VAT 20%: $2.67")
    await browser.click("button[aria-label='One more']")
    await browser.find("#cart-total", "$32.00")
    await browser.find(".tax", "Includes VAT 20%: $5.33")
