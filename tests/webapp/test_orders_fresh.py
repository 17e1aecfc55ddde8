"""The storefront's list of her orders is the shop's as it is now: an order delivered or a new
one made while the page stayed open shows when she comes back to the list (Back from an
order) or to the page (shown again), without reloading it."""

from __future__ import annotations

from sqlalchemy import update

from bot.standin.harness import ShopHarness
from bot.store.models import Order
from tests.e2e.shopper import past_order
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, storefront_url


async def _moved(shop: ShopHarness, order_id: int, status: str) -> None:
    """An admin moved the order meanwhile (in the chat, on another worker)."""
    async with shop.store.uow() as uow:
        await uow.session.execute(update(Order).where(Order.id == order_id).values(status=status))


async def test_her_orders_list_shows_what_changed_while_the_page_stayed_open(
    shop: ShopHarness, browser: Browser
) -> None:
    paid = await past_order(shop, 1001, {"KIT-MUG-CER": 1}, status="paid")
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click("#to-orders")
    await browser.find(f".order-row[data-order-id='{paid}']", "✅ Paid")
    await browser.click(f".order-row[data-order-id='{paid}']")
    await browser.find("#title", f"Order #{paid}")

    await _moved(shop, paid, "delivered")
    newer = await past_order(shop, 1001, {"KIT-KTL-GOO": 1}, status="shipped")
    await browser.js("window.__tg.pressBack()")  # back to the list: as it is now
    await browser.find(f".order-row[data-order-id='{paid}']", "📦 Delivered")
    await browser.find(f".order-row[data-order-id='{newer}']", "🚚 Shipped")

    await _moved(shop, newer, "delivered")  # the page hidden meanwhile, then shown again
    await browser.js("document.dispatchEvent(new Event('visibilitychange'))")
    await browser.find(f".order-row[data-order-id='{newer}']", "📦 Delivered")
    rows = await browser.js(
        "return [...document.querySelectorAll('.order-row')].map((r) => r.dataset.orderId)"
    )
    assert rows == [str(newer), str(paid)]  # newest first, each once
