"""An order paid in Telegram's form but not yet confirmed by the shop: the page keeps asking
(less often the longer it takes) until the order is settled or the shopper leaves, asks
nothing while hidden, and asks at once when the shopper comes back.

The page's clock runs fast once `window.hurry` is set: its waits between two looks at the
order (1.5 to 15 seconds) pass in a blink, so minutes of a slow shop pass in a second or two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin.harness import ShopHarness
from bot.webapp import api
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import add_to_cart
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, storefront_settings, storefront_url
from tests.webapp.test_paying import check_out

# Once `window.hurry` is set, the page's waits from 1.5 s up to (not including) its 20 s of
# patience for an answer run 1000 times faster; a page can be made to look hidden, too.
FAST_CLOCK = """
(() => {
  const later = window.setTimeout.bind(window);
  window.hurry = false;
  window.setTimeout = (fn, ms, ...args) =>
    later(fn, window.hurry && ms >= 1500 && ms < 20000 ? ms / 1000 : ms, ...args);
  window.hide = (hidden) => Object.defineProperty(
    document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
})();
"""
LOOKS = "window.__tg.started('GET api/orders/')"
# Looks at the order fail as the network would (window.refuse = 'offline') or carry initData
# that is no longer good (window.refuse = 'signed out').
OFFLINE_FOR_ORDERS = """
const fetchNow = window.fetch;
window.refuse = 'offline';
window.lost = 0;
window.fetch = (url, options) => {
  if (!String(url).includes('api/orders/')) return fetchNow(url, options);
  if (window.refuse === 'offline') {
    window.lost += 1;
    return Promise.reject(new TypeError('Failed to fetch'));
  }
  return fetchNow(url, { ...options, headers: { Authorization: 'tma expired' } });
};
"""


@pytest.fixture
async def shop(
    tmp_path: Path, seeded_sqlite: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ShopHarness]:
    """The shop, letting the page ask as often as its hurried clock has it ask (a minute of
    looks in a second or two); at a real clock's pace its share is never used up."""
    monkeypatch.setattr(api, "RATE_PER_SECOND", 1000.0)
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **storefront_settings()) as h:
        yield h


WAITING = "Payment sent: waiting for the shop to confirm it…"


async def test_a_slow_confirmation_is_awaited_and_coming_back_shows_it(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await alice.wait_for("Added 1 × Stoneware Mug")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice), phone=FAST_CLOCK)
    await browser.click("#to-cart")
    link = await check_out(browser, 1)

    # Telegram's form says paid, but the shop has not heard yet: the page waits, and keeps
    # asking well past the minute it used to give up after (41 looks).
    await browser.js("window.__tg.invoiceClosed('paid')")
    await browser.find("#order[data-status='awaiting_payment']", WAITING)
    await browser.js("window.hurry = true")
    await browser.until(f"{LOOKS} > 50", "the order asked about past a minute")

    # Alice leaves the app (the page is hidden); the payment arrives meanwhile.
    await browser.js("window.hide(true); document.dispatchEvent(new Event('visibilitychange'))")
    paid = await alice.pay_invoice_link(link)
    assert paid.ok
    await alice.wait_for("Payment received, thank you!")
    await shop.until_idle()

    # Back in the app, the order's page shows it paid, and the cart it emptied.
    await browser.js("window.hide(false); window.__tg.fire('activated')")
    await browser.find("#order[data-status='paid']", "Thank you!")
    await browser.until("document.getElementById('cart-count').textContent === '0'", "cart 0")


async def test_a_page_signed_out_while_waiting_says_to_open_it_again(
    shop: ShopHarness, browser: Browser
) -> None:
    """Looks that the network loses are tried again quietly; once the shop no longer knows
    the page (its initData expired: 401), it says so instead of asking for ever."""
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await alice.wait_for("Added 1 × Stoneware Mug")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice), phone=FAST_CLOCK)
    await browser.click("#to-cart")
    await check_out(browser, 1)
    await browser.js("window.__tg.invoiceClosed('paid')")
    await browser.find("#order[data-status='awaiting_payment']", WAITING)

    # The phone is offline for a few looks: the page keeps waiting.
    await browser.js(OFFLINE_FOR_ORDERS)
    await browser.js("window.hurry = true")
    await browser.until("window.lost > 5", "looks lost offline")
    await browser.find("#order[data-status='awaiting_payment']", WAITING)
    # Then each look is refused as signed out: the page says to open the shop again.
    await browser.js("window.refuse = 'signed out'")
    await browser.find("#view .hint", "Close the shop and open it again from the chat.")


# The cart fails to load as an offline phone's would, until `window.cartOffline` is cleared.
OFFLINE_FOR_THE_CART = """
const fetchBefore = window.fetch;
window.cartOffline = true;
window.cartLost = 0;
window.fetch = (url, options) => {
  if (!window.cartOffline || !String(url).endsWith('api/cart')) return fetchBefore(url, options);
  window.cartLost += 1;
  return Promise.reject(new TypeError('Failed to fetch'));
};
"""


async def test_a_cart_count_the_network_lost_after_paying_is_marked_and_asked_again(
    shop: ShopHarness, browser: Browser
) -> None:
    """Alice pays; the page sees her order paid, but the phone loses the cart it asks for
    then. The header's count does not go on claiming her bought mug is still in the cart as
    if that were current: it is marked not up to date, and asked for again until it is 0."""
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await alice.wait_for("Added 1 × Stoneware Mug")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice), phone=FAST_CLOCK)
    await browser.click("#to-cart")
    link = await check_out(browser, 1)
    await browser.js("window.__tg.invoiceClosed('paid')")
    await browser.find("#order[data-status='awaiting_payment']", WAITING)
    await browser.js(OFFLINE_FOR_THE_CART)
    assert (await alice.pay_invoice_link(link)).ok
    await alice.wait_for("Payment received, thank you!")
    await shop.until_idle()

    await browser.js("window.hurry = true")
    await browser.find("#order[data-status='paid']", "Thank you!")
    await browser.until("window.cartLost > 2", "the cart asked for again")
    stale = "document.getElementById('cart-count').classList.contains('stale')"
    assert await browser.js(f"return {stale}")
    assert await browser.js("return document.getElementById('to-cart').title")

    await browser.js("window.cartOffline = false")
    await browser.until(
        f"document.getElementById('cart-count').textContent === '0' && !{stale}", "cart 0"
    )
    assert not await browser.js("return document.getElementById('to-cart').title")
