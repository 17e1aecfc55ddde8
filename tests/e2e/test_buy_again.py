"""🔁 Buy again: a past order's items back in the cart, as far as the shop still has them."""

from __future__ import annotations

from sqlalchemy import update

from bot.standin.harness import ShopHarness
from bot.store.models import Product
from tests.e2e.shopper import (
    newest_order,
    open_invoice,
    open_order,
    paid_order,
    past_order,
    shown,
)


async def _cart_of(harness: ShopHarness, telegram_id: int) -> dict[str, int]:
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        cart = await uow.carts.find_for_customer(customer.id)
        return {line.product.sku: line.quantity for line in cart.lines} if cart else {}


async def test_alice_buys_her_last_order_again_and_a_second_press_adds_nothing(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    order_id = await paid_order(harness, alice, "KIT-MUG-CER", "KIT-KTL-GOO")
    assert await _cart_of(harness, 1001) == {}  # paying emptied it

    await open_order(alice, order_id)
    await alice.press("Buy again")
    cart = shown(alice)
    assert f"The items of order #{order_id} are in your cart." in cart
    assert "Stoneware Mug 350ml" in cart and "Gooseneck Kettle 1L" in cart
    assert await _cart_of(harness, 1001) == {"KIT-MUG-CER": 1, "KIT-KTL-GOO": 1}

    await open_order(alice, order_id)  # a second press, or a double tap
    await alice.press("Buy again")
    assert f"Everything from order #{order_id} is already in your cart." in shown(alice)
    assert await _cart_of(harness, 1001) == {"KIT-MUG-CER": 1, "KIT-KTL-GOO": 1}


async def test_what_the_shop_no_longer_has_is_named_and_the_rest_goes_in(
    harness: ShopHarness,
) -> None:
    ordered = {"KIT-MUG-CER": 2, "HOM-CSH-LIN": 3, "OUT-KNF-FLD": 1, "COF-DEC-250": 1}
    order_id = await past_order(harness, 1001, ordered)
    async with harness.store.uow() as uow:  # the decaf has been taken off sale since
        await uow.session.execute(
            update(Product).where(Product.sku == "COF-DEC-250").values(is_active=False)
        )
    alice = harness.user(1001, "Alice")
    await open_order(alice, order_id)
    await alice.press("Buy again")
    said = shown(alice)
    assert f"The items of order #{order_id} are in your cart." in said
    # Two cushion covers are left of the three she ordered; the knife is sold out.
    assert "Linen Cushion Cover: 2 in your cart of the 3 ordered, all there is now." in said
    assert "Folding Pocket Knife is sold out." in said
    assert "Swiss Water Decaf 250g is no longer sold." in said
    assert await _cart_of(harness, 1001) == {"KIT-MUG-CER": 2, "HOM-CSH-LIN": 2}


async def test_nothing_left_of_an_order_says_so(harness: ShopHarness) -> None:
    order_id = await past_order(harness, 1001, {"OUT-KNF-FLD": 2})
    alice = harness.user(1001, "Alice")
    await open_order(alice, order_id)
    await alice.press("Buy again")
    said = shown(alice)
    assert f"Nothing from order #{order_id} could go in your cart." in said
    assert "Folding Pocket Knife is sold out." in said
    assert await _cart_of(harness, 1001) == {}


async def test_a_russian_shopper_reads_buy_again_in_russian(harness: ShopHarness) -> None:
    order_id = await past_order(harness, 1001, {"KIT-MUG-CER": 1, "OUT-KNF-FLD": 1})
    olga = harness.user(1001, "Olga", language_code="ru")
    await open_order(olga, order_id)
    await olga.press("Купить снова")
    said = shown(olga)
    assert f"Товары заказа #{order_id} в вашей корзине." in said
    assert "Складной карманный нож: нет в наличии." in said


async def test_no_buy_again_on_an_order_waiting_for_payment_nor_on_someone_elses(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await open_invoice(alice, "KIT-MUG-CER")
    waiting = await newest_order(harness)
    await open_order(alice, waiting)
    assert "Buy again" not in [b.label for b in alice.last_message.all_buttons]  # type: ignore[union-attr]
    await alice.press_data(alice.last_message, f"1:rb:{waiting}")  # type: ignore[arg-type]
    assert f"Order #{waiting}" in shown(alice)  # her order, as it is

    bobs = await past_order(harness, 1002, {"KIT-MUG-CER": 1})
    answer = await alice.press_data(alice.last_message, f"1:rb:{bobs}")  # type: ignore[arg-type]
    assert answer.text == "That order is not in your history."
    assert await _cart_of(harness, 1001) == {"KIT-MUG-CER": 1}  # her own cart, untouched
