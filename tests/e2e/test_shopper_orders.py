"""Paying, cancelling a waiting payment, and the shopper's order history, end to end."""

from __future__ import annotations

from sqlalchemy import select

from bot import conversation
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.store.models import Order, OrderLine, Product
from tests.e2e.shopper import open_invoice, shown


async def _checkout_mug(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await open_invoice(alice, "KIT-MUG-CER")


async def test_paying_moves_the_chat_to_paid_and_lists_the_order(harness: ShopHarness) -> None:
    await _checkout_mug(harness)
    alice = harness.user(1001, "Alice")
    assert await conversation.state_of(harness.store, alice.user_id) == "awaiting_payment"
    result = await alice.pay()
    assert result.ok
    await alice.send("/orders")
    orders = await alice.wait_for("Your orders")
    (button,) = [b for b in orders.all_buttons if b.label.startswith("#")]
    assert "✅ Paid" in button.label and "$" in button.label
    assert await conversation.state_of(harness.store, alice.user_id) == "idle"
    await alice.press(button.label)
    detail = alice.last_message
    assert detail is not None and "1 × Stoneware Mug 350ml = $16.00" in (detail.text or "")
    assert "✅ Paid" in (detail.text or "")
    await alice.press("My orders")
    assert "Your orders" in shown(alice)


async def test_a_second_checkout_waits_for_the_open_invoice(harness: ShopHarness) -> None:
    await _checkout_mug(harness)
    alice = harness.user(1001, "Alice")
    await alice.send("checkout")
    waiting = await alice.wait_for("waiting for payment")
    assert "/cancel" in (waiting.text or "")


async def test_cancel_while_paying_cancels_the_payment(harness: ShopHarness) -> None:
    await _checkout_mug(harness)
    alice = harness.user(1001, "Alice")
    await alice.send("/cancel")
    await alice.wait_for("Payment cancelled. Back to the main menu.")
    assert await conversation.state_of(harness.store, alice.user_id) == "cancelled"
    await alice.send("cart")  # the next action moves on, the cart is still there
    cart = await alice.wait_for("Your cart")
    assert "Stoneware Mug 350ml" in (cart.text or "")
    assert await conversation.state_of(harness.store, alice.user_id) == "cart"


async def test_someone_elses_order_is_not_shown(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/orders")
    empty = await alice.wait_for("You have no orders yet")
    answer = await alice.press_data(empty, "1:ord:1")
    assert answer.text == "That order is not in your history."


async def _paid_orders(harness: ShopHarness, telegram_id: int, count: int) -> list[int]:
    """`count` paid mug orders of one shopper, oldest first (their ids)."""
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        mug = await uow.session.scalar(select(Product.id).where(Product.sku == "KIT-MUG-CER"))
        assert mug is not None
        ids = []
        for _ in range(count):
            line = OrderLine(
                product_id=mug,
                sku="KIT-MUG-CER",
                title="Stoneware Mug 350ml",
                unit_price=1600,
                currency="USD",
                quantity=1,
            )
            order = Order(
                customer_id=customer.id,
                status="paid",
                currency="USD",
                items_total=1600,
                total=1600,
                lines=[line],
            )
            ids.append((await uow.orders.add(order)).id)
    return ids


def _listed(message: Message) -> list[int]:
    return [int(b.label[1:].split()[0]) for b in message.all_buttons if b.label.startswith("#")]


async def test_a_shopper_with_25_orders_pages_back_to_her_first(harness: ShopHarness) -> None:
    ids = await _paid_orders(harness, 1001, 25)
    alice = harness.user(1001, "Alice")
    await alice.send("/orders")
    newest = await alice.wait_for("Your orders")
    assert _listed(newest) == ids[:-11:-1]
    assert "◀ Newer" not in [b.label for b in newest.all_buttons]
    await alice.press("Older ▶")
    middle = alice.last_message
    assert middle is not None and _listed(middle) == ids[-11:-21:-1]
    assert {"◀ Newer", "Older ▶"} <= {b.label for b in middle.all_buttons}
    await alice.press("Older ▶")
    oldest = alice.last_message
    assert oldest is not None and _listed(oldest) == ids[4::-1]
    assert "Older ▶" not in [b.label for b in oldest.all_buttons]
    await alice.press(f"#{ids[0]} ")
    assert f"Order #{ids[0]}" in shown(alice)
    await alice.press("My orders")  # back to the page she opened it from
    assert _listed(alice.last_message) == ids[4::-1]  # type: ignore[arg-type]
    await alice.press("◀ Newer")
    await alice.press("◀ Newer")
    assert _listed(alice.last_message) == ids[:-11:-1]  # type: ignore[arg-type]
