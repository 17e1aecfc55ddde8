"""Where the storefront opens from (menu button, /start, /shop), where it is served (beside the
webhook, or on WEBAPP_PORT when polling), and what happens without WEBAPP_URL."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest

from bot.config import ConfigError, load_settings
from bot.standin.harness import LOOPBACK, ShopHarness, free_port
from bot.webapp.limits import RateLimiter
from tests.webapp.conftest import WEBAPP_URL, Page, init_data_for, storefront_settings

TOKEN = "123456:ABC-secret"


async def test_the_menu_button_start_and_shop_open_the_storefront(shop: ShopHarness) -> None:
    alice = shop.user(1001, "Alice")
    assert alice.menu_button == {"type": "web_app", "text": "Shop", "web_app": {"url": WEBAPP_URL}}
    assert shop.standin.commands()[:2] == ["start", "shop"]

    await alice.send("/start")
    welcome = await alice.wait_for("Welcome to the shop")
    assert welcome.all_buttons[0].label == "🛍 Open the shop"
    assert welcome.all_buttons[0].web_app == WEBAPP_URL
    await alice.send("/shop")
    page = await alice.wait_for("The whole shop on one page")
    assert [b.web_app for b in page.all_buttons][:1] == [WEBAPP_URL]
    await alice.send("/help")
    await alice.wait_for("/shop opens the whole shop as a page")


async def test_without_webapp_url_the_storefront_is_off_and_the_bot_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = free_port()
    caplog.set_level(logging.INFO, logger="bot.handlers.menu")
    async with (
        ShopHarness(tmp_path, metrics_port=metrics, webhook_listen=LOOPBACK) as shop,
        aiohttp.ClientSession() as http,
    ):
        alice = shop.user(1001, "Alice")
        off = [r for r in caplog.records if "storefront (Mini App) is off" in r.getMessage()]
        assert len(off) == 1
        assert alice.menu_button == {"type": "commands"}
        assert "shop" not in shop.standin.commands()
        await alice.send("/start")
        welcome = await alice.wait_for("Welcome to the shop")
        assert not [b for b in welcome.all_buttons if b.web_app]
        await alice.send("/shop")
        await alice.wait_for("This shop has no shop page yet: /catalog shows everything")
        async with http.get(f"http://{LOOPBACK}:{metrics}/shop/") as response:
            assert response.status == 404
        async with http.get(f"http://{LOOPBACK}:{metrics}/healthz") as response:
            assert response.status == 200


async def test_in_webhook_mode_the_storefront_is_served_beside_the_webhook(
    tmp_path: Path,
) -> None:
    settings = storefront_settings()
    async with (
        ShopHarness(tmp_path, mode="webhook", **settings) as shop,
        aiohttp.ClientSession() as http,
    ):
        assert shop.settings is not None
        beside_webhook = f"http://{LOOPBACK}:{shop.settings.webhook_port}/shop/"
        alice = shop.user(1001, "Alice")
        page = Page(http, beside_webhook, init_data_for(shop, alice))
        assert (await page.ok("GET", "categories"))["categories"]
        with pytest.raises(aiohttp.ClientConnectorError):  # WEBAPP_PORT is for polling only
            await http.get(f"http://{LOOPBACK}:{settings['webapp_port']}/shop/")


def test_webapp_settings_are_checked_at_start_up() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    assert (settings.storefront_on, settings.webapp_port, settings.webapp_auth_max_age) == (
        False,
        8080,
        3600,
    )
    on = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "WEBAPP_URL": "https://shop.example.com/shop",
            "WEBAPP_PORT": "9000",
            "WEBAPP_AUTH_MAX_AGE": "600",
        },
        env_file=None,
    )
    assert on.webapp_url == "https://shop.example.com/shop/"  # the page's addresses are relative
    assert (on.storefront_on, on.webapp_port, on.webapp_auth_max_age) == (True, 9000, 600)
    with pytest.raises(ConfigError, match="WEBAPP_URL must be the storefront's public https"):
        load_settings({"BOT_TOKEN": TOKEN, "WEBAPP_URL": "http://shop.example.com/"}, None)
    with pytest.raises(ConfigError, match="WEBAPP_AUTH_MAX_AGE"):
        load_settings({"BOT_TOKEN": TOKEN, "WEBAPP_AUTH_MAX_AGE": "0"}, None)


def test_each_shopper_has_a_burst_then_a_steady_pace() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    assert [limiter.wait_needed(1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_needed(1) == pytest.approx(0.5)
    assert limiter.wait_needed(2) == 0.0  # another shopper is not held up
    now[0] = 0.5
    assert limiter.wait_needed(1) == 0.0
    assert limiter.wait_needed(1) == pytest.approx(0.5)
    now[0] = 100.0
    assert [limiter.wait_needed(1) for _ in range(4)][-1] > 0  # full again, never more
