"""/customer: an admin looks a shopper up by Telegram id, @username or order, sees who she is,
her cart and what she spent, and opens her orders; a lookup writes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot import callback_data as cd
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.store.models import Customer, Order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop
from tests.admin.test_e2e_admin_languages import _no_english, _russian

FIRST_SEEN = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # Dec 2, 12:30 AM in Madrid


@pytest.fixture
async def madrid(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    """The seeded shop, on Madrid's clock, with one admin."""
    async with admin_shop(tmp_path, standin, seeded_sqlite, shop_timezone="Europe/Madrid") as h:
        yield h


async def alice(h: ShopHarness) -> FakeUser:
    """Alice (@Alice_W, Telegram in Spanish) has written to the shop, and has two lines in her
    cart: 2 mugs ($32.00) and a tee."""
    shopper = h.user(SHOPPER_ID, "Alice", username="Alice_W", language_code="es")
    await shopper.send("/start")
    await shopper.wait_for("")
    assert h.shop is not None
    async with h.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        pen = await uow.products.get_by_sku("STA-PEN-FTN")
        assert mug is not None and pen is not None
        await uow.session.execute(
            update(Customer)
            .where(Customer.telegram_id == SHOPPER_ID)
            .values(created_at=FIRST_SEEN, cart_reminders=False)
        )
        customer = await uow.customers.get_by_telegram_id(SHOPPER_ID)
        assert customer is not None
        cart = await uow.carts.get_for_customer(customer.id)
        await uow.carts.set_quantity(cart, mug.id, 2)
        await uow.carts.set_quantity(cart, pen.id, 1)
    return shopper


async def order(
    h: ShopHarness,
    telegram_id: int,
    total: int,
    *,
    currency: str = "USD",
    status: str = "paid",
    refunded: int = 0,
) -> int:
    """An order made in the database as if placed earlier (paid unless awaiting payment)."""
    async with h.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        paid = None if status == "awaiting_payment" else FIRST_SEEN + timedelta(days=1)
        made = Order(
            customer_id=customer.id,
            status=status,
            currency=currency,
            items_total=total,
            total=total,
            refunded_amount=refunded,
            paid_at=paid,
        )
        return (await uow.orders.add(made)).id


async def screen(admin: FakeUser, command: str) -> str:
    await admin.send(command)
    return ((await admin.wait_for("Telegram id")).text or "").replace("\u202f", " ")


def order_buttons(message: Message) -> list[str]:
    return [b.label for b in message.all_buttons if b.label.startswith("#")]


async def test_an_admin_looks_up_alice_by_id_username_and_order(
    madrid: ShopHarness,
) -> None:
    h = madrid
    admin = h.user(ADMIN_ID, "Ada")
    await alice(h)
    oldest = await order(h, SHOPPER_ID, 900)
    await order(h, SHOPPER_ID, 3700)
    await order(h, SHOPPER_ID, 2000, status="shipped", refunded=500)  # $15.00 kept
    await order(h, SHOPPER_ID, 1250, currency="EUR", status="delivered")
    await order(h, SHOPPER_ID, 999, status="awaiting_payment")  # not paid: not spent
    newest = await order(h, SHOPPER_ID, 1000, status="refunded", refunded=1000)
    await order(h, 1002, 5000)  # another shopper's

    text = await screen(admin, "/customer 1001")
    assert text.startswith("👤 Alice · @Alice_W\nTelegram id: 1001\n")
    assert "Language: — (chosen) · es (Telegram's)" in text
    assert "First seen: Dec 2, 2026, 12:30 AM · last seen: " in text
    assert "(Europe/Madrid)" in text
    assert "Has not blocked the bot." in text and "Cart reminders: off" in text
    assert "🛒 Cart: 2 lines, $" in text
    assert "🧾 6 orders · spent €12.50, $61.00" in text  # $9 + $37 + ($20 − $5) + ($10 − $10)
    shown = admin.last_message
    assert shown is not None
    assert len(order_buttons(shown)) == 5
    assert order_buttons(shown)[0].startswith(f"#{newest} · ")
    assert not any(b.startswith(f"#{oldest} ") for b in order_buttons(shown))  # the 6th

    for other_way in ("/customer @alice_w", "/customer ALICE_W", f"/customer #{oldest}"):
        assert await screen(admin, other_way) == text

    await admin.press(f"#{newest} · $10.00")
    await admin.wait_for(f"Order #{newest} · ↩️ Refunded")
    await admin.press("👤 Customer")
    assert ((await admin.wait_for("Telegram id: 1001")).text or "").replace("\u202f", " ") == text

    async with h.store.uow() as uow:  # looking her up wrote nothing
        assert await uow.audit.list_recent() == []


async def test_her_orders_page_ten_at_a_time_and_lead_back_to_her(shop: ShopHarness) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    await alice(shop)
    hers = [await order(shop, SHOPPER_ID, 100 * (n + 1)) for n in range(12)]
    bob = await order(shop, 1002, 5000)

    await screen(admin, "/customer @Alice_W")
    await admin.press("🧾 All her orders")
    first = await admin.wait_for("🧾 All orders · Alice (@Alice_W): 12, page 1/2")
    assert [b.split(" ")[0] for b in order_buttons(first)] == [f"#{i}" for i in hers[:1:-1]]
    assert f"#{bob} " not in (first.text or "")
    await admin.press("Next ▶️")
    second = await admin.wait_for("page 2/2")
    assert [b.split(" ")[0] for b in order_buttons(second)] == [f"#{hers[1]}", f"#{hers[0]}"]
    await admin.press(f"#{hers[0]} · $1.00")
    await admin.wait_for(f"Order #{hers[0]} · ✅ Paid")
    await admin.press("⬅️ Orders")  # the order screen's way back: the page it was opened from
    back = await admin.wait_for("🧾 All orders · Alice (@Alice_W): 12, page 2/2")
    assert f"#{bob} " not in (back.text or "")


async def test_unknown_and_malformed_lookups_are_answered(shop: ShopHarness) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    await alice(shop)
    for command, answer in (
        ("/customer", "Whose? Send /customer 1001 (a Telegram id)"),
        ("/customer 424242", "No customer 424242 in this shop."),
        ("/customer 99999999999999999999", "'99999999999999999999' names no customer."),
        ("/customer @nobody_here", "No customer @nobody_here in this shop."),
        ("/customer #999999", "There is no order #999999."),
        ("/customer #99999999999", "There is no order #99999999999."),
        ("/customer alice w", "'alice w' names no customer. Send a Telegram id"),
        ("/customer #seven", "'#seven' names no customer."),
    ):
        await admin.send(command)
        await admin.wait_for(answer)
    await admin.send("/admin")
    menu = await admin.wait_for("Admin menu")
    for forged in (cd.ShowCustomer(4242), cd.AdminOrders("all", 0, 4242)):
        said = await admin.press_data(menu, forged.encode())
        assert said.text == "No customer #4242 in this shop."


async def test_a_stale_username_shows_the_customer_seen_last_and_says_so(
    shop: ShopHarness,
) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    await alice(shop)
    async with shop.store.uow() as uow:  # someone who had @alice_w before her, seen long ago
        uow.session.add(
            Customer(
                telegram_id=1003,
                first_name="Old",
                username="alice_w",
                last_seen_at=FIRST_SEEN - timedelta(days=300),
            )
        )
    text = await screen(admin, "/customer @ALICE_W")
    assert text.startswith("👤 Alice · @Alice_W\nTelegram id: 1001")
    assert "⚠️ 1 other customer had this username before: this is the one seen most" in text


async def test_a_russian_admin_reads_her_screen_in_russian(shop: ShopHarness) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    await alice(shop)
    await order(shop, SHOPPER_ID, 3700)
    await _russian(admin)
    await admin.send("/customer 1001")
    text = (await admin.wait_for("Telegram ID: 1001")).text or ""
    assert "🧾 1 заказ · потрачено 37,00\xa0$" in text
    assert "Напоминания о корзине: выключены" in text and "🛒 Корзина: 2 позиции" in text
    _no_english(text.replace("Alice", ""))
    assert admin.last_message is not None
    assert "🧾 Все заказы покупателя" in [b.label for b in admin.last_message.all_buttons]
    await admin.send("/customer")
    _no_english((await admin.wait_for("Чей? Отправьте /customer 1001")).text or "")
    await admin.send("/customer 424242")
    await admin.wait_for("В магазине нет покупателя 424242.")


async def test_a_relayed_question_opens_the_shoppers_screen(shop: ShopHarness) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    shopper = await alice(shop)
    await shopper.send("/support")
    await shopper.wait_for("💬")  # in Spanish
    await shopper.send("Do you ship to Canada?")
    relayed = await admin.wait_for("Do you ship to Canada?")
    await admin.press("👤 Customer", message=relayed)
    text = (await admin.wait_for("Telegram id: 1001")).text or ""
    assert text.startswith("👤 Alice · @Alice_W\n")
