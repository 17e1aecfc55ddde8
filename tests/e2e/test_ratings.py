"""⭐ Stars for what a shopper bought, and the average on the product's card."""

from __future__ import annotations

from sqlalchemy import select

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Product, ProductRating
from tests.e2e.shopper import open_invoice, open_order, paid_order, past_order, shown


def _labels(shopper: FakeUser) -> list[str]:
    message = shopper.last_message
    return [b.label for b in message.all_buttons] if message is not None else []


async def rate(shopper: FakeUser, order_id: int, button: str, stars: int) -> None:
    await open_order(shopper, order_id)
    await shopper.press(button)
    await shopper.press(f"{stars} ★")


async def _mug_rating(harness: ShopHarness) -> tuple[int, int]:
    async with harness.store.uow() as uow:
        found = (
            await uow.session.execute(
                select(Product.rating_count, Product.rating_total).where(
                    Product.sku == "KIT-MUG-CER"
                )
            )
        ).one()
    return found[0], found[1]


async def test_two_shoppers_rate_the_mug_and_its_card_shows_the_average(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    order_id = await paid_order(harness, alice, "KIT-MUG-CER", "KIT-KTL-GOO")
    await open_order(alice, order_id)
    assert {"⭐ Rate Stoneware Mug 350ml", "⭐ Rate Gooseneck Kettle 1L"} <= set(_labels(alice))
    await alice.press("⭐ Rate Stoneware Mug 350ml")
    assert "How do you like Stoneware Mug 350ml? Tap the stars you give it." in shown(alice)
    await alice.press("5 ★")
    assert "Thank you! You gave Stoneware Mug 350ml ★★★★★." in shown(alice)
    assert "★★★★★ Stoneware Mug 350ml" in _labels(alice)

    bobs = await past_order(harness, 1002, {"KIT-MUG-CER": 1})
    bob = harness.user(1002, "Bob")
    await rate(bob, bobs, "⭐ Rate Stoneware Mug 350ml", 4)
    await bob.send("/start product_KIT-MUG-CER")
    await bob.wait_for("★ 4.5 (2 ratings)")

    await rate(alice, order_id, "★★★★★ Stoneware Mug 350ml", 3)  # she changes her mind
    assert "Your rating now" not in shown(alice)  # back on the order, thanked
    assert await _mug_rating(harness) == (2, 7)  # still two shoppers: 3 + 4


async def test_the_same_stars_again_change_nothing_and_her_choice_is_marked(
    harness: ShopHarness,
) -> None:
    order_id = await past_order(harness, 1001, {"KIT-MUG-CER": 1})
    alice = harness.user(1001, "Alice")
    await rate(alice, order_id, "⭐ Rate Stoneware Mug 350ml", 4)
    await open_order(alice, order_id)
    await alice.press("★★★★ Stoneware Mug 350ml")
    assert "Your rating now: ★★★★" in shown(alice)
    assert "• 4 ★" in _labels(alice)
    await alice.press("• 4 ★")
    assert await _mug_rating(harness) == (1, 4)


async def test_a_product_bought_in_two_sizes_is_rated_once(harness: ShopHarness) -> None:
    order_id = await past_order(harness, 1001, {"APP-TEE-ORG-S-CHA": 1, "APP-TEE-ORG-L-CHA": 1})
    alice = harness.user(1001, "Alice")
    await open_order(alice, order_id)
    assert [label for label in _labels(alice) if label.startswith("⭐")] == ["⭐ Rate Organic Tee"]


async def test_only_what_she_paid_for_can_be_rated(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await open_invoice(alice, "KIT-MUG-CER")  # not paid yet
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
    waiting = await past_order(harness, 1001, {"KIT-KTL-GOO": 1}, status="awaiting_payment")
    refunded = await past_order(harness, 1001, {"KIT-MUG-CER": 1}, status="refunded")
    await open_order(alice, refunded)
    assert not [label for label in _labels(alice) if label.startswith("⭐")]
    message = alice.last_message
    assert message is not None

    await alice.press_data(message, f"1:rt:{refunded}:{mug.id}:5:0")
    assert f"Only what a paid order of yours holds can be rated (order #{refunded})." in shown(
        alice
    )
    await alice.press_data(message, f"1:rt:{waiting}:{mug.id}:5:0")  # not in that order either
    assert "can be rated" in shown(alice)
    delivered = await past_order(harness, 1001, {"KIT-MUG-CER": 1})
    await alice.press_data(message, f"1:rt:{delivered}:{mug.id}:9:0")  # nine stars: forged
    assert "can be rated" in shown(alice)
    bobs = await past_order(harness, 1002, {"KIT-MUG-CER": 1})
    answer = await alice.press_data(message, f"1:rt:{bobs}:{mug.id}:5:0")
    assert answer.text == "That order is not in your history."
    async with harness.store.uow() as uow:
        assert list(await uow.session.scalars(select(ProductRating))) == []
    assert await _mug_rating(harness) == (0, 0)


async def test_a_russian_shopper_sees_the_average_her_way(harness: ShopHarness) -> None:
    for shopper, stars in ((1002, 4), (1003, 5)):
        order_id = await past_order(harness, shopper, {"KIT-MUG-CER": 1})
        await rate(harness.user(shopper, "Bob"), order_id, "⭐ Rate Stoneware Mug 350ml", stars)
    olga = harness.user(1001, "Olga", language_code="ru")
    await olga.send("/start product_KIT-MUG-CER")
    await olga.wait_for("★ 4,5 (2 оценки)")
