"""VAT included in prices, as a shopper and the admin see it: the shop's TAX_RATE is 20%, a
notebook (a book) is taxed at 5% by /tax, and prices and totals do not change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import refunds
from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from bot.standin.models import render
from bot.standin.user import FakeUser
from tests.admin.test_e2e_order_export import exported
from tests.conftest import seeded_shop_in
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_order, open_order_summary

MUG, BOOK = "KIT-MUG-CER", "STA-NTB-A5D"  # $16.00 and $18.00


@pytest.fixture
async def shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(
        tmp_path,
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
        tax_rate_bp=2000,
    ) as h:
        yield h


async def a_mug_and_a_book_at_5_percent_in_alices_cart(
    shop: ShopHarness,
) -> tuple[FakeUser, FakeUser]:
    """Ada taxes the book at 5% (/tax); Alice puts a mug (20%) and the book in her cart."""
    ada, alice = shop.user(ADMIN_ID, "Ada"), shop.user(1001, "Alice")
    await ada.send(f"/tax {BOOK} 5")
    await ada.wait_for(f"{BOOK} is now taxed at 5%.")
    await add_to_cart(alice, MUG)
    await add_to_cart(alice, BOOK)
    return ada, alice


def vat_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Includes VAT")]


async def test_alices_cart_says_the_vat_the_summary_will_say_before_and_after_a_promo_code(
    shop: ShopHarness,
) -> None:
    _, alice = await a_mug_and_a_book_at_5_percent_in_alices_cart(shop)
    await alice.send("/cart")
    cart = render(await alice.wait_for("Your cart"))
    assert "Total: $34.00\nIncludes VAT 20%: $2.67\nIncludes VAT 5%: $0.86" in cart

    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["TENOFF", "10%"], "USD").to_model())
    await alice.send("/start promo_TENOFF")
    await alice.wait_for("Code TENOFF is saved")
    await alice.send("/cart")
    cart = render(await alice.wait_for("Discount (TENOFF)"))
    assert vat_lines(cart) == ["Includes VAT 20%: $2.40", "Includes VAT 5%: $0.77"]
    await alice.press("Checkout")
    summary = render(await alice.wait_for("Order summary", include_existing=True))
    assert vat_lines(summary) == vat_lines(cart)  # the cart promised what the summary says


async def test_a_mug_and_a_book_say_the_vat_at_each_rate_from_summary_to_export(
    shop: ShopHarness,
) -> None:
    ada, alice = await a_mug_and_a_book_at_5_percent_in_alices_cart(shop)
    await open_order_summary(alice)
    summary = render(alice.last_message)  # type: ignore[arg-type]
    assert "Total: $34.00\nIncludes VAT 20%: $2.67\nIncludes VAT 5%: $0.86" in summary
    await alice.press("Pay")
    invoice = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    assert invoice.invoice["description"].endswith(
        "Includes VAT 20%: $2.67\nIncludes VAT 5%: $0.86"
    )
    assert [price["amount"] for price in invoice.invoice["prices"]] == [1600, 1800]

    assert (await alice.pay(shipping_option_id="standard")).ok  # $5.00: $0.83 of it VAT
    receipt = await alice.wait_for("Payment received")
    assert "Total: $39.00\nIncludes VAT 20%: $3.50\nIncludes VAT 5%: $0.86" in (receipt.text or "")
    await open_order(alice, 1)
    order = await alice.wait_for("Placed ", include_existing=True)  # /orders' order screen
    assert "Includes VAT 20%: $3.50\nIncludes VAT 5%: $0.86" in (order.text or "")
    await ada.send("/orders_admin #1")
    admins = await ada.wait_for("Shopper: ")
    assert "Total: $39.00\nIncludes VAT 20%: $3.50\nIncludes VAT 5%: $0.86" in (admins.text or "")
    await ada.send("/stats")
    stats = await ada.wait_for("Shop report")
    assert "VAT included: Today $4.36 · 7 days $4.36 · 30 days $4.36" in (stats.text or "")

    _, rows = await exported(ada, "/export orders")
    assert [(r["sku"], r["line_tax_rate"], r["line_tax"]) for r in rows] == [
        (MUG, "20", "2.67"),
        (BOOK, "5", "0.86"),
    ]
    assert {(r["order_total"], r["shipping_tax"], r["tax_total"]) for r in rows} == {
        ("39.00", "0.83", "4.36")
    }

    # The book refunded gives back its stored tax; the rest of the order, the rest of it.
    book_line = await _line_id(shop, BOOK)
    book = {str(book_line): 1}
    await _refunded(shop, 1800, book)
    await _refunded(shop, None)
    async with shop.store.reading() as uow:
        assert [refund.tax for refund in await uow.refunds.for_order(1)] == [86, 350]
    await ada.send("/stats")
    stats = await ada.wait_for("Shop report")
    assert "VAT included" not in (stats.text or "")  # all of it given back


async def _refunded(
    shop: ShopHarness, amount: int | None, lines: dict[str, int] | None = None
) -> None:
    """A refund of order #1 as an admin's makes it, the provider's part taken as done."""
    async with shop.store.uow() as uow:
        claimed = await refunds.claim(uow, 1, amount, "admin:9001", None, lines)
    async with shop.store.uow() as uow:
        await refunds.record_refund(uow, claimed, f"re_{claimed.refund_id}", "admin:9001", None)


async def _line_id(shop: ShopHarness, sku: str) -> int:
    async with shop.store.reading() as uow:
        order = await uow.orders.get(1)
        assert order is not None
        return next(line.id for line in order.lines if line.sku == sku)
