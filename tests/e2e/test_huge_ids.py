"""Ids wider than the database's (row ids are 32-bit on PostgreSQL) in button data, deep links
and the storefront's requests: a clear "not found" or "expired", never an overflow error, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest

from bot.standin.harness import ShopHarness
from bot.store.ids import MAX_ROW_ID
from tests.e2e.conftest import ADMIN_ID
from tests.webapp.conftest import (
    Page,
    init_data_for,
    product_id,
    storefront_settings,
    storefront_url,
)

WIDE = MAX_ROW_ID + 1  # one past what an id column holds on PostgreSQL
ENDLESS = "9" * 5000  # more digits than int() takes from a text (4,300)
WIDER = 999_999_999_999  # the most digits button data carries
WIDEST = 10**20  # more than 64 bits


SHOPPER_DATA = [
    f"1:p:{WIDE}:1",
    f"1:p:1:1:{WIDE}",
    f"1:add:{WIDE}:1",
    f"1:add:1:{WIDER}",
    f"1:inc:{WIDE}",
    f"1:dec:{WIDER}",
    f"1:rm:{WIDE}",
    f"1:cat:{WIDE}:0",
    f"1:cat:1:{WIDER}",
    f"1:sp:{WIDER}",
    f"1:ords:{WIDER}",
    f"1:ord:{WIDE}:0",
    f"1:dl:{WIDE}:{WIDE}",
    f"1:ask:{WIDE}",
    f"1:nm:{WIDE}",
    f"1:nmx:{WIDER}",
    f"1:pay:{WIDER}:{WIDER}:{WIDER}",
    f"1:ord:{WIDEST}:0",
]
ADMIN_DATA = [
    f"1:AOO:{WIDE}",
    f"1:AOS:{WIDE}",
    f"1:AOD:{WIDER}",
    f"1:AOC:{WIDE}",
    f"1:AOY:{WIDE}",
    f"1:AOR:{WIDE}",
    f"1:AOA:{WIDE}",
    f"1:AOP:{WIDER}",
    f"1:APX:{WIDE}",
    f"1:ASX:{WIDE}",
    f"1:APL:{WIDER}",
    f"1:AOL:all:{WIDER}",
]


async def test_forged_buttons_with_ids_too_wide_for_the_database_are_answered(
    harness_on_each_backend: ShopHarness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness_on_each_backend
    alice, ada = h.user(1001, "Alice"), h.user(ADMIN_ID, "Ada")
    await alice.send("/start")
    menu = await alice.wait_for("Welcome")
    await ada.send("/admin")
    admin_menu = await ada.wait_for("Admin")
    with caplog.at_level(logging.ERROR):
        for data in SHOPPER_DATA:
            answer = await alice.press_data(menu, data)
            assert "went wrong" not in (answer.text or ""), data
        for data in ADMIN_DATA:
            answer = await ada.press_data(admin_menu, data)
            assert "went wrong" not in (answer.text or ""), data
        await h.until_idle()
    assert not caplog.records, [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("order_id", [WIDE, WIDER, WIDEST])
async def test_an_order_link_with_a_too_wide_id_is_not_in_her_history(
    harness_on_each_backend: ShopHarness, order_id: int
) -> None:
    alice = harness_on_each_backend.user(1001, "Alice")
    await alice.send(f"/start order-{order_id}")
    await alice.wait_for("That order is not in your history.")


async def test_the_storefront_answers_too_wide_ids_as_unknown_ones(
    tmp_path: Path, seeded_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The Mini App's paths and bodies: 404 or 400 as for any unknown id, never a 500."""
    caplog.set_level(logging.ERROR)
    async with (
        ShopHarness(tmp_path, database_url=seeded_database_url, **storefront_settings()) as shop,
        aiohttp.ClientSession() as http,
    ):
        page = Page(http, storefront_url(shop), init_data_for(shop, shop.user(1001, "Alice")))
        async with http.get(storefront_url(shop) + f"photos/{WIDE}?variant={WIDE}") as response:
            assert response.status == 404
        mug = await product_id(shop, "KIT-MUG-CER")
        calls: list[tuple[str, str, dict[str, int] | None]] = [
            ("GET", f"products/{WIDE}", None),
            ("GET", f"categories/{WIDE}", None),
            ("GET", f"orders/{WIDE}", None),
            ("GET", f"orders/{ENDLESS}", None),  # past the digits Python turns into an int
            ("POST", f"orders/{WIDE}/cancel", None),
            ("POST", f"orders/{ENDLESS}/cancel", None),
            ("PUT", f"cart/lines/{WIDE}", {"quantity": 1}),
            ("PUT", f"cart/lines/{mug}", {"quantity": 1, "variant_id": WIDE}),
            ("POST", "cart/lines", {"product_id": WIDE, "quantity": 1}),
            ("POST", "cart/lines", {"product_id": mug, "quantity": 1, "variant_id": WIDER}),
        ]
        for method, path, body in calls:
            status, answer = await page.call(method, path, body)
            refused = status in (400, 404) and "error" in answer
            assert refused or answer.get("notice"), (path, body, status, answer)
    assert not caplog.records, [r.getMessage() for r in caplog.records]
