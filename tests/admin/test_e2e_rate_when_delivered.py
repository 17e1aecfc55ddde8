"""⭐ asked for when it makes sense: the shopper's "delivered" notice carries the buttons
that rate what arrived, the same ones her order's screen shows."""

from __future__ import annotations

from sqlalchemy import update

from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.store.models import Order
from tests.admin.conftest import SHOPPER_ID, open_detail
from tests.e2e.shopper import past_order, shown


async def deliver(shop: ShopHarness, admin: FakeUser, shopper: FakeUser, order_id: int) -> Message:
    """The admin marks the shipped order delivered: the shopper's notice."""
    await open_detail(admin, order_id)
    await admin.press("📦 Delivered")
    await admin.wait_for(f"Order #{order_id}: 📦 Delivered.")
    return await shopper.wait_for(f"📦 Your order #{order_id} has been delivered.")


def labels(message: Message) -> list[str]:
    return [b.label for b in message.all_buttons]


async def test_the_delivered_notice_asks_for_stars_and_the_card_shows_them(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    order_id = await past_order(shop, SHOPPER_ID, {"KIT-MUG-CER": 1}, status="shipped")
    notice = await deliver(shop, admin, shopper, order_id)
    assert labels(notice) == ["⭐ Rate Stoneware Mug 350ml"]

    await shopper.press("⭐ Rate Stoneware Mug 350ml")
    await shopper.wait_for("How do you like Stoneware Mug 350ml? Tap the stars you give it.")
    await shopper.press("5 ★")
    await shopper.wait_for("Thank you! You gave Stoneware Mug 350ml ★★★★★.")
    await shopper.send("/start product_KIT-MUG-CER")
    await shopper.wait_for("★ 5.0 (1 rating)")


async def test_the_button_works_later_twice_and_a_refund_then_refuses_it(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    order_id = await past_order(
        shop, SHOPPER_ID, {"KIT-MUG-CER": 1, "APP-TEE-ORG-S-CHA": 2}, status="shipped"
    )
    notice = await deliver(shop, admin, shopper, order_id)
    assert labels(notice) == ["⭐ Rate Stoneware Mug 350ml", "⭐ Rate Organic Tee"]
    (tee,) = [b for b in notice.all_buttons if b.label == "⭐ Rate Organic Tee"]
    assert tee.callback_data is not None and len(tee.callback_data.encode()) <= 64

    for _ in range(2):  # an old notice, pressed twice: the stars each time
        await shopper.press_button(notice, tee)
        assert "How do you like Organic Tee?" in shown(shopper)

    async with shop.store.uow() as uow:  # refunded meanwhile
        await uow.session.execute(
            update(Order).where(Order.id == order_id).values(status="refunded")
        )
    await shopper.press_button(notice, tee)
    assert f"Only what a paid order of yours holds can be rated (order #{order_id})." in shown(
        shopper
    )


async def test_nothing_is_asked_for_products_no_longer_sold(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    gone = await past_order(shop, SHOPPER_ID, {"KIT-MUG-CER": 1}, status="shipped")
    both = await past_order(shop, SHOPPER_ID, {"KIT-MUG-CER": 1, "KIT-KTL-GOO": 1}, "shipped")
    await admin.send("/hide KIT-MUG-CER")
    await admin.wait_for("hidden")

    assert labels(await deliver(shop, admin, shopper, gone)) == []
    assert labels(await deliver(shop, admin, shopper, both)) == ["⭐ Rate Gooseneck Kettle 1L"]


async def test_a_big_order_asks_for_five_and_offers_the_rest_on_its_screen(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    """Sam's order holds every product the shop sells on its own: the notice asks for the
    first five (not a keyboard of one row a product), then one button opens the order,
    whose screen offers all of them."""
    async with shop.store.uow() as uow:
        skus = [p.sku for p in await uow.products.list_all() if not p.options and p.is_active]
    assert len(skus) > 20
    order_id = await past_order(shop, SHOPPER_ID, dict.fromkeys(skus, 1), status="shipped")
    notice = await deliver(shop, admin, shopper, order_id)
    asked = labels(notice)
    assert len(asked) == 6 and all(label.startswith("⭐ Rate ") for label in asked)
    assert asked[-1] == f"⭐ Rate the other {len(skus) - 5} in order #{order_id}"

    await shopper.press(asked[-1])
    screen = await shopper.wait_for(f"Order #{order_id}")
    offered = [label for label in labels(screen) if label.startswith("⭐ Rate ")]
    assert len(offered) == len(skus) and set(asked[:5]) < set(offered)
