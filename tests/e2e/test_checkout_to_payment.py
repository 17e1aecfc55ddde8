"""From the chat's own Pay button to a paid order: holds, /cancel, low-stock alerts, /orders."""

from __future__ import annotations

from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import InvoiceScreen, PaymentRefusedScreen
from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from bot.standin.models import Message, render
from bot.standin.user import FakeUser
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_invoice, open_order_summary

CUSHION = "HOM-CSH-LIN"  # the seed catalog has 2 of them; the low-stock threshold is 3
MUG, PRESS = "KIT-MUG-CER", "KIT-FRP-600"  # $16.00 and $29.00


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


async def _orders(harness: ShopHarness) -> list[tuple[int, str]]:
    async with harness.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        assert customer is not None
        found = await uow.orders.list_for_customer(customer.id)
        return sorted((o.id, o.status) for o in found)


async def test_pay_on_an_older_summary_shows_the_cart_as_it_is_now_instead_of_an_invoice(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await add_to_cart(alice, MUG)
    await open_order_summary(alice)
    summary = alice.last_message
    assert summary is not None and "💳 Pay $16.00" in render(summary)
    await add_to_cart(alice, PRESS)  # in another message: the summary still says $16.00

    await alice.press("Pay", message=summary)
    await harness.until_idle()

    assert not [m for m in alice.messages if m.invoice is not None]
    assert await _orders(harness) == []  # nothing held for a cart she did not see
    shown = render(summary)
    assert "Your cart has changed since that summary. Here it is now" in shown
    assert "1 × Stoneware Mug 350ml = $16.00" in shown
    assert "1 × French Press 600ml = $29.00" in shown
    assert "💳 Pay $45.00" in shown
    await alice.press("Pay", message=summary)  # the summary she sees now
    invoice = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    assert [price["amount"] for price in invoice.invoice["prices"]] == [1600, 2900]


async def test_pay_on_the_summary_of_an_order_paid_since_says_so(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await add_to_cart(alice, MUG)
    await open_order_summary(alice)
    summary = alice.last_message
    assert summary is not None
    await alice.press("Pay", message=summary)
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert (await alice.pay(shipping_option_id="standard")).ok
    await alice.wait_for("Payment received")
    await add_to_cart(alice, MUG)  # the very same cart again

    await alice.press("Pay", message=summary)
    await harness.until_idle()

    assert "Order #1 is already paid. See /orders." in render(summary)
    assert len([m for m in alice.messages if m.invoice is not None]) == 1  # no second one
    assert await _orders(harness) == [(1, "paid")]


async def test_an_older_summary_whose_cart_was_never_paid_is_paid_as_it_showed(
    harness: ShopHarness,
) -> None:
    """Alice's cushion summary waits while she buys a mug instead; she then puts the cushion
    back and taps that summary's Pay. The mug order paid since is not what it showed: the
    cushion is invoiced, not refused as "already paid"."""
    alice = harness.user(1001, "Alice")
    await add_to_cart(alice, CUSHION)
    await open_order_summary(alice)
    cushion_summary = alice.last_message
    assert cushion_summary is not None and "💳 Pay $19.00" in render(cushion_summary)
    await alice.send("/cart")
    await alice.wait_for("Your cart")
    await alice.press("Clear cart")
    mug_invoice = await open_invoice(alice, MUG)
    assert (await alice.pay(shipping_option_id="standard")).ok
    await alice.wait_for("Payment received")
    await add_to_cart(alice, CUSHION)

    await alice.press("Pay", message=cushion_summary)
    invoice = await alice.wait_for(lambda m: m.invoice is not None and m is not mug_invoice)

    assert "already paid" not in render(cushion_summary)
    assert invoice.invoice is not None
    assert [price["amount"] for price in invoice.invoice["prices"]] == [1900]  # the cushion
    assert await _orders(harness) == [(1, "paid"), (2, "awaiting_payment")]


async def test_a_code_brought_after_the_summary_shows_the_new_total_before_paying(
    harness: ShopHarness,
) -> None:
    """The same lines, another total: the summary's Pay said $48.00, the order would be $43.20."""
    async with harness.store.uow() as uow:
        await uow.promos.add(parse_new(["TEN", "10%", "min=30.00"], "USD").to_model())
    alice = harness.user(1001, "Alice")
    for _ in range(3):
        await add_to_cart(alice, MUG)
    await open_order_summary(alice)
    summary = alice.last_message
    assert summary is not None and "💳 Pay $48.00" in render(summary)
    await alice.send("/start promo_TEN")  # a newsletter link, opened meanwhile
    await alice.wait_for("Code TEN is saved")

    await alice.press("Pay", message=summary)
    await harness.until_idle()

    assert "Your cart has changed since that summary" in render(summary)
    assert "💳 Pay $43.20" in render(summary)
    assert await _orders(harness) == []


async def test_pay_under_a_code_that_came_off_works_for_a_shopper_who_paid_before(
    harness: ShopHarness,
) -> None:
    """A summary that says the code was taken off still has its Pay button, and it pays."""
    async with harness.store.uow() as uow:
        await uow.promos.add(parse_new(["TEN", "10%", "min=30.00"], "USD").to_model())
    alice = harness.user(1001, "Alice")
    await open_invoice(alice, MUG)
    assert (await alice.pay(shipping_option_id="standard")).ok
    await alice.wait_for("Payment received")
    await alice.send("/start promo_TEN")
    await alice.wait_for("Code TEN is saved")
    await add_to_cart(alice, MUG)  # $16.00: below the code's minimum
    await open_order_summary(alice)
    summary = alice.last_message
    assert summary is not None and "The code was taken off your order." in render(summary)

    await alice.press("Pay", message=summary)
    invoice = await alice.wait_for(lambda m: m.invoice is not None and m is not summary)
    assert invoice.invoice is not None and "Order #2" in invoice.invoice["title"]


async def _hold_both_cushions(shopper: FakeUser) -> Message:
    """Both cushions into the cart, check out, Pay: the invoice holding them."""
    await _both_cushions_in_cart(shopper)
    await open_order_summary(shopper)
    await shopper.press("Pay")
    return await shopper.wait_for(lambda m: m.invoice is not None, include_existing=True)


async def _both_cushions_in_cart(shopper: FakeUser) -> None:
    await shopper.send(f"/start product_{CUSHION}")
    await shopper.wait_for("Add to cart")
    await shopper.press("➕")
    await shopper.press("Add to cart")


async def test_her_own_held_cushions_are_hers_not_sold_out_while_the_invoice_is_open(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    first = await _hold_both_cushions(alice)
    assert await _stock(harness, CUSHION) == (2, 2)

    await alice.send("/cart")
    cart = render(await alice.wait_for("Your cart"))
    assert "sold out" not in cart
    assert "🔒 2 held for your order #1 — pay the invoice above, or /cancel" in cart

    await alice.send(f"/start product_{CUSHION}")
    card = render(await alice.wait_for("Linen Cushion Cover"))
    assert "Out of stock" not in card and "Notify me" not in card
    assert "🛒 In your cart: 2" in card
    assert "🔒 2 held for your order #1 — pay the invoice above, or /cancel" in card

    await open_order_summary(alice)  # checking out again keeps both
    summary = render(alice.messages[-1])
    assert "sold out" not in summary and "2 × Linen Cushion Cover = $38.00" in summary
    await alice.press("Pay")  # the new order takes over the hold of the first
    second = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert second.message_id != first.message_id
    assert first.message_id not in [m.message_id for m in alice.messages]
    assert await _stock(harness, CUSHION) == (2, 2)
    assert await _orders(harness) == [(1, "cancelled"), (2, "awaiting_payment")]


async def test_cushions_held_for_another_shopper_still_show_as_sold_out(
    harness: ShopHarness,
) -> None:
    bob = harness.user(1002, "Bob")
    await _both_cushions_in_cart(bob)
    alice = harness.user(1001, "Alice")
    await _hold_both_cushions(alice)

    await bob.send("/cart")
    cart = render(await bob.wait_for("Your cart"))
    assert "sold out; it will be removed at checkout" in cart and "held" not in cart

    await bob.send(f"/start product_{CUSHION}")
    card = render(await bob.wait_for("Linen Cushion Cover"))
    assert "Out of stock" in card and "Notify me" in card and "held" not in card


async def test_she_adds_the_last_cushion_beside_the_one_her_invoice_holds(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _checkout_one_cushion(alice)  # holds 1 of 2

    await add_to_cart(alice, CUSHION)  # the free one, and the held one is still hers
    card = render(await alice.wait_for("Added 1 × Linen Cushion Cover"))
    assert "🛒 In your cart: 2" in card
    assert "🔒 1 held for your order #1 — pay the invoice above, or /cancel" in card
    await open_order_summary(alice)
    assert "2 × Linen Cushion Cover = $38.00" in render(alice.messages[-1])


async def test_her_held_size_is_not_marked_sold_out_on_the_size_buttons(
    harness: ShopHarness,
) -> None:
    alice, bob = harness.user(1001, "Alice"), harness.user(1002, "Bob")
    await alice.send("/start product_APP-TEE-ORG-L-CHA")  # all 3 L / Charcoal tees
    await alice.wait_for("L / Charcoal")
    await alice.press("➕")
    await alice.press("➕")
    await alice.press("Add to cart")
    await alice.wait_for("In your cart: 3", include_existing=True)
    await open_order_summary(alice)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)

    await alice.send("/start product_APP-TEE-ORG-S-CHA")  # S shown: L is not short for her
    card = render(await alice.wait_for("S / Charcoal"))
    assert "[• S] [M] [L]" in card
    await bob.send("/start product_APP-TEE-ORG-S-CHA")  # held for Alice, not for Bob
    assert "[• S] [M] [L ✕]" in render(await bob.wait_for("S / Charcoal"))


async def test_an_invoice_whose_order_was_replaced_while_it_went_out_is_taken_back(
    harness: ShopHarness,
) -> None:
    """Two checkouts of Alice's cart at once (a double tap, or the shop page beside the
    chat): the first order's invoice arrives after the second checkout replaced it. It could
    not be paid; it is taken out of the chat, and she is told to pay the newer one."""
    assert harness.shop is not None
    alice = harness.user(1001, "Alice")
    await add_to_cart(alice, MUG)
    who = Shopper(chat_id=1001, user_id=1001, first_name="Alice")
    first = await journey.pay(harness.shop, who)
    second = await journey.pay(harness.shop, who)  # replaces the first order
    assert isinstance(first, InvoiceScreen) and isinstance(second, InvoiceScreen)
    late = await harness.app.bot.send_message(1001, "the first order's invoice, arriving late")

    screen = await journey.invoice_sent(harness.shop, who, first, late.message_id)

    assert isinstance(screen, PaymentRefusedScreen)
    assert f"Order #{first.order.order_id} was replaced" in screen.reason
    deleted = [c.params.get("message_id") for c in harness.standin.calls_to("deleteMessage")]
    assert late.message_id in deleted
    assert await _orders(harness) == [(1, "cancelled"), (2, "awaiting_payment")]
