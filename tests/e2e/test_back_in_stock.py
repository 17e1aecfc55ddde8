"""Back in stock: a sold-out product offers "Notify me"; when stock comes back (an admin's
/stock, an import, a cancelled order) every waiting shopper gets one message, paced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.standin import BotApiStandIn, FakeUser
from bot.standin.harness import ShopHarness
from bot.store.models import Customer, RestockSubscription
from bot.usecases import blocking, restock
from tests.admin.test_e2e_broadcast import busiest_second
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import open_invoice

MUG = "KIT-MUG-CER"
BACK = "🔔 Good news: Stoneware Mug 350ml is back in stock!"


@pytest.fixture
def shop(harness: ShopHarness) -> ShopHarness:
    """A seeded shop with one admin, Ada (tests/e2e/conftest.py)."""
    return harness


async def set_stock(shop: ShopHarness, sku: str, stock: int) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    await admin.send(f"/stock {sku} {stock}")
    await admin.wait_for(f"→ {stock}")


async def tell(shop: ShopHarness) -> int:
    """One run of the back-in-stock job, as each worker runs it every few seconds."""
    assert shop.shop is not None
    return await restock.tell_waiting_shoppers(shop.shop)


async def waiting(shop: ShopHarness) -> int:
    async with shop.store.uow() as uow:
        return int(await uow.session.scalar(select(func.count(RestockSubscription.id))) or 0)


async def notify_me(shopper: FakeUser, sku: str = MUG) -> None:
    await shopper.send(f"/start product_{sku}")
    await shopper.wait_for("Out of stock")
    await shopper.press("Notify me")
    await shopper.wait_for("I'll message you when it's back", include_existing=True)


async def test_a_waiting_shopper_is_told_once_when_an_admin_restocks(shop: ShopHarness) -> None:
    alice = shop.user(1001, "Alice")
    await set_stock(shop, MUG, 0)
    await alice.send(f"/start product_{MUG}")
    sold_out = await alice.wait_for("Out of stock")
    assert "[🔔 Notify me when it's back]" in alice.render(sold_out)
    assert "Add to cart" not in alice.render(sold_out)

    toast = await alice.press("Notify me")
    assert toast.text == "🔔 I'll message you as soon as Stoneware Mug 350ml is back in stock."
    screen = await alice.wait_for("I'll message you when it's back", include_existing=True)
    assert "[🔕 Don't notify me]" in alice.render(screen)
    await alice.press_data(screen, "1:nm:1")  # a second tap (an old button) changes nothing
    assert await waiting(shop) == 1
    assert await tell(shop) == 0  # still sold out: nobody is told

    await set_stock(shop, MUG, 5)
    assert await tell(shop) == 1
    notice = await alice.wait_for(BACK)
    assert alice.render(notice) == f"{BACK}\n[🛍 Stoneware Mug 350ml · $16.00]"
    await alice.press("Stoneware Mug 350ml · $16.00", message=notice)
    await alice.wait_for("Add to cart", include_existing=True)

    await set_stock(shop, MUG, 0)
    await set_stock(shop, MUG, 3)
    assert await tell(shop) == 0 and await waiting(shop) == 0  # told once, then dropped
    notices = [c for c in shop.standin.calls_to("sendMessage") if c.params.get("text") == BACK]
    assert len(notices) == 1


async def test_a_shopper_can_stop_waiting(shop: ShopHarness) -> None:
    alice = shop.user(1001, "Alice")
    await set_stock(shop, MUG, 0)
    await notify_me(alice)
    toast = await alice.press("Don't notify me")
    assert toast.text == "🔕 OK, no message about Stoneware Mug 350ml."
    screen = await alice.wait_for("Notify me when it's back", include_existing=True)
    assert "I'll message you when it's back" not in (screen.text or "")
    await set_stock(shop, MUG, 4)
    assert await tell(shop) == 0 and await waiting(shop) == 0


async def test_a_cancelled_order_giving_back_the_last_mug_tells_the_waiting_shopper(
    shop: ShopHarness,
) -> None:
    alice, bob = shop.user(1001, "Alice"), shop.user(1002, "Bob")
    await set_stock(shop, MUG, 1)
    await open_invoice(bob, MUG)  # Bob's invoice holds the last one
    await notify_me(alice)
    assert await tell(shop) == 0

    await bob.send("/cancel")
    await bob.wait_for("Payment cancelled")
    assert await tell(shop) == 1
    await alice.wait_for(BACK)


async def test_an_import_restocking_the_product_tells_the_waiting_shopper(
    shop: ShopHarness,
) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await set_stock(shop, MUG, 0)
    await notify_me(alice)
    row = {
        "sku": MUG,
        "title": "Stoneware Mug 350ml",
        "category": "Kitchen",
        "price": "16.00",
        "currency": "USD",
        "stock": 12,
        "photo": "photos/kit-mug-cer.png",
    }
    await ada.send_document("restock.json", json.dumps([row]).encode(), "application/json")
    await ada.wait_for("Imported restock.json")
    assert await tell(shop) == 1
    await alice.wait_for(BACK)


async def test_every_waiting_shopper_is_told_at_the_bulk_pace(tmp_path: Path) -> None:
    rate, shoppers = 8.0, 12
    async with BotApiStandIn() as standin:
        async with ShopHarness(tmp_path, standin=standin, broadcast_rate=rate) as h:
            ids = [6000 + n for n in range(shoppers)]
            async with h.store.uow() as uow:
                product = await uow.products.get_by_sku(MUG)
                assert product is not None and await uow.products.set_stock(product.id, 0)
                for telegram_id in ids:
                    standin.user(telegram_id, f"S{telegram_id}")
                    customer = Customer(telegram_id=telegram_id, first_name=f"S{telegram_id}")
                    uow.session.add(customer)
                    await uow.session.flush()
                    uow.session.add(
                        RestockSubscription(customer_id=customer.id, product_id=product.id)
                    )
            standin.user(ids[0]).block()
            async with h.store.uow() as uow:
                assert await uow.products.set_stock(product.id, 10)

            assert await tell(h) == shoppers - 1  # the one who blocked the bot is not told
            assert await waiting(h) == 0
            async with h.store.uow() as uow:
                blocked = await uow.customers.get_by_telegram_id(ids[0])
            assert blocked is not None and blocked.blocked_bot

        sends = [c for c in standin.calls_to("sendMessage") if c.params.get("chat_id") in ids]
        assert sorted(c.params["chat_id"] for c in sends) == ids  # one each
        times = sorted(c.at for c in sends)
        assert times[-1] - times[0] >= (shoppers - 1) / rate * 0.95  # paced...
        assert busiest_second(times) <= rate  # ...never more than BROADCAST_RATE in a second


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("1:nm:999999", "Sorry, that product is no longer available."),
        ("1:nmx:999999", "Sorry, that product is no longer available."),
        ("1:ask:999999", "This button has expired, here is the current view."),
        ("1:crm:7", "Cart reminders are on."),
        ("1:ASX:1", "Sorry, that is for the shop's admins only."),
    ],
)
async def test_forged_buttons_get_a_clear_answer(shop: ShopHarness, data: str, answer: str) -> None:
    alice = shop.user(1001, "Alice")
    await alice.send("/start")
    welcome = await alice.wait_for("Welcome")
    pressed = await alice.press_data(welcome, data)
    assert (pressed.text or "").startswith(answer)
    assert await waiting(shop) == 0


async def test_a_shopper_the_shop_blocked_is_not_told_and_her_wait_ends(shop: ShopHarness) -> None:
    alice, mallory = shop.user(1001, "Alice"), shop.user(1002, "Mallory")
    await set_stock(shop, MUG, 0)
    await notify_me(alice)
    await notify_me(mallory)
    assert shop.shop is not None
    await blocking.block(shop.shop, ADMIN_ID, "1002")
    await set_stock(shop, MUG, 5)
    assert await tell(shop) == 1 and await waiting(shop) == 0
    await alice.wait_for(BACK)
    await shop.until_idle()
    assert not [m for m in mallory.messages if BACK in (m.text or "")]
