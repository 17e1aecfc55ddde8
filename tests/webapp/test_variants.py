"""The storefront page sells variants as the chat does: the product lists its variants (each
with its own SKU, price, stock and photo), the page adds the one chosen by its id, and the
cart, shared with the chat, names it ("Organic Tee - M / Oat")."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.standin.harness import ShopHarness
from tests.webapp.conftest import Page, product_id, storefront_url

TEE = "APP-TEE-ORG"


async def test_the_page_lists_variants_and_adds_the_chosen_one(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    tee = await product_id(shop, TEE)

    product = await page.ok("GET", f"products/{tee}")
    variants = {v["title"]: v for v in product["variants"]}
    sizes = ("S", "M", "L")
    assert list(variants) == [
        f"{size} / {colour}" for colour in ("Oat", "Charcoal") for size in sizes
    ]
    assert product["variant_id"] == variants["S / Oat"]["id"]  # the first in stock
    assert (variants["L / Charcoal"]["price_text"], variants["L / Charcoal"]["stock_text"]) == (
        "$26.00",
        "Only 3 left",
    )
    assert variants["L / Oat"]["sold_out_text"] == (
        "Sorry, L / Oat is sold out. Tap “Notify me” to hear when it's back."
    )
    assert variants["M / Charcoal"]["photo"].endswith(f"?variant={variants['M / Charcoal']['id']}")

    medium = variants["M / Oat"]["id"]
    added = await page.add(tee, 2, shown_price=2400, variant_id=medium)
    assert added["done"] and added["notice"] == "Added 2 × Organic Tee - M / Oat to your cart."
    (line,) = added["cart"]["lines"]
    assert (line["sku"], line["title"], line["variant_id"]) == (
        "APP-TEE-ORG-M-OAT",
        "Organic Tee - M / Oat",
        medium,
    )
    await alice.send("/cart")
    await alice.wait_for("Organic Tee - M / Oat\n    2 × $24.00 = $48.00")
    again = await page.ok("GET", f"products/{tee}")
    assert {v["title"]: v["in_cart"] for v in again["variants"]}["M / Oat"] == 2

    fewer = await page.ok("PUT", f"cart/lines/{tee}", {"quantity": 1, "variant_id": medium})
    assert fewer["notice"] == "Organic Tee - M / Oat: 1 in your cart."

    sold_out = await page.add(tee, 1, variant_id=variants["L / Oat"]["id"])
    assert (sold_out["done"], sold_out["notice"]) == (
        False,
        "Sorry, Organic Tee - L / Oat is out of stock.",
    )
    for forged in (0, 99999):  # none chosen, or not one of its variants
        refused = await page.add(tee, 1, variant_id=forged)
        assert not refused["done"]
        assert refused["notice"] == (
            "Sorry, that option is no longer available. Here are the ones we have."
        )
    assert [line["quantity"] for line in (await page.cart())["lines"]] == [1]


async def test_a_variants_own_photo_is_served(
    shop: ShopHarness, http: aiohttp.ClientSession
) -> None:
    async with shop.store.reading() as uow:
        charcoal = await uow.products.get_variant_by_sku("APP-TEE-ORG-M-CHA")
        oat = await uow.products.get_variant_by_sku("APP-TEE-ORG-M-OAT")
    assert charcoal is not None and oat is not None
    tee = await product_id(shop, TEE)
    base = storefront_url(shop)
    own = await http.get(f"{base}photos/{tee}?variant={charcoal.id}")
    product = await http.get(f"{base}photos/{tee}?variant={oat.id}")  # none of its own
    assert own.status == product.status == 200
    assert await own.read() != await product.read()
    assert (await http.get(f"{base}photos/{tee}?variant=99999")).status == 404
    assert (await http.get(f"{base}photos/{tee}?variant=x")).status == 404


async def test_a_russian_shopper_reads_the_variants_in_russian(
    shop: ShopHarness, page_of: Any
) -> None:
    """data/catalog.json names the tee's colours in Russian (options_ru): the page's variants
    and what it says of them and of the cart use them."""
    boris = shop.user(1601, "Boris", language_code="ru")
    page: Page = page_of(boris)
    tee = await product_id(shop, TEE)
    product = await page.ok("GET", f"products/{tee}")
    variants = {v["title"]: v for v in product["variants"]}
    assert list(variants) == [
        f"{size} / {colour}" for colour in ("Овсяный", "Графитовый") for size in ("S", "M", "L")
    ]
    assert "L / Овсяный" in variants["L / Овсяный"]["sold_out_text"]
    added = await page.add(tee, 1, shown_price=2400, variant_id=variants["M / Овсяный"]["id"])
    (line,) = added["cart"]["lines"]
    assert line["title"] == "Футболка из органического хлопка - M / Овсяный"
