"""A big return with long names: Sam's delivered card order holds 40 products whose titles are
as long as the catalog allows, and he asks to return all it offers (36, MOST_LINES). Whole,
the titles would make his last question, Ada's alert and her order screen longer than the
4,096 UTF-16 units Telegram takes (the stand-in refuses such a text, as Telegram does): each
names every line with its title cut short ("…"). On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clipping import telegram_length
from bot.payments.invoice import build_invoice
from bot.services.returns import MOST_LINES
from bot.standin.harness import ShopHarness
from bot.usecases.orders import deliver_order, ship_order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.e2e.shopper import open_order, screen, shown
from tests.e2e.test_long_summary import LINES, title
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    add_product,
    card_shop,
    fill_cart,
    mark_invoice_sent,
    place_order,
    stripe_account,
)


@pytest.fixture
async def h(
    tmp_path: Path, localstripe: str, migrated_database_url: str
) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe, database_url=migrated_database_url) as harness:
        yield harness


async def test_sam_returns_40_long_titles_and_every_one_is_named(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    await sam.send("/start")
    await sam.wait_for("Sam")
    products = [
        await add_product(h.shop, f"LONG-{n:02d}", price=1000, title=title(n))
        for n in range(1, LINES + 1)
    ]
    await fill_cart(h.shop, SHOPPER_ID, dict.fromkeys(products, 1))
    placed = await place_order(h.shop, telegram_id=SHOPPER_ID)
    request = build_invoice(placed.order, h.shop.settings, photo_url=placed.photo_url)
    sent = await request.send(h.app.bot, SHOPPER_ID)
    await mark_invoice_sent(h.shop, placed.order.order_id, sent.message_id)
    await sam.wait_for(lambda m: m.invoice is not None, include_existing=True)
    charge = await stripe_account.charge(placed.order.total)
    paid = await sam.pay(shipping_option_id="standard", provider_payment_charge_id=charge)
    assert paid.ok, paid
    await sam.wait_for("Payment received")
    order_id = placed.order.order_id
    await ship_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    await deliver_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")

    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    for n in range(1, MOST_LINES + 1):
        await sam.press(f"☐ 1 × {n:02d} Handmade")
    assert "☐" not in screen(sam)
    await sam.press("Next")
    await sam.press("Damaged")
    question = shown(sam)
    assert question.startswith(f"↩️ Return from order #{order_id}: 1 × 01 Handmade stone")
    assert telegram_length(question) <= 4096 and question.count("…, 1 × ") == MOST_LINES - 1
    assert "If the shop approves, you get $360.00 back to your card." in question
    said = await sam.press("Send request")
    assert said.text == f"Return request #1 for order #{order_id} sent. The shop will answer here."

    alert = (await ada.wait_for("↩️ Return request #1")).text or ""
    assert telegram_length(alert) <= 4096 and alert.count("…, 1 × ") == MOST_LINES - 1
    assert alert.endswith("… ($360.00). Reason: Damaged.")
    detail = (await open_detail(ada, order_id)).text or ""
    assert telegram_length(detail) <= 4096 and detail.count("… — $10.00") == LINES
    assert "↩️ Return request #1" in detail and "… ($360.00). Reason: Damaged." in detail
