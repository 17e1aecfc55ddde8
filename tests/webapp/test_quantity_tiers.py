"""The storefront prices a cart at its quantity tiers as the chat does (one rule, bot.pricing;
one place that applies it, CartView): the mug ($16.00) is 10% off from 3 and 15% from 6. Its
page says so, the cart's lines say their tier and the nudge toward the next, a promo code
takes its part off the tiered total, and checkout charges what the cart said. The page only
shows the API's words."""

from __future__ import annotations

from typing import Any

from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, change_product, open_the_mug, product_id

MUG = "KIT-MUG-CER"
TEE = "APP-TEE-ORG"  # $24.00 in most sizes, L / Charcoal $26.00


async def test_alices_cart_on_the_page_reaches_the_mugs_tier_and_checkout_charges_it(
    shop: ShopHarness, page_of: Any
) -> None:
    await change_product(shop, MUG, tiers="3:10,6:15")
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug = await product_id(shop, MUG)
    card = await page.ok("GET", f"products/{mug}")
    assert card["tiers_text"] == "📦 Buy 3+: −10% · 6+: −15%"

    [line] = (await page.add(mug, 2))["cart"]["lines"]
    assert (line["unit_price_text"], line["tier_text"]) == ("$16.00", None)
    assert line["nudge_text"] == "💡 Add 1 more to save 10%"

    basket = (await page.add(mug, 1))["cart"]
    [line] = basket["lines"]
    assert (line["unit_price"], line["list_price"]) == (1440, 1600)
    assert (line["unit_price_text"], line["tier_text"]) == ("$14.40", "(−10% for 3+)")
    assert (line["line_total_text"], basket["total_text"]) == ("$43.20", "$43.20")
    assert line["nudge_text"] is None and line["warning"] is None  # a tier is no new price

    async with shop.store.uow() as uow:  # 10% off the tiered goods: $43.20 less $4.32
        await uow.promos.add(parse_new(["TEN", "10%"], "USD").to_model())
    await alice.send("/start promo_TEN")
    await alice.wait_for("TEN")
    basket = await page.cart()
    assert basket["to_pay_text"] == "$38.88"
    invoice = await page.ok("POST", "checkout", {"fingerprint": basket["fingerprint"]})
    assert (invoice["status"], invoice["total"]) == ("invoice", 3888)
    async with shop.store.reading() as uow:
        order = await uow.orders.get(invoice["order_id"])
        assert order is not None
        assert [(ln.unit_price, ln.quantity, ln.discount) for ln in order.lines] == [(1440, 3, 432)]


async def test_a_mug_without_tiers_says_none(shop: ShopHarness, page_of: Any) -> None:
    page: Page = page_of(shop.user(1001, "Alice"))
    mug = await product_id(shop, MUG)
    assert (await page.ok("GET", f"products/{mug}"))["tiers_text"] is None
    [line] = (await page.add(mug, 3))["cart"]["lines"]
    assert (line["unit_price"], line["tier_text"], line["nudge_text"]) == (1600, None, None)


async def test_the_page_shows_the_tiers_the_nudge_and_the_tier_price(
    shop: ShopHarness, browser: Browser
) -> None:
    await change_product(shop, MUG, tiers="2:10")
    await open_the_mug(shop, browser, shop.user(1001, "Alice"))
    await browser.find(".product .tiers", "📦 Buy 2+: −10%")
    await browser.click(".product button[aria-label='One more']")
    await browser.find("#add", "Add to cart · $28.80")  # two at the tier, as the chat says
    await browser.click(".product button[aria-label='One less']")
    await browser.find("#add", "Add to cart · $16.00")
    await browser.click("#add", "Add to cart")
    await browser.find("#cart-count", "1")
    await browser.click("#to-cart")
    await browser.find(".line .sum", "1 × $16.00 = $16.00")
    await browser.find(".line .nudge", "💡 Add 1 more to save 10%")
    await browser.click("button[aria-label='One more']")
    await browser.find(".line .sum", "2 × $14.40 (−10% for 2+) = $28.80")
    await browser.find("#cart-total", "$28.80")


async def test_the_mugs_add_button_names_what_her_cart_grows_by(
    shop: ShopHarness, page_of: Any
) -> None:
    await change_product(shop, MUG, tiers="3:10,6:15")
    page: Page = page_of(shop.user(1001, "Alice"))
    mug = await product_id(shop, MUG)
    card = await page.ok("GET", f"products/{mug}")
    assert card["adding_texts"][:4] == ["$16.00", "$32.00", "$43.20", "$57.60"]

    await page.add(mug, 2)
    card = await page.ok("GET", f"products/{mug}")
    # A third mug takes all three to $14.40: her cart grows by $43.20 less $32.00.
    assert card["adding_texts"][:2] == ["+$11.20", "+$25.60"]
    assert len(card["adding_texts"]) == card["can_add"]  # one for each step of the stepper


async def test_a_tee_in_another_size_and_price_moves_hers_to_the_tier_too(
    shop: ShopHarness, page_of: Any
) -> None:
    await change_product(shop, TEE, tiers="2:10")
    page: Page = page_of(shop.user(1001, "Alice"))
    tee = await product_id(shop, TEE)
    variants = {v["title"]: v for v in (await page.ok("GET", f"products/{tee}"))["variants"]}
    await page.add(tee, 1, variant_id=variants["S / Oat"]["id"])
    card = await page.ok("GET", f"products/{tee}")
    variants = {v["title"]: v for v in card["variants"]}
    # S / Oat $24.00 -> $21.60 and L / Charcoal $26.00 -> $23.40: $45.00 less her $24.00.
    assert variants["L / Charcoal"]["adding_texts"][0] == "+$21.00"
    assert variants["S / Oat"]["adding_texts"][0] == "+$19.20"


async def test_without_tiers_the_page_counts_the_add_button_itself(
    shop: ShopHarness, page_of: Any
) -> None:
    page: Page = page_of(shop.user(1001, "Alice"))
    mug = await product_id(shop, MUG)
    card = await page.ok("GET", f"products/{mug}")
    assert card["adding_texts"] is None  # "2 × $16.00", as ever
