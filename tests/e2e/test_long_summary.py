"""A big order with long names: Alice fills her cart with 40 products whose titles are as long
as the catalog allows. Whole, they would make her cart and her order summary longer than the
4,096 UTF-16 units Telegram takes in a message (the stand-in refuses such a text, as Telegram
does): both show every line with its title cut short ("…"), and she can still pay for all
40, her receipt naming each, and Ada the admin's new-order alert naming each too."""

from __future__ import annotations

from bot.clipping import telegram_length
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.admin.conftest import open_detail
from tests.conftest import add_product
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, screen

LINES = 40
TITLE = "Handmade stoneware mug with a speckled oat glaze, wide handle and a thumb rest 🍵 " * 2


def title(n: int) -> str:
    return f"{n:02d} {TITLE}"[:128]  # as long as a product's title may be


async def fill_cart(harness: ShopHarness, alice: FakeUser) -> None:
    for n in range(1, LINES + 1):
        await add_product(harness.store, f"LONG-{n:02d}", price=1000, title=title(n))
        await add_to_cart(alice, f"LONG-{n:02d}")


async def test_a_cart_of_40_long_titles_shows_its_cart_and_summary_and_pays(
    harness_on_each_backend: ShopHarness,
) -> None:
    harness = harness_on_each_backend
    alice = harness.user(1001, "Alice")
    ada = harness.user(ADMIN_ID, "Ada")
    await fill_cart(harness, alice)
    assert telegram_length("\n".join(title(n) for n in range(1, LINES + 1))) > 4096

    await alice.send("/cart")
    shown = await alice.wait_for("Your cart")
    cart = shown.text or ""
    assert telegram_length(cart) <= 4096
    # Its keyboard within Telegram's 100 buttons: each line's title opens its card (➖ ➕).
    keyboard = alice.render(shown).split("Total: $400.00")[1]
    assert (
        "[1. 01 Handmade stone… ×1]\n" in keyboard and "[40. 40 Handmade stone… ×1]\n" in keyboard
    )
    assert "[✅ Checkout · $400.00]" in keyboard and "[➖]" not in keyboard
    assert "1. 01 Handmade stoneware" in cart and "40. 40 Handmade stoneware" in cart
    assert cart.count("…\n    1 × $10.00 = $10.00") == LINES and "Total: $400.00" in cart

    await alice.press("Checkout")
    summary = (await alice.wait_for("Order summary", include_existing=True)).text or ""
    assert telegram_length(summary) <= 4096
    assert "1 × 01 Handmade stoneware" in summary and "1 × 40 Handmade stoneware" in summary
    assert summary.count("… = $10.00") == LINES and "Total: $400.00" in summary

    await alice.press("Pay")
    invoice = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    assert sum(price["amount"] for price in invoice.invoice["prices"]) == 40000
    assert (await alice.pay()).ok
    receipt = (await alice.wait_for("Payment received")).text or ""
    assert telegram_length(receipt) <= 4096 and receipt.count("… — $10.00") == LINES
    assert "1 × 01 Handmade stoneware" in receipt and "Total: $400.00" in receipt

    # Ada's alert: one message, every line with its title cut, and what follows them (the
    # total) there, not cut off by the notifier.
    alert = (await ada.wait_for("New paid order")).text or ""
    assert telegram_length(alert) <= 4096 and alert.count("… — $10.00") == LINES
    assert "1 × 01 Handmade stoneware" in alert and "1 × 40 Handmade stoneware" in alert
    assert "Total: $400.00" in alert

    # Later, her order in /orders and Ada's screen of it: every line, titles cut short.
    await alice.send("/orders")
    orders = await alice.wait_for("Your orders")
    (mine,) = [b for b in orders.all_buttons if b.label.startswith("#")]
    await alice.press(mine.label)
    detail = (await alice.wait_for("📦 Order #1", include_existing=True)).text or ""
    assert telegram_length(detail) <= 4096 and detail.count("… = $10.00") == LINES
    assert "1 × 01 Handmade stoneware" in detail and "Total: $400.00" in detail
    screen = (await open_detail(ada, 1)).text or ""
    assert telegram_length(screen) <= 4096 and screen.count("… — $10.00") == LINES
    assert "1 × LONG-01 01 Handmade stoneware" in screen and "Total: $400.00" in screen
    assert "History:" in screen


async def test_a_short_cart_keeps_its_whole_titles(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await add_product(harness.store, "LONG-01", price=1000, title=title(1))
    await add_to_cart(alice, "LONG-01")
    await alice.send("checkout")
    await alice.wait_for("Order summary")
    assert f"1 × {title(1).strip()} = $10.00" in screen(alice)


async def test_forty_long_titles_that_all_changed_price_are_listed_in_one_message(
    harness_on_each_backend: ShopHarness,
) -> None:
    """All 40 went up from $10.00 to $11.00 while they sat in her cart: the "what changed"
    list names every one, its title cut short like the summary's under it."""
    harness = harness_on_each_backend
    alice = harness.user(1001, "Alice")
    await fill_cart(harness, alice)
    async with harness.store.uow() as uow:
        for n in range(1, LINES + 1):
            product = await uow.products.get_by_sku(f"LONG-{n:02d}")
            assert product is not None
            product.price = 1100

    await alice.send("checkout")
    changes = (await alice.wait_for("Some things changed")).text or ""
    assert telegram_length(changes) <= 4096
    assert changes.count("…: the price changed from $10.00 to $11.00") == LINES
    assert "• 01 Handmade stone" in changes and "• 40 Handmade stone" in changes
    assert changes.count("… = $11.00") == LINES and "Total: $440.00" in changes
    await alice.press("Continue to checkout")
    summary = (await alice.wait_for("Order summary", include_existing=True)).text or ""
    assert "Total: $440.00" in summary
