"""A product on sale on the storefront: the API sends its regular price beside the price
(`compare_at`, formatted as the chat formats it, and what it takes off), for a list, a
product and each variant priced on its own; the page strikes the regular price through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.services import catalog
from bot.services.category_sale import SalePlan
from bot.standin.harness import ShopHarness
from bot.store.models import Product
from bot.usecases import category_sale
from tests.conftest import selects_run
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, change_product, open_the_mug, product_id


async def _put_a_size_on_sale(shop: ShopHarness, sku: str, price: int, compare_at: int) -> None:
    async with shop.store.uow() as uow:
        tee = await uow.products.get(await product_id(shop, "APP-TEE-ORG"))
        assert tee is not None
        (variant,) = [v for v in await uow.products.variants_of(tee.id) if v.sku == sku]
        variant.price, variant.compare_at_price = price, compare_at


async def test_the_api_sends_the_regular_price_of_a_product_and_a_variant_on_sale(
    shop: ShopHarness, page_of: Any
) -> None:
    await change_product(shop, "KIT-MUG-CER", compare_at_price=2000)  # $16.00, was $20.00
    await _put_a_size_on_sale(shop, "APP-TEE-ORG-M-OAT", 2600, 3250)
    page: Page = page_of(shop.user(1001, "Alice"))
    mug_id = await product_id(shop, "KIT-MUG-CER")

    mug = await page.ok("GET", f"products/{mug_id}")
    assert (mug["price"], mug["compare_at"]) == (1600, 2000)
    assert (mug["price_text"], mug["compare_at_text"], mug["off_text"]) == (
        "$16.00",
        "$20.00",
        "−20%",
    )
    async with shop.store.reading() as uow:
        stored = await uow.products.get(mug_id)
        assert isinstance(stored, Product)
        kitchen = stored.category_id
    listed = (await page.ok("GET", f"categories/{kitchen}"))["items"]
    (line,) = [item for item in listed if item["id"] == mug_id]
    assert (line["compare_at_text"], line["off_text"]) == ("$20.00", "−20%")
    assert all(item["compare_at"] is None for item in listed if item["id"] != mug_id)

    tee = await page.ok("GET", f"products/{await product_id(shop, 'APP-TEE-ORG')}")
    sizes = {v["sku"]: v for v in tee["variants"]}
    assert (
        sizes["APP-TEE-ORG-M-OAT"]["compare_at_text"],
        sizes["APP-TEE-ORG-M-OAT"]["off_text"],
    ) == (
        "$32.50",
        "−20%",
    )
    assert sizes["APP-TEE-ORG-S-OAT"]["compare_at"] is None  # the product's price, not on sale

    cart = await page.add(mug_id, 2)
    assert (cart["cart"]["total_text"], cart["cart"]["saving_text"]) == (
        "$32.00",
        "🔖 You save $8.00",
    )

    spanish = page_of(shop.user(1002, "Bea", language_code="es"))
    mug = await spanish.ok("GET", f"products/{mug_id}")
    assert (mug["compare_at_text"], mug["off_text"]) == ("20,00\xa0US$", "−20\xa0%")


async def test_the_page_strikes_the_regular_price_through(
    shop: ShopHarness, browser: Browser
) -> None:
    await change_product(shop, "KIT-MUG-CER", compare_at_price=2000)
    mug = await open_the_mug(shop, browser, shop.user(1001, "Alice"))
    await browser.find(".product .price s.was", "$20.00")
    assert await browser.js("return document.querySelector('.product .price').textContent") == (
        "$20.00 $16.00 · −20%"
    )
    await browser.click("#add", "Add to cart")
    await browser.click("#to-cart")
    await browser.find("#cart-total", "$16.00")
    await browser.find("#cart-saving", "🔖 You save $4.00")
    await browser.js("window.__tg.pressBack()")
    await browser.find(".product h2", "Stoneware Mug")
    await browser.js("window.__tg.pressBack()")
    struck = await browser.find(f".card[data-product-id='{mug}'] .price s.was", "$20.00")
    assert struck.value_of_css_property("text-decoration-line") == "line-through"


async def test_the_product_page_says_when_the_sale_of_its_category_ends(
    shop: ShopHarness, page_of: Any
) -> None:
    """The mug is on its category's sale until Dec 31, 2036: the page says so in the chat
    card's words, read from the product's row (no statement more than a page without it);
    off sale, nothing is said."""
    mug_id = await product_id(shop, "KIT-MUG-CER")
    async with shop.store.reading() as uow:
        stored = await uow.products.get(mug_id)
        assert isinstance(stored, Product)
        kitchen = stored.category_id
    page: Page = page_of(shop.user(1001, "Alice"))
    await change_product(shop, "KIT-MUG-CER", compare_at_price=2000)
    assert (await page.ok("GET", f"products/{mug_id}"))["sale_ends_text"] is None  # no end date

    # What /sale Kitchen 20% until=2036-12-31 writes on each product of the category.
    ends = datetime(2037, 1, 1, tzinfo=UTC)
    await change_product(shop, "KIT-MUG-CER", category_sale_of=kitchen, category_sale_ends_at=ends)
    mug = await page.ok("GET", f"products/{mug_id}")
    assert mug["sale_ends_text"] == "⏳ Sale ends Dec 31, 2036"
    async with shop.store.reading() as uow:  # the card the page is made from: still one SELECT
        selects = selects_run(shop.store)
        card = await catalog.product_card(uow, mug_id)
    assert card.sale_ends_at == ends and len(selects) == 1

    spanish = page_of(shop.user(1002, "Bea", language_code="es"))
    spanish_mug = await spanish.ok("GET", f"products/{mug_id}")
    assert spanish_mug["sale_ends_text"].startswith("⏳ Las rebajas terminan el ")

    await change_product(shop, "KIT-MUG-CER", compare_at_price=None)  # off sale: nothing said
    assert (await page.ok("GET", f"products/{mug_id}"))["sale_ends_text"] is None


async def _category_of(shop: ShopHarness, product_id_: int) -> int:
    async with shop.store.reading() as uow:
        stored = await uow.products.get(product_id_)
        assert isinstance(stored, Product)
        return stored.category_id


async def _kitchen_on_sale_until_2036(shop: ShopHarness, kitchen: int) -> None:
    """What Ada's /sale Kitchen 20% until=2036-12-31 and its ✅ Start sale do."""
    assert shop.shop is not None
    now = datetime(2036, 6, 1, tzinfo=UTC)
    plan = await category_sale.preview(shop.shop, ["Kitchen", "20%", "until=2036-12-31"], now=now)
    assert isinstance(plan, SalePlan) and plan.ends_at is not None
    await category_sale.confirm(
        shop.shop, 9001, kitchen, 20, plan.fingerprint, int(plan.ends_at.timestamp())
    )


async def test_a_product_moved_into_or_out_of_a_category_on_sale(
    shop: ShopHarness, page_of: Any
) -> None:
    """Ada puts Kitchen on sale until Dec 31, 2036. The sale covers what was in Kitchen when
    it started: a mug moved out keeps its sale price but no longer says when it ends (that
    sale does not end it); a tee moved in is not put on sale, and says nothing either."""
    assert shop.shop is not None
    mug_id = await product_id(shop, "KIT-MUG-CER")
    tee_id = await product_id(shop, "APP-TEE-ORG")
    kitchen, apparel = await _category_of(shop, mug_id), await _category_of(shop, tee_id)
    await _kitchen_on_sale_until_2036(shop, kitchen)
    page: Page = page_of(shop.user(1001, "Alice"))
    mug = await page.ok("GET", f"products/{mug_id}")
    assert (mug["compare_at"], mug["sale_ends_text"]) == (1600, "⏳ Sale ends Dec 31, 2036")

    await change_product(shop, "KIT-MUG-CER", category_id=apparel)  # out, as /edit moves it
    await change_product(shop, "APP-TEE-ORG", category_id=kitchen)  # in
    mug = await page.ok("GET", f"products/{mug_id}")
    assert (mug["compare_at"], mug["sale_ends_text"]) == (1600, None)
    tee = await page.ok("GET", f"products/{tee_id}")
    assert (tee["compare_at"], tee["sale_ends_text"]) == (None, None)


async def test_a_product_with_a_sale_of_its_own_moved_into_a_category_on_sale_keeps_it(
    shop: ShopHarness, page_of: Any
) -> None:
    """Kitchen is on sale until Dec 31, 2036. Ada moves the tee, on a sale of its own (no end
    date), into Kitchen: the Kitchen sale did not put it on sale, so its page says no end,
    and when the Kitchen sale ends by itself the mug goes back to its regular price while
    the tee keeps its own sale, as its page said."""
    assert shop.shop is not None
    mug_id = await product_id(shop, "KIT-MUG-CER")
    tee_id = await product_id(shop, "APP-TEE-ORG")
    kitchen = await _category_of(shop, mug_id)
    await _kitchen_on_sale_until_2036(shop, kitchen)
    page: Page = page_of(shop.user(1001, "Alice"))
    tee = await page.ok("GET", f"products/{tee_id}")
    regular = tee["price"] + 500
    await change_product(shop, "APP-TEE-ORG", compare_at_price=regular, category_id=kitchen)
    tee = await page.ok("GET", f"products/{tee_id}")
    assert (tee["compare_at"], tee["sale_ends_text"]) == (regular, None)

    ended = await category_sale.end_due(shop.shop, now=datetime(2037, 1, 2, tzinfo=UTC))
    assert ended == 1
    mug = await page.ok("GET", f"products/{mug_id}")
    assert (mug["price"], mug["compare_at"], mug["sale_ends_text"]) == (1600, None, None)
    tee = await page.ok("GET", f"products/{tee_id}")
    assert (tee["price"], tee["compare_at"], tee["sale_ends_text"]) == (
        regular - 500,
        regular,
        None,
    )
