"""The storefront's API: signed shoppers only, one cart with the chat, the chat's checkout rules.

Each test runs the real bot against the stand-in with the storefront on, and calls the API as
the page does (tests/webapp/conftest.py: Page), beside the shopper's chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.services.promos import parse_new
from bot.standin.errors import INVOICE_PAYLOAD_INVALID
from bot.standin.harness import ShopHarness
from bot.store.models import Order, Payment, Product
from bot.usecases import sales_pause
from bot.webapp import api
from bot.webapp.init_data import sign_init_data
from tests.conftest import add_product
from tests.e2e.shopper import add_to_cart, open_order_summary
from tests.webapp.conftest import (
    Page,
    change_product,
    init_data_for,
    product_id,
    storefront_settings,
    storefront_url,
)

HOUR = 3600
PHOTO = Path(__file__).resolve().parents[2] / "data" / "photos" / "kit-mug-cer.png"


async def _stock(h: ShopHarness, sku: str) -> tuple[int, int]:
    async with h.store.reading() as uow:
        row = (
            await uow.session.execute(
                select(Product.stock, Product.reserved).where(Product.sku == sku)
            )
        ).one()
    return int(row[0]), int(row[1])


async def _orders(h: ShopHarness) -> list[tuple[int, str]]:
    async with h.store.reading() as uow:
        rows = await uow.session.execute(select(Order.id, Order.status).order_by(Order.id))
    return [(int(i), str(s)) for i, s in rows]


# ---------------------------------------------------------------- who may call


async def test_every_call_needs_fresh_initdata_signed_for_this_bot(
    shop: ShopHarness, http: aiohttp.ClientSession, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    mug = await product_id(shop, "KIT-MUG-CER")
    signed = init_data_for(shop, alice)
    refused = {
        "missing": (None, "no initData"),
        "tampered": (signed.replace("Alice", "Mallory"), "not signed by Telegram"),
        "another bot's": (sign_init_data("654321:OTHER", alice.user_json), "not signed by"),
        "expired": (
            init_data_for(shop, alice, auth_date=int(time.time()) - 2 * HOUR),
            "expired",
        ),
    }
    calls: list[tuple[str, str, Any]] = [
        ("GET", "categories", None),
        ("GET", "cart", None),
        ("POST", "cart/lines", {"product_id": mug, "quantity": 1}),
        ("POST", "checkout", None),
        ("GET", "orders/1", None),
    ]
    for init_data, reason in refused.values():
        page = Page(http, storefront_url(shop), init_data)
        for method, path, body in calls:
            status, answer = await page.call(method, path, body)
            assert status == 401 and reason in answer["error"], (method, path, answer)
    assert (await page_of(alice).cart())["lines"] == []  # nothing got through
    assert await _orders(shop) == []


async def test_the_page_is_small_has_no_secrets_and_names_its_files_by_content(
    shop: ShopHarness, http: aiohttp.ClientSession
) -> None:
    async with http.get(storefront_url(shop).rstrip("/"), allow_redirects=False) as moved:
        assert moved.status == 301 and moved.headers["Location"] == "/shop/"
    async with http.get(storefront_url(shop)) as response:
        page = await response.text()
        assert response.status == 200 and "frame-ancestors" not in response.headers.get(
            "Content-Security-Policy", ""
        )
        assert "connect-src 'self'" in response.headers["Content-Security-Policy"]
    assert "telegram-web-app.js" in page
    assert shop.standin.token not in page and shop.standin.token.split(":")[1] not in page
    size = 0
    for name in ("app.js", "app.css"):
        assert f"static/{name}?v=" in page and "{{" not in page
        async with http.get(storefront_url(shop) + f"static/{name}") as asset:
            body = await asset.read()
            assert asset.status == 200 and shop.standin.token.split(":")[1].encode() not in body
        size += len(body)
    assert size < 100 * 1024, f"the storefront's JavaScript and CSS weigh {size} bytes"
    async with http.get(storefront_url(shop) + "static/../../config.py") as escape:
        assert escape.status == 404


# ---------------------------------------------------------------- one cart with the chat


async def test_the_page_and_the_chat_share_one_cart(shop: ShopHarness, page_of: Any) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug = await product_id(shop, "KIT-MUG-CER")

    added = await page.add(mug, 2, shown_price=1600)
    assert added["done"] and added["notice"] == "Added 2 × Stoneware Mug 350ml to your cart."
    await alice.send("/cart")
    await alice.wait_for("2 × $16.00 = $32.00")

    await add_to_cart(alice, "COF-ESP-250")
    await alice.wait_for("Added 1 × Espresso Roast Beans")
    basket = await page.cart()
    assert [(line["sku"], line["quantity"]) for line in basket["lines"]] == [
        ("KIT-MUG-CER", 2),
        ("COF-ESP-250", 1),
    ]
    assert (basket["total_text"], basket["item_count"]) == ("$43.90", 3)
    assert basket["tax_texts"] == []  # a shop without TAX_RATE says no tax

    fewer = await page.ok("PUT", f"cart/lines/{mug}", {"quantity": 1})
    assert fewer["notice"] == "Stoneware Mug 350ml: 1 in your cart."
    await alice.send("/cart")
    await alice.wait_for("1 × $16.00 = $16.00")
    cleared = await page.ok("DELETE", "cart")
    assert cleared["cart"]["lines"] == [] and cleared["notice"] == "Your cart is now empty."
    await alice.send("/cart")
    await alice.wait_for("Your cart is empty")


async def test_a_line_the_chat_cleared_is_not_brought_back_by_the_pages_stepper(
    shop: ShopHarness, page_of: Any
) -> None:
    """Alice adds a mug in the page, clears the cart in the chat, then taps + on the mug line
    the page still shows: refused as in the chat, and the answer shows the cart as stored."""
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug = await product_id(shop, "KIT-MUG-CER")
    await page.add(mug, 1)
    await alice.send("/cart")
    await alice.wait_for("Clear cart")
    await alice.press("Clear cart")
    await shop.until_idle()

    answer = await page.ok("PUT", f"cart/lines/{mug}", {"quantity": 2})

    assert not answer["done"] and answer["notice"] == "That item is no longer in your cart."
    assert answer["cart"]["lines"] == [] and (await page.cart())["lines"] == []

    await page.add(mug, 1)  # and a line that is there still changes, answered as stored
    more = await page.ok("PUT", f"cart/lines/{mug}", {"quantity": 3})
    assert more["notice"] == "Stoneware Mug 350ml: 3 in your cart."
    assert more["cart"] == await page.cart()


async def test_a_shopper_reaches_only_their_own_cart_and_orders(
    shop: ShopHarness, page_of: Any
) -> None:
    alice, bob = shop.user(1001, "Alice"), shop.user(1002, "Bob")
    mug = await product_id(shop, "KIT-MUG-CER")
    await page_of(alice).add(mug, 1)
    invoice = await page_of(alice).ok("POST", "checkout")
    bobs: Page = page_of(bob)

    assert (await bobs.cart())["lines"] == []
    status, answer = await bobs.call("GET", f"orders/{invoice['order_id']}")
    assert (status, answer["error"]) == (404, "That order is not in your history.")
    assert (await bobs.ok("GET", "orders"))["orders"] == []
    taken = await bobs.ok("PUT", f"cart/lines/{mug}", {"quantity": 0})
    assert (taken["done"], taken["notice"]) == (False, "That item is no longer in your cart.")
    # Alice's order is untouched, and hers alone to pay.
    mine = await page_of(alice).ok("GET", f"orders/{invoice['order_id']}")
    assert mine["status"] == "awaiting_payment"
    stolen = await bob.pay_invoice_link(invoice["invoice_link"])
    assert not stolen.ok and "made for someone else" in (stolen.error_message or "")


async def test_the_order_history_comes_a_page_of_ten_at_a_time(
    shop: ShopHarness, page_of: Any
) -> None:
    """Alice checked out twelve times (each checkout replaces the order before it): the page
    gets her ten newest orders and is told older ones exist, then her first two."""
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    await page.add(await product_id(shop, "KIT-MUG-CER"), 1)
    placed = [(await page.ok("POST", "checkout"))["order_id"] for _ in range(12)]

    newest = await page.ok("GET", "orders")
    assert [o["id"] for o in newest["orders"]] == placed[::-1][:10]
    assert (newest["page"], newest["has_older"]) == (0, True)
    older = await page.ok("GET", "orders?page=1")
    assert [o["id"] for o in older["orders"]] == [placed[1], placed[0]]
    assert (older["page"], older["has_older"]) == (1, False)
    status, answer = await page.call("GET", "orders?page=-1")
    assert status == 400 and "page" in answer["error"]


# ---------------------------------------------------------------- the chat's rules


async def test_stock_and_sale_refusals_are_worded_as_in_the_chat(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    kettle = await product_id(shop, "KIT-KTL-GOO")
    await change_product(shop, "KIT-KTL-GOO", stock=2)

    product = await page.ok("GET", f"products/{kettle}")
    assert (product["stock_text"], product["max_quantity"]) == ("Only 2 left", 2)
    assert (await page.add(kettle, 1))["done"]
    refused = await page.add(kettle, 2)
    assert not refused["done"]
    assert refused["notice"] == "Sorry, only 2 left and 1 already in your cart."
    assert refused["cart"]["lines"][0]["quantity"] == 1
    # The chat says the very same thing for the very same cart.
    await add_to_cart(alice, "KIT-KTL-GOO")
    await alice.wait_for("1 × Gooseneck Kettle")
    sold_out = await page.add(kettle, 1)
    assert sold_out["notice"] == "Sorry, only 2 left and 2 already in your cart."

    await change_product(shop, "KIT-KTL-GOO", is_active=False)
    status, gone = await page.call("GET", f"products/{kettle}")
    assert (status, gone["error"]) == (404, "Sorry, that product is no longer available.")
    assert (await page.add(kettle, 1))["notice"] == "Sorry, that product is no longer available."
    assert (await page.cart())["lines"][0]["warning"] == (
        "no longer sold; it will be removed at checkout"
    )


async def test_checkout_asks_again_when_the_price_changed_since_the_page_showed_it(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug, beans = await product_id(shop, "KIT-MUG-CER"), await product_id(shop, "COF-ESP-250")
    await page.add(mug, 2, shown_price=1600)
    await change_product(shop, "KIT-MUG-CER", price=1800)
    await change_product(shop, "COF-ESP-250", price=1290)
    stale = await page.add(beans, 1, shown_price=1190)  # the page still showed the old price
    assert stale["notice"] == (
        "Added 1 × Espresso Roast Beans 250g to your cart. "
        "Note: its price has just changed from $11.90 to $12.90."
    )

    changed = await page.ok("POST", "checkout")
    assert changed["status"] == "changed"
    assert changed["changes"] == [
        "Stoneware Mug 350ml: the price changed from $16.00 to $18.00",
        "Espresso Roast Beans 250g: the price changed from $11.90 to $12.90",
    ]
    assert changed["cart"]["total_text"] == "$48.90"
    assert await _orders(shop) == []  # nothing held until the shopper has seen the new price
    again = await page.ok("POST", "checkout")
    assert again["status"] == "invoice" and again["total_text"] == "$48.90"


async def test_checkout_pays_only_the_cart_the_page_showed(shop: ShopHarness, page_of: Any) -> None:
    """The page sends back the fingerprint of the cart it showed: a cart changed meanwhile
    (in the chat, here) comes back to be looked at instead of an invoice for it."""
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    shown = await page.add(await product_id(shop, "KIT-MUG-CER"), 1)
    await add_to_cart(alice, "KIT-FRP-600")  # in the chat, while the page shows $16.00
    await shop.until_idle()

    changed = await page.ok("POST", "checkout", {"fingerprint": shown["cart"]["fingerprint"]})
    assert (changed["status"], changed["notice"], changed["changes"]) == (
        "changed",
        "Your cart changed just now. Please check out again.",
        [],
    )
    assert changed["cart"]["total_text"] == "$45.00"
    assert await _orders(shop) == []
    again = {"fingerprint": changed["cart"]["fingerprint"]}
    invoice = await page.ok("POST", "checkout", again)
    assert (invoice["status"], invoice["total_text"]) == ("invoice", "$45.00")


async def test_while_sales_are_paused_the_pages_checkout_gives_the_note_and_holds_nothing(
    shop: ShopHarness, page_of: Any
) -> None:
    assert shop.shop is not None
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    await page.add(await product_id(shop, "KIT-MUG-CER"), 1)  # the cart works as always
    await sales_pause.pause(shop.shop, 9001, "Stocktaking until Friday")
    status, refused = await page.call("POST", "checkout")
    closed = (
        "🌙 The shop is not taking orders right now: Stocktaking until Friday\n"
        "Your cart is kept, and I will tell you here when it opens again."
    )
    assert status == 409  # an error, in the words the page shows over every view
    assert refused == {"error": closed, "status": "refused", "notice": closed, "closed": closed}
    assert await _orders(shop) == [] and await _stock(shop, "KIT-MUG-CER") == (24, 0)
    await sales_pause.resume(shop.shop, 9001)
    assert (await page.ok("POST", "checkout"))["status"] == "invoice"


async def test_a_break_through_a_day_refuses_the_pages_checkout_with_its_end_and_holds_nothing(
    shop: ShopHarness, page_of: Any
) -> None:
    """/pause until=2036-12-27: the page's cart carries the chat's banner with the last day,
    and its checkout is a 409 error in the same words; nothing placed, nothing held. After
    /resume the same cart checks out."""
    assert shop.shop is not None
    bea: Page = page_of(shop.user(1002, "Bea", language_code="es"))
    await bea.add(await product_id(shop, "KIT-MUG-CER"), 1)
    await sales_pause.pause(shop.shop, 9001, "until=2036-12-27 Inventario")
    closed = (
        "🌙 La tienda se toma un descanso hasta el sáb, 27 dic 2036: puedes mirar y llenar tu "
        "carrito; el pago se reabre entonces.\nInventario"
    )
    assert (await bea.cart())["closed"] == closed
    status, refused = await bea.call("POST", "checkout")
    assert status == 409 and refused["error"] == closed and refused["closed"] == closed
    assert await _orders(shop) == [] and await _stock(shop, "KIT-MUG-CER") == (24, 0)
    await sales_pause.resume(shop.shop, 9001)
    assert (await bea.ok("POST", "checkout"))["status"] == "invoice"


async def test_the_cart_says_while_sales_are_paused_in_the_chats_words_and_not_once_open(
    shop: ShopHarness, page_of: Any
) -> None:
    """The page loads the cart on opening, after each change and on coming back: it says
    whether sales are paused, in the words the chat's order summary uses, in her language."""
    assert shop.shop is not None
    alice: Page = page_of(shop.user(1001, "Alice"))
    bea: Page = page_of(shop.user(1002, "Bea", language_code="es"))
    mug = await product_id(shop, "KIT-MUG-CER")
    assert (await alice.cart())["closed"] is None  # open: nothing to say

    await sales_pause.pause(shop.shop, 9001, "Back on Monday <img src=x onerror=alert(1)>")
    added = await alice.add(mug, 1)  # the cart works as always, and says so
    assert added["done"] and added["cart"]["item_count"] == 1
    assert added["cart"]["closed"] == (
        "🌙 The shop is not taking orders right now: Back on Monday <img src=x onerror=alert(1)>\n"
        "Your cart is kept, and I will tell you here when it opens again."
    )
    assert (await alice.cart())["closed"] == added["cart"]["closed"]
    assert (await bea.cart())["closed"] == (
        "🌙 La tienda no está aceptando pedidos ahora mismo: "
        "Back on Monday <img src=x onerror=alert(1)>\n"
        "Tu carrito se guarda, y te avisaré aquí cuando vuelva a abrir."
    )
    cleared = await alice.ok("DELETE", "cart")
    assert cleared["cart"]["closed"] == added["cart"]["closed"]

    await sales_pause.resume(shop.shop, 9001)  # paused again without a note: the words
    await sales_pause.pause(shop.shop, 9001, "")  # without one (/pause alone says the pause)
    assert (await alice.cart())["closed"] == (
        "🌙 The shop is not taking orders right now.\n"
        "Your cart is kept, and I will tell you here when it opens again."
    )

    await sales_pause.resume(shop.shop, 9001)
    assert (await alice.cart())["closed"] is None
    assert (await alice.add(mug, 1))["cart"]["closed"] is None


async def test_checkout_holds_the_stock_and_only_the_payment_fulfils_the_order(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug = await product_id(shop, "KIT-MUG-CER")
    await page.add(mug, 2)
    stock_before, _ = await _stock(shop, "KIT-MUG-CER")

    invoice = await page.ok("POST", "checkout")
    assert invoice["status"] == "invoice" and invoice["invoice_link"].startswith("https://t.me/$")
    assert (invoice["total"], invoice["currency"], invoice["total_text"]) == (3200, "USD", "$32.00")
    assert await _stock(shop, "KIT-MUG-CER") == (stock_before, 2)  # held, not sold
    link = shop.standin.invoice_link(invoice["invoice_link"])
    assert link is not None and link["need_shipping_address"] and link["is_flexible"]
    assert [p["amount"] for p in link["prices"]] == [3200]
    assert not [m for m in alice.messages if m.invoice is not None]  # no invoice in the chat
    order_id = invoice["order_id"]
    assert (await page.ok("GET", f"orders/{order_id}"))["status"] == "awaiting_payment"

    paid = await alice.pay_invoice_link(invoice["invoice_link"], shipping_option_id="express")
    assert paid.ok and paid.total_amount == 3200 + 1500
    receipt = await alice.wait_for("Payment received, thank you!")
    assert f"Order #{order_id}" in (receipt.text or "")
    await shop.until_idle()
    order = await page.ok("GET", f"orders/{order_id}")
    assert (order["status"], order["total_text"], order["shipping_text"]) == (
        "paid",
        "$47.00",
        "$15.00",
    )
    assert (order["total"], order["shipping_total"], order["currency"]) == (4700, 1500, "USD")
    assert [(line["line_total"], line["line_total_text"]) for line in order["lines"]] == [
        (3200, "$32.00")
    ]
    assert await _stock(shop, "KIT-MUG-CER") == (stock_before - 2, 0)
    assert (await page.cart())["lines"] == []
    again = await page.ok("POST", "checkout")
    assert (again["status"], again["notice"]) == (
        "empty",
        "Your cart is empty: add something first.",
    )
    async with shop.store.reading() as uow:
        assert await uow.session.scalar(select(func.count(Payment.id))) == 1


async def test_an_invoice_waiting_in_the_chat_comes_first(shop: ShopHarness, page_of: Any) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    await page.add(await product_id(shop, "KIT-MUG-CER"), 1)
    await open_order_summary(alice)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None)

    waiting = await page.ok("POST", "checkout")
    assert waiting["status"] == "waiting" and "/cancel" in waiting["notice"]

    # Once the chat has moved on, a checkout in the page replaces the chat's invoice.
    await alice.send("/catalog")
    await alice.wait_for("Pick a category")
    replaced = await page.ok("POST", "checkout")
    assert replaced["status"] == "invoice"
    assert await _orders(shop) == [(1, "cancelled"), (2, "awaiting_payment")]
    await shop.until_idle()
    assert not [m for m in alice.messages if m.invoice is not None]  # taken out of the chat


async def test_the_page_shows_her_own_held_cushions_as_hers_and_others_as_sold_out(
    shop: ShopHarness, page_of: Any
) -> None:
    """Both cushions held by Alice's invoice in the chat: on her page they are hers, on Bob's
    (who has them in his cart too) they are sold out, as the chat says it."""
    alice, bob = shop.user(1001, "Alice"), shop.user(1002, "Bob")
    cushion = await product_id(shop, "HOM-CSH-LIN")  # 2 in stock
    await page_of(bob).add(cushion, 2)
    await page_of(alice).add(cushion, 2)
    await open_order_summary(alice)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None)

    held = "🔒 2 held for your order #1 — its invoice waits in the chat"
    [line] = (await page_of(alice).cart())["lines"]
    assert (line["warning"], line["held_text"], line["available"]) == (None, held, 2)
    card = await page_of(alice).ok("GET", f"products/{cushion}")
    assert (card["held_text"], card["available"], card["stock_text"]) == (held, 2, "Only 2 left")

    [line] = (await page_of(bob).cart())["lines"]
    assert line["warning"] == "sold out; it will be removed at checkout"
    assert line["held_text"] is None
    card = await page_of(bob).ok("GET", f"products/{cushion}")
    assert (card["held_text"], card["available"], card["stock_text"]) == (None, 0, "Out of stock")


async def test_cushions_held_by_the_pages_checkout_do_not_point_to_an_invoice_in_the_chat(
    shop: ShopHarness, page_of: Any
) -> None:
    """The page's checkout opens its invoice from a link, so the chat has no invoice "above":
    the page and the chat say her order is unpaid and how to pay it."""
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    cushion = await product_id(shop, "HOM-CSH-LIN")  # 2 in stock
    await page.add(cushion, 2)
    assert (await page.ok("POST", "checkout"))["status"] == "invoice"

    held = "🔒 2 held for your unpaid order #1 — check out again to pay"
    [line] = (await page.cart())["lines"]
    assert (line["held_text"], line["available"]) == (held, 2)
    assert (await page.ok("GET", f"products/{cushion}"))["held_text"] == held

    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert f"{held}, or /cancel" in (cart.text or "")
    assert "invoice above" not in (cart.text or "")
    await open_order_summary(alice)  # and checking out again in the chat does pay it
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None)
    assert await _orders(shop) == [(1, "cancelled"), (2, "awaiting_payment")]


async def test_a_double_tap_on_checkout_holds_the_cart_once_and_only_one_link_pays(
    tmp_path: Path, seeded_database_url: str, http: aiohttp.ClientSession
) -> None:
    """Two checkouts of one cart at once (on PostgreSQL they used to be both held and both
    payable: the shopper charged twice, the stock taken twice)."""
    settings = storefront_settings()
    async with ShopHarness(tmp_path, database_url=seeded_database_url, **settings) as shop:
        alice = shop.user(1001, "Alice")
        page = Page(http, storefront_url(shop), init_data_for(shop, alice))
        await page.add(await product_id(shop, "KIT-MUG-CER"), 2)

        answers = await asyncio.gather(page.ok("POST", "checkout"), page.ok("POST", "checkout"))

        assert [a["status"] for a in answers] == ["invoice", "invoice"]  # the later replaced...
        assert await _orders(shop) == [(1, "cancelled"), (2, "awaiting_payment")]
        assert await _stock(shop, "KIT-MUG-CER") == (24, 2)  # ...the other: held once
        paid = [await alice.pay_invoice_link(a["invoice_link"]) for a in answers]
        await shop.until_idle()
        assert sorted(p.ok for p in paid) == [False, True]
        assert "Order #1 has expired or was cancelled" in str([p.error_message for p in paid])
        assert await _orders(shop) == [(1, "cancelled"), (2, "paid")]
        assert await _stock(shop, "KIT-MUG-CER") == (22, 0)  # sold once


async def test_an_invoice_link_telegram_refuses_lets_the_stock_go(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    await page.add(await product_id(shop, "KIT-MUG-CER"), 1)
    shop.standin.faults.error("createInvoiceLink", INVOICE_PAYLOAD_INVALID, times=1)
    refused = await page.ok("POST", "checkout")
    assert refused == {
        "status": "refused",
        "notice": "Sorry, we couldn't create your invoice just now. Please try again.",
    }
    assert await _orders(shop) == [(1, "cancelled")]
    assert (await _stock(shop, "KIT-MUG-CER"))[1] == 0
    assert (await page.ok("POST", "checkout"))["status"] == "invoice"


async def test_a_stars_shop_sells_digital_goods_through_the_page(tmp_path: Path) -> None:
    from bot.demo import STARS_DEMO

    settings = storefront_settings(currency="XTR", payment_provider_token="")
    async with (
        ShopHarness(tmp_path, catalog_path=STARS_DEMO.catalog_path, **settings) as shop,
        aiohttp.ClientSession() as http,
    ):
        alice = shop.user(1001, "Alice")
        page = Page(http, storefront_url(shop), init_data_for(shop, alice))
        guide = await product_id(shop, "STR-GDE-ESP")
        added = await page.add(guide, 1)
        assert added["cart"]["total_text"].startswith("⭐") and not added["cart"]["needs_shipping"]
        invoice = await page.ok("POST", "checkout")
        link = shop.standin.invoice_link(invoice["invoice_link"])
        assert link is not None and link["currency"] == "XTR" and len(link["prices"]) == 1
        assert link["provider_token"] == ""
        paid = await alice.pay_invoice_link(invoice["invoice_link"])
        assert paid.ok
        await alice.wait_for("Payment received")
        await alice.wait_for(lambda m: m.document is not None)  # the guide, in the chat
        await shop.until_idle()
        assert (await page.ok("GET", f"orders/{invoice['order_id']}"))["status"] == "delivered"


async def test_a_stars_shop_says_in_the_cart_that_a_mug_cannot_ship_and_offers_no_checkout(
    tmp_path: Path,
) -> None:
    """Alice, in a Telegram Stars shop, puts a mug (goods to ship) in her cart next to a
    guide: the cart says at once, in the chat's words, that it must go (a Stars invoice asks
    for no address), and its checkout is off; once the mug is out, nothing is said."""
    from bot.demo import STARS_DEMO

    settings = storefront_settings(currency="XTR", payment_provider_token="")
    async with (
        ShopHarness(tmp_path, catalog_path=STARS_DEMO.catalog_path, **settings) as shop,
        aiohttp.ClientSession() as http,
    ):
        page = Page(http, storefront_url(shop), init_data_for(shop, shop.user(1001, "Alice")))
        mug = await add_product(shop.store, "STR-MUG", price=300, currency="XTR", title="Star Mug")
        guide = await product_id(shop, "STR-GDE-ESP")
        added = await page.add(guide, 1)
        assert added["cart"]["unshippable_text"] is None  # a guide: nothing to ship
        added = await page.add(mug, 1)
        says = (
            "Star Mug must be shipped, and Telegram Stars invoices cannot ask for a shipping"
            " address. Please remove it from your cart."
        )
        assert added["cart"]["unshippable_text"] == says
        assert (await page.cart())["unshippable_text"] == says
        await page.ok("PUT", f"cart/lines/{mug}", {"quantity": 0})
        assert (await page.cart())["unshippable_text"] is None


# ---------------------------------------------------------------- bad requests, too many


async def test_requests_the_api_cannot_read_get_a_clear_400(
    shop: ShopHarness, page_of: Any, http: aiohttp.ClientSession
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    cases: list[tuple[str, str, Any, str]] = [
        ("POST", "cart/lines", {"quantity": 1}, "product_id is required."),
        ("POST", "cart/lines", {"product_id": "mug"}, "product_id must be a whole number."),
        ("POST", "cart/lines", ["not", "an", "object"], "The body must be a JSON object."),
        ("PUT", "cart/lines/1", {"quantity": 1.5}, "quantity must be a whole number."),
        ("POST", "cart/lines", {"product_id": 1, "quantity": 0}, "quantity must be from 1."),
        ("POST", "cart/lines", {"product_id": 1, "quantity": -5}, "quantity must be from 1."),
        ("POST", "cart/lines", {"product_id": 1, "shown_price": -1}, "shown_price must be from 0."),
        ("PUT", "cart/lines/1", {"quantity": -1}, "quantity must be from 0."),
        ("GET", "categories/1?page=-1", None, "page must be a whole number from 0."),
        (
            "GET",
            "categories/1?sort=cheapest",
            None,
            "sort must be one of: name, price, price_desc, newest, rating.",
        ),
        ("GET", "categories/1?in_stock=yes", None, "in_stock must be 0 or 1."),
    ]
    for method, path, body, message in cases:
        assert await page.call(method, path, body) == (400, {"error": message})
    headers = {"Authorization": f"tma {page.init_data}", "Content-Type": "application/json"}
    url = storefront_url(shop) + "api/cart/lines"
    async with http.post(url, data=b"{not json", headers=headers) as response:
        assert response.status == 400
        assert await response.json() == {"error": "The body must be a JSON object."}
    async with http.post(url, data=b"[" * 5000, headers=headers) as response:
        assert (response.status, await response.json()) == (
            400,
            {"error": "The body is too large."},
        )
    assert (await page.cart())["lines"] == []  # none of them added anything
    assert await page.call("GET", "no-such-thing") == (
        404,
        {"error": "The shop has nothing at this address."},
    )
    status, answer = await page.call("GET", "categories/999")
    assert (status, answer["error"]) == (404, "That category is empty now.")
    # Said in the shopper's language, as every other answer is.
    boris: Page = page_of(shop.user(1601, "Boris", language_code="ru"))
    assert await boris.call("POST", "cart/lines", {"quantity": 1}) == (
        400,
        {"error": "Нужно указать product_id."},
    )
    assert await boris.call("GET", "categories/1?page=x") == (
        400,
        {"error": "page: нужно целое число не меньше 0."},
    )
    assert await boris.call("GET", "categories/1?sort=cheapest") == (
        400,
        {"error": "sort: одно из name, price, price_desc, newest, rating."},
    )
    # An address the API does not have, or a method it does not take there, too.
    assert await boris.call("GET", "no-such-thing") == (
        404,
        {"error": "По этому адресу в магазине ничего нет."},
    )
    assert await boris.call("PATCH", "cart") == (
        405,
        {"error": "Этот адрес не принимает запросы PATCH."},
    )
    # Without initData (a page opened outside Telegram), in the browser's language.
    spanish = {"Accept-Language": "es-AR,es;q=0.9"}
    async with http.delete(storefront_url(shop) + "api/orders", headers=spanish) as response:
        assert (response.status, response.headers["Allow"]) == (405, "GET")
        assert await response.json() == {"error": "Esta dirección no acepta solicitudes DELETE."}


async def test_ids_beyond_the_database_are_unknown_and_a_page_is_plain_digits(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """An id wider than the database's 64 bits names nothing (404, as an unknown one), and
    "²" is no page number (400): neither leaves a traceback in the log, on either database.
    Photos need no sign-in, so anyone could otherwise fill the log."""
    caplog.set_level(logging.ERROR)
    huge = "9" * 19  # > 2**63 - 1
    async with (
        ShopHarness(tmp_path, database_url=database_url, **storefront_settings()) as shop,
        aiohttp.ClientSession() as http,
    ):
        page = Page(http, storefront_url(shop), init_data_for(shop, shop.user(1001, "Alice")))
        async with http.get(storefront_url(shop) + f"photos/{huge}") as response:
            assert response.status == 404
        refusals = [
            ("GET", f"products/{huge}", 404, "Sorry, that product is no longer available."),
            ("GET", f"categories/{huge}", 404, "That category is empty now."),
            ("GET", f"orders/{huge}", 404, "That order is not in your history."),
            ("PUT", f"cart/lines/{huge}", 404, "Sorry, that product is no longer available."),
            ("GET", "search?q=mug&page=%C2%B2", 400, "page must be a whole number from 0."),
            ("GET", "categories/1?page=%C2%B2", 400, "page must be a whole number from 0."),
        ]
        for method, path, status, error in refusals:
            body = {"quantity": 1} if method == "PUT" else None
            assert await page.call(method, path, body) == (status, {"error": error}), path
    assert not caplog.records


async def test_a_shopper_calling_too_fast_is_asked_to_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "RATE_BURST", 3)
    monkeypatch.setattr(api, "RATE_PER_SECOND", 0.01)
    async with (
        ShopHarness(tmp_path, **storefront_settings()) as shop,
        aiohttp.ClientSession() as http,
    ):
        alice, bob = shop.user(1001, "Alice"), shop.user(1002, "Bob")
        page = Page(http, storefront_url(shop), init_data_for(shop, alice))
        assert [(await page.call("GET", "cart"))[0] for _ in range(3)] == [200, 200, 200]
        headers = {"Authorization": f"tma {page.init_data}"}
        async with http.get(storefront_url(shop) + "api/cart", headers=headers) as response:
            assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
            assert (await response.json())["error"].startswith("Too many requests")
        bobs = Page(http, storefront_url(shop), init_data_for(shop, bob))
        assert (await bobs.call("GET", "cart"))[0] == 200  # each shopper has their own share


# ---------------------------------------------------------------- photos


async def test_photos_are_served_for_products_on_sale(
    shop: ShopHarness, http: aiohttp.ClientSession
) -> None:
    mug = await product_id(shop, "KIT-MUG-CER")
    photo = PHOTO.read_bytes()
    async with http.get(storefront_url(shop) + f"photos/{mug}") as response:
        assert (response.status, response.content_type) == (200, "image/png")
        assert await response.read() == photo

    # A photo an admin sent in the chat lives at Telegram: fetched by its file_id.
    alice = shop.user(1001, "Alice")
    sent = await shop.app.bot.send_photo(alice.user_id, photo=b"\x89PNG\r\n\x1a\nfake-photo")
    await change_product(shop, "KIT-MUG-CER", photo=sent.photo[-1].file_id, photo_file_id=None)
    async with http.get(storefront_url(shop) + f"photos/{mug}") as response:
        assert response.status == 200 and await response.read() == b"\x89PNG\r\n\x1a\nfake-photo"

    await change_product(shop, "KIT-MUG-CER", photo="https://cdn.example/mug.jpg")
    async with http.get(storefront_url(shop) + f"photos/{mug}", allow_redirects=False) as moved:
        assert (moved.status, moved.headers["Location"]) == (302, "https://cdn.example/mug.jpg")
    await change_product(shop, "KIT-MUG-CER", is_active=False)
    async with http.get(storefront_url(shop) + f"photos/{mug}") as response:
        assert response.status == 404


async def test_a_code_kept_from_a_link_comes_off_what_the_page_pays(
    shop: ShopHarness, page_of: Any
) -> None:
    """The page pays through the chat's checkout: a code the shopper brought from a link is
    on the invoice, and one that stopped applying is named as a change before anything is
    held."""
    alice = shop.user(1001, "Alice")
    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["TEN", "10%", "min=30.00"], "USD").to_model())
    await alice.send("/start promo_TEN")
    await alice.wait_for("Code TEN is saved")
    page: Page = page_of(alice)
    mug = await product_id(shop, "KIT-MUG-CER")
    await page.add(mug, 1)  # $16.00: below the code's minimum

    changed = await page.ok("POST", "checkout")
    assert changed["status"] == "changed"
    assert changed["changes"] == [
        "The code TEN needs an order of at least $30.00 (yours is $16.00). "
        "The code was taken off your order."
    ]
    assert await _orders(shop) == []

    await alice.send("/start promo_TEN")
    await alice.wait_for("Code TEN is saved")
    await page.add(mug, 2)  # three mugs, $48.00, now
    invoice = await page.ok("POST", "checkout")
    assert invoice["status"] == "invoice" and invoice["total_text"] == "$43.20"
    link = shop.standin.invoice_link(invoice["invoice_link"])
    assert link is not None and [p["amount"] for p in link["prices"]] == [4800, -480]
    order = await page.ok("GET", f"orders/{invoice['order_id']}")
    assert (order["discount_text"], order["total_text"]) == ("Discount (TEN): −$4.80", "$43.20")


async def test_the_pages_checkout_spends_the_gift_card_the_chat_put_on_the_cart(
    shop: ShopHarness, page_of: Any
) -> None:
    """Alice types a $20.00 gift card on the chat's summary; the page's checkout spends it by
    the same rule: a mug to ship keeps an invoice ($1.00, the card's part a negative line),
    a guide it covers is paid by the card alone, with no invoice and the receipt in the chat."""
    from bot.store.models import GiftCard

    async with shop.store.uow() as uow:
        await uow.gift_cards.add(
            GiftCard(code="K7QF-2MXR-9TBA", currency="USD", initial_amount=2000, balance=2000)
        )
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    await add_to_cart(alice, "KIT-MUG-CER")  # $16.00
    await open_order_summary(alice)
    await alice.press("🏷 Promo code")
    await alice.send("k7qf2mxr9tba")
    await alice.wait_for("Gift card K7QF-…-9TBA applied: −$15.00 ($5.00 left on the card).")

    invoice = await page.ok("POST", "checkout")
    assert (invoice["status"], invoice["total"]) == ("invoice", 100)
    link = shop.standin.invoice_link(invoice["invoice_link"])
    assert link is not None and [p["amount"] for p in link["prices"]] == [1600, -1500]
    paid = await alice.pay_invoice_link(invoice["invoice_link"], shipping_option_id="standard")
    assert paid.ok
    await alice.wait_for("Payment received, thank you!")
    mine = await page.ok("GET", f"orders/{invoice['order_id']}")
    assert (mine["gift_card_text"], mine["total_text"]) == (
        "Gift card K7QF-…-9TBA: −$15.00",
        "$6.00",
    )

    await page.add(await product_id(shop, "DIG-PLN-WKL"), 1)  # $5.00, a download
    await open_order_summary(alice)
    await alice.press("🏷 Promo code")
    await alice.send("K7QF-2MXR-9TBA")
    await alice.wait_for("🎁 Pay with the gift card")
    answer = await page.ok("POST", "checkout")
    assert (answer["status"], answer["total"]) == ("paid", 0)
    receipt = await alice.wait_for(
        lambda m: "Payment received" in (m.text or "") and "−$5.00" in (m.text or "")
    )
    assert "Gift card K7QF-…-9TBA: −$5.00" in (receipt.text or "")
    assert (await page.ok("GET", f"orders/{answer['order_id']}"))["status"] in ("paid", "delivered")
    async with shop.store.reading() as uow:
        card = await uow.gift_cards.by_code("K7QF-2MXR-9TBA")
    assert card is not None and card.balance == 0
