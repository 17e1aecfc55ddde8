"""From the chat's own Pay button to a paid order: holds, /cancel, low-stock alerts, /orders."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import open_invoice

CUSHION = "HOM-CSH-LIN"  # the seed catalog has 2 of them; the low-stock threshold is 3


async def _stock(harness: ShopHarness, sku: str) -> tuple[int, int]:
    async with harness.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        return product.stock, product.reserved


async def _checkout_one_cushion(alice: FakeUser) -> None:
    await open_invoice(alice, CUSHION)


async def test_cancel_lets_the_held_stock_go_at_once(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await _checkout_one_cushion(alice)
    invoice = next(m for m in alice.messages if m.invoice is not None)
    assert await _stock(harness, CUSHION) == (2, 1)

    await alice.send("/cancel")
    await alice.wait_for("Payment cancelled")
    assert await _stock(harness, CUSHION) == (2, 0)
    assert invoice.message_id not in [m.message_id for m in alice.messages]  # invoice removed
    await alice.send("/orders")
    await alice.wait_for("Cancelled")


async def test_paying_through_the_chat_sells_alerts_low_stock_and_lists_the_order(
    harness: ShopHarness,
) -> None:
    ada = harness.user(ADMIN_ID, "Ada")
    alice = harness.user(1001, "Alice")
    await _checkout_one_cushion(alice)

    result = await alice.pay(shipping_option_id="standard")
    assert result.ok, result.error_message
    receipt = await alice.wait_for("Payment received")
    assert "1 × Linen Cushion Cover" in (receipt.text or "")
    assert await _stock(harness, CUSHION) == (1, 0)
    alert = await ada.wait_for("Low stock", include_existing=True)
    assert f"{CUSHION} · Linen Cushion Cover: 1 left" in (alert.text or "")
    await ada.wait_for("New paid order #1", include_existing=True)

    await alice.replay(result.successful_payment_update)  # Telegram delivers it again
    await alice.send("/orders")
    listing = await alice.wait_for("Your orders")
    orders = [b.label for b in listing.all_buttons if b.label.startswith("#")]
    assert len(orders) == 1 and orders[0].startswith("#1 · ✅ Paid · $24.00 · ")
    assert await _stock(harness, CUSHION) == (1, 0)  # the replay changed nothing
