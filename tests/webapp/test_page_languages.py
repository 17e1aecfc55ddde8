"""The storefront page in the shopper's language: its own words (api/texts), the products'
names and the money, as the chat shows them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiohttp

from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from bot.webapp.texts import HTML_TEXTS, PAGE_TEXTS
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, init_data_for, product_id, storefront_url

STATIC = Path(__file__).resolve().parents[2] / "bot" / "webapp" / "static"
APP_JS = STATIC / "app.js"
INDEX = STATIC / "index.html"
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def test_every_text_the_page_says_is_a_catalog_text() -> None:
    """app.js words everything through t('...'); each of those is in bot/webapp/texts.py
    (and so in the catalogs, where tests/unit/test_i18n.py checks it is translated)."""
    said = set(re.findall(r"\bt\('((?:[^'\\]|\\.)*)'", APP_JS.read_text(encoding="utf-8")))
    assert said and said == set(PAGE_TEXTS)
    in_html = set(re.findall(r"\{\{t:([^}]+)\}\}", INDEX.read_text(encoding="utf-8")))
    assert in_html and in_html == set(HTML_TEXTS)


async def test_the_page_opens_in_the_browsers_language(
    shop: ShopHarness, http: aiohttp.ClientSession
) -> None:
    """Before it knows its shopper (or outside Telegram, where it never does), the page
    speaks the browser's language."""
    spanish = {"Accept-Language": "es-AR,es;q=0.9,en;q=0.8"}
    async with http.get(storefront_url(shop), headers=spanish) as response:
        page = await response.text()
    assert '<html lang="es">' in page and "Cargando la tienda…" in page
    assert "Esta es la página de la tienda para Telegram." in page
    async with http.get(storefront_url(shop), headers={"Accept-Language": "pt-BR"}) as response:
        page = await response.text()
    assert '<html lang="en">' in page and "Loading the shop…" in page  # DEFAULT_LANGUAGE


async def test_a_russian_shopper_reads_the_whole_page_in_russian(
    shop: ShopHarness, browser: Browser
) -> None:
    """Counted words come with Russian plurals (1 товар, 3 товара, 5 товаров), and nothing
    the page shows is left in English."""
    boris = shop.user(1601, "Boris", language_code="ru")
    mug = await product_id(shop, "KIT-MUG-CER")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, boris))
    await browser.click(".chip", "Кухня")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.click("#add", "В корзину")
    await browser.find("#tg-main-button", "Корзина · 1 товар · 16,00")
    await browser.click(".stepper button[aria-label='Ещё одну']")
    await browser.click("#add", "В корзину · 2 ×")
    await browser.find("#tg-main-button", "Корзина · 3 товара · 48,00")
    await browser.click("#add", "В корзину · 2 ×")
    await browser.find("#tg-main-button", "Корзина · 5 товаров · 80,00")
    await browser.find(".in-cart", "В вашей корзине: 5")
    assert await browser.js("return document.getElementById('back').textContent") == "‹ Назад"
    await _no_english_on(browser)

    # Few left: said in Russian and marked as few, as in English.
    tee = await product_id(shop, "APP-TEE-ORG")
    await browser.js("window.__tg.pressBack()")
    await browser.click(".chip", "Мерч")
    await browser.click(f".card[data-product-id='{tee}']")
    await browser.click("[data-variant-id]", "L / Графитовый")  # options_ru
    await browser.find(".product .stock.low", "Осталось всего 3 шт.")

    await browser.js("window.__tg.pressBack()")
    await browser.type(".search input", "кружка\n")
    await browser.find(".hint", "Результаты по запросу “кружка”: найден 1")
    await _no_english_on(browser)


async def _no_english_on(browser: Browser) -> None:
    """Descriptions aside (they stay English), no English word shows: the variants' chips
    are Russian too ("L / Графитовый", options_ru)."""
    shown = await browser.js(
        "document.querySelectorAll('.desc').forEach((el) => el.remove());"
        "return document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label]')]"
        ".map((el) => el.getAttribute('aria-label')).join(' ');"
    )
    assert not LATIN_WORD.findall(shown), shown


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
    assert basket["items_text"] == "2 товара"  # counted with Russian plurals
    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["TENOFF", "10%"], "USD").to_model())
    await boris.send("/start promo_TENOFF")  # the code's line reads as the summary's does
    await boris.wait_for("TENOFF")
    basket = await page.cart()
    assert (basket["promo_text"], basket["to_pay_text"]) == (
        "Скидка (TENOFF), скидка 10%: −3,20\xa0$",
        "28,80\xa0$",
    )
    assert (await page.add(mug, 3))["cart"]["items_text"] == "5 товаров"
    # Her order's page names the code as the chat's order screen does, in Russian.
    invoice = await page.ok("POST", "checkout")
    order = await page.ok("GET", f"orders/{invoice['order_id']}")
    assert order["discount_text"] == "Скидка (TENOFF): −8,00\xa0$"


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
    mug = await product_id(shop, "KIT-MUG-CER")
    assert (await page_of(carla).add(mug, 1))["cart"]["items_text"] == "1 artículo"
    assert (await page_of(carla).add(mug, 1))["cart"]["items_text"] == "2 artículos"


async def test_a_page_opened_outside_telegram_says_where_to_open_it(
    shop: ShopHarness, browser: Browser
) -> None:
    await browser.open_mini_app(storefront_url(shop), init_data="")
    await browser.find("#view p", "This is the shop’s page for Telegram.")
    await browser.find("#view .hint", "/shop in the chat")
    assert not await browser.js("return window.__tg.started('api/')")  # nobody to ask for
