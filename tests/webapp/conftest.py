"""The storefront's fixtures: a seeded shop serving its Mini App page, and a page's API client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.standin.harness import LOOPBACK, ShopHarness, free_port
from bot.standin.user import FakeUser
from bot.store.models import Product
from bot.webapp.init_data import sign_init_data
from tests.conftest import seeded_shop_in
from tests.webapp.browser import Browser, chromium_missing

WEBAPP_URL = "https://shop.example/shop/"


def storefront_settings(**overrides: Any) -> dict[str, Any]:
    """A shop whose storefront is on, served on a free loopback port (polling mode)."""
    return {"payment_provider_token": "TEST:provider", **storefront_on(), **overrides}


def storefront_on() -> dict[str, Any]:
    """The settings that turn the storefront on, for a harness that pays its own way
    (tests.payments.conftest's card and Stars shops)."""
    return {"webapp_url": WEBAPP_URL, "webapp_port": free_port(), "webhook_listen": LOOPBACK}


def storefront_url(h: ShopHarness) -> str:
    """Where the harness's bot serves the page, on loopback (WEBAPP_URL is its public name)."""
    assert h.settings is not None
    return f"http://{LOOPBACK}:{h.settings.webapp_port}/shop/"


def init_data_for(h: ShopHarness, user: FakeUser, **signing: Any) -> str:
    """initData as Telegram signs it for `user` opening this bot's Mini App."""
    return sign_init_data(h.standin.token, user.user_json, **signing)


async def product_id(h: ShopHarness, sku: str) -> int:
    async with h.store.reading() as uow:
        return await product_id_in(uow, sku)


async def change_product(h: ShopHarness, sku: str, **values: Any) -> None:
    """What an admin would do meanwhile: a new price, less stock, off sale."""
    async with h.store.uow() as uow:
        product = await uow.products.get(await product_id_in(uow, sku))
        assert product is not None
        for name, value in values.items():
            setattr(product, name, value)


async def product_id_in(uow: Any, sku: str) -> int:
    found = await uow.session.scalar(select(Product.id).where(Product.sku == sku))
    assert found is not None, sku
    return int(found)


async def open_the_mug(h: ShopHarness, browser: Browser, user: FakeUser) -> int:
    """`user` opens the storefront and the Stoneware Mug's page, from Kitchen; its id."""
    mug = await product_id(h, "KIT-MUG-CER")
    await browser.open_mini_app(storefront_url(h), init_data_for(h, user))
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find(".product h2", "Stoneware Mug")
    return mug


async def a_mug_in_the_cart(h: ShopHarness, browser: Browser, user: FakeUser) -> None:
    """`user` adds one Stoneware Mug from its page and opens her cart."""
    await open_the_mug(h, browser, user)
    await browser.click("#add", "Add to cart")
    await browser.find("#cart-count", "1")
    await browser.click("#to-cart")


class Page:
    """The storefront's API as the page calls it, with one shopper's initData."""

    def __init__(self, http: aiohttp.ClientSession, base: str, init_data: str | None) -> None:
        self.http = http
        self.base = base
        self.init_data = init_data

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"tma {self.init_data}"} if self.init_data is not None else {}
        async with self.http.request(
            method, self.base + "api/" + path, json=body, headers=headers
        ) as response:
            return response.status, await response.json()

    async def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = await self.call(method, path, body)
        assert status == 200, (status, answer)
        return answer

    async def add(self, product_id: int, quantity: int = 1, **extra: Any) -> Any:
        line = {"product_id": product_id, "quantity": quantity, **extra}
        return await self.ok("POST", "cart/lines", line)

    async def cart(self) -> Any:
        return await self.ok("GET", "cart")


@pytest.fixture
async def shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **storefront_settings()) as h:
        yield h


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def page_of(shop: ShopHarness, http: aiohttp.ClientSession) -> Any:
    """`page_of(user)`: that shopper's page, signed for them."""

    def page(user: FakeUser, **signing: Any) -> Page:
        return Page(http, storefront_url(shop), init_data_for(shop, user, **signing))

    return page


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """The run's headless Chromium (`browser` gives each test a fresh phone on it); skipped
    where Chromium is missing, except in CI."""
    missing = chromium_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run in CI: {missing}")
        pytest.skip(missing)
    session = Browser(tmp_path_factory.mktemp("browser"))
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture
async def browser(chromium: Browser, tmp_path: Path) -> AsyncIterator[Browser]:
    """A phone's headless Chromium, as no test before had used it."""
    await chromium.fresh_phone(tmp_path)
    yield chromium
