"""🧾 Invoice: Alice pays, opens her order and gets a numbered PDF; pressing again, or an
admin's press, gives the same number; orders that were never paid get none."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.callback_data import MyInvoice
from bot.services import refunds
from bot.standin import FakeUser, Message
from bot.standin.harness import ShopHarness
from tests.conftest import seeded_shop_in
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import open_invoice, open_order, paid_order

MUG = "KIT-MUG-CER"  # $16.00
YEAR = datetime.now(UTC).year  # the issue year on the shop's clock (UTC)


# A shop with VAT at 20% that issues invoices, and an admin.
INVOICING: dict[str, Any] = {
    "admin_ids": frozenset({ADMIN_ID}),
    "payment_provider_token": "TEST:provider",
    "tax_rate_bp": 2000,
    "invoice_seller": "Mugs & Co. Ltd",
    "invoice_address": ("12 Main St", "Springfield"),
    "invoice_tax_id": "GB123456789",
}


@pytest.fixture
async def shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **INVOICING) as h:
        yield h


def pdf_text(message: Message) -> str:
    """The text of the PDF a message carries, as a reader's copy and paste gives it."""
    assert message.document is not None and message.document.data is not None
    reader = PdfReader(io.BytesIO(message.document.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def invoices_in(user: FakeUser) -> list[Message]:
    return [m for m in user.messages if m.document is not None]


async def press_invoice(user: FakeUser, sent_before: int) -> Message:
    """🧾 Invoice on the screen shown, then the PDF it sends."""
    await user.press("🧾 Invoice")
    return await user.wait_for(
        lambda m: m.document is not None and len(invoices_in(user)) > sent_before,
        include_existing=True,
    )


async def test_alice_gets_her_invoice_with_the_seller_her_lines_and_the_vat_and_again_the_same(
    shop: ShopHarness,
) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    order_id = await paid_order(shop, alice, MUG)
    number = f"INV-{YEAR}-000001"

    await open_order(alice, order_id)
    first = await press_invoice(alice, 0)
    assert first.document is not None and first.document.file_name == f"{number}.pdf"
    assert f"🧾 Invoice {number} for order #{order_id}" in (first.text or "")
    text = pdf_text(first)
    for words in (
        "Invoice",
        f"Number: {number}",
        "Mugs & Co. Ltd",
        "12 Main St",
        "VAT number: GB123456789",
        "Alice",
        "Stoneware Mug",
        "Stoneware Mug 350ml 1 $16.00 $16.00",  # title and variant, qty, unit price, total
        "Shipping: $5.00",
        "Total: $21.00",
        "Includes VAT 20%: $3.50",  # the mug's $2.67 and the shipping's $0.83
    ):
        assert words in text, (words, text)

    again = await press_invoice(alice, 1)  # the same number, never a new one
    assert again.document is not None and again.document.file_name == f"{number}.pdf"

    await ada.send(f"/orders_admin #{order_id}")
    await ada.wait_for("Shopper: ")
    admins = await press_invoice(ada, 0)
    assert admins.document is not None and admins.document.file_name == f"{number}.pdf"
    assert f"Number: {number}" in pdf_text(admins)

    bob = shop.user(1002, "Bob")  # the next order's invoice takes the next number
    second = await paid_order(shop, bob, MUG)
    await open_order(bob, second)
    assert f"Number: INV-{YEAR}-000002" in pdf_text(await press_invoice(bob, 0))


async def test_adas_order_screen_writes_alices_address_as_her_invoice_and_the_alert_do(
    shop: ShopHarness,
) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    order_id = await paid_order(shop, alice, MUG)  # to the form's 1 Market St, 94105 ...
    address = "1 Market St, 94105, San Francisco, CA, US"
    alert = await ada.wait_for("Ship to: ")
    assert f"Ship to: {address}" in (alert.text or "")
    await open_order(alice, order_id)
    assert address in pdf_text(await press_invoice(alice, 0))

    await ada.send(f"/orders_admin #{order_id}")
    screen = await ada.wait_for("Shopper: ")
    assert f"· address: {address}" in (screen.text or "")


async def test_refunds_so_far_are_listed_under_the_total_and_keep_the_number(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    order_id = await paid_order(shop, alice, MUG)
    await open_order(alice, order_id)
    before = pdf_text(await press_invoice(alice, 0))
    assert "Refunded" not in before
    async with shop.store.uow() as uow:
        claimed = await refunds.claim(uow, order_id, 500, "admin:9001", None, None)
    async with shop.store.uow() as uow:
        await refunds.record_refund(uow, claimed, "re_1", "admin:9001", None)
    await open_order(alice, order_id)
    after = pdf_text(await press_invoice(alice, 1))
    assert f"Number: INV-{YEAR}-000001" in after
    assert "Total: $21.00" in after
    assert "Refunded on " in after and ": $5.00" in after


async def test_an_unpaid_order_has_no_invoice_button_and_a_forged_press_is_told_why(
    shop: ShopHarness,
) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await open_invoice(alice, MUG)  # checked out, not paid
    await ada.send("/orders_admin #1")
    admins = await ada.wait_for("Shopper: ")
    assert not [b for b in admins.all_buttons if "🧾" in b.label]
    await open_order(alice, 1)
    order = await alice.wait_for("Placed ", include_existing=True)
    assert "🧾 Invoice" not in [b.label for b in order.all_buttons]
    answer = await alice.press_data(order, MyInvoice(1).encode())
    told = "Order #1 has no invoice: only a paid order gets one."
    assert answer.text == told
    await alice.wait_for(told)
    assert invoices_in(alice) == []

    bob = shop.user(1002, "Bob")  # someone else's paid order: not hers to get
    bobs = await paid_order(shop, bob, MUG)
    answer = await alice.press_data(order, MyInvoice(bobs).encode())
    assert answer.text == f"Order #{bobs} has no invoice: only a paid order gets one."
    assert invoices_in(alice) == []
    async with shop.store.reading() as uow:
        assert await uow.invoices.of_order(bobs) is None  # and no number was taken for it


async def test_a_russian_shopper_gets_it_in_russian_with_her_cyrillic_name(
    shop: ShopHarness,
) -> None:
    alisa = shop.user(1003, "Алиса")
    order_id = await paid_order(shop, alisa, MUG)
    async with shop.store.uow() as uow:  # she chose Russian in /language since
        customer = await uow.customers.get_by_telegram_id(1003)
        assert customer is not None
        await uow.customers.set_language(customer.id, "ru")
    await open_order(alisa, order_id)
    await alisa.press("🧾 Счёт")
    sent = await alisa.wait_for(lambda m: m.document is not None, include_existing=True)
    text = pdf_text(sent)
    assert "Счёт" in text
    assert "Алиса" in text
    assert "Кружка керамическая 350 мл" in text  # the product's Russian title
    assert "В том числе VAT 20%" in text


async def test_without_a_seller_no_order_shows_the_button(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, payment_provider_token="TEST:provider") as h:
        alice = h.user(1001, "Alice")
        order_id = await paid_order(h, alice, MUG)
        await open_order(alice, order_id)
        order = await alice.wait_for("Placed ", include_existing=True)
        assert not [b for b in order.all_buttons if "🧾" in b.label]
