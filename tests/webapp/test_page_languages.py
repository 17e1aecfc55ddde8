"""The storefront page in the shopper's language: its own words (api/texts), the products'
names and the money, as the chat shows them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.standin.harness import ShopHarness
from bot.webapp.texts import PAGE_TEXTS
from tests.webapp.conftest import Page, product_id

APP_JS = Path(__file__).resolve().parents[2] / "bot" / "webapp" / "static" / "app.js"


def test_every_text_the_page_says_is_a_catalog_text() -> None:
    """app.js words everything through t('...'); each of those is in bot/webapp/texts.py
    (and so in the catalogs, where tests/unit/test_i18n.py checks it is translated)."""
    said = set(re.findall(r"\bt\('((?:[^'\\]|\\.)*)'", APP_JS.read_text(encoding="utf-8")))
    assert said and said == set(PAGE_TEXTS)


async def test_the_page_speaks_the_shoppers_language(shop: ShopHarness, page_of: Any) -> None:
    boris = shop.user(1601, "Boris", language_code="ru")
    page: Page = page_of(boris)
    texts = await page.ok("GET", "texts")
    assert texts["language"] == "ru"
    assert texts["texts"]["Add to cart"] == "В корзину"
    assert texts["texts"]["Checkout · {total}"] == "Оформить · {total}"

    categories = await page.ok("GET", "categories")
    assert "Кухня" in [c["title"] for c in categories["categories"]]
    mug = await product_id(shop, "KIT-MUG-CER")
    added = await page.add(mug, 2, shown_price=1600)
    assert added["notice"] == "Добавлено в корзину: 2 × Кружка керамическая 350 мл."
    basket = await page.cart()
    assert basket["lines"][0]["title"] == "Кружка керамическая 350 мл"
    assert basket["total_text"] == "32,00\xa0$"


async def test_a_language_chosen_in_the_chat_is_the_pages_too(
    shop: ShopHarness, page_of: Any
) -> None:
    carla = shop.user(1602, "Carla", language_code="en")
    await carla.send("/language")
    await carla.wait_for("Choose your language")
    await carla.press("Español")
    await carla.wait_for("A partir de ahora hablo")
    texts = await page_of(carla).ok("GET", "texts")
    assert texts["language"] == "es"
    assert texts["texts"]["Your cart is empty."] == "Tu carrito está vacío."
