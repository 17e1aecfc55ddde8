"""Paying, cancelling a waiting payment, and the shopper's order history, end to end."""

from __future__ import annotations

from bot import conversation
from bot.standin.harness import ShopHarness
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
