"""The whole story through the stand-in and localstripe: a code from a newsletter link, a
note for the shop, a card payment with a tip; the receipt, the admin's alert, order screen
and /stats show them, and refunds give back every cent of what was paid (tip included)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases.orders import refund_order
from tests.e2e.shopper import add_to_cart, open_order_summary, screen, shown
from tests.payments.conftest import (
    ADMIN_ID,
    STRIPE_KEY,
    StripeTestAccount,
    add_product,
    fill_cart,
    stars_harness,
)

ALICE, BOB = 1001, 1002


@pytest.fixture
async def shop(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    async with ShopHarness(
        tmp_path,
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
        stripe_api_key=STRIPE_KEY,
        stripe_api_base=localstripe,
        tip_max=1000,
        tip_suggested=(100, 200, 500),
    ) as h:
        yield h


async def _new_code(admin: FakeUser, line: str) -> None:
    await admin.send(f"/promo new {line}")
    await admin.wait_for("Created")


async def test_code_from_a_link_note_and_tip_paid_refunded_and_reported(
    shop: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    assert shop.shop is not None
    admin, alice = shop.user(ADMIN_ID, "Ada"), shop.user(ALICE, "Alice")
    await _new_code(admin, "WELCOME10 10% per=1")

    await alice.send("/start promo_welcome10")
    saved = await alice.wait_for("Code WELCOME10 is saved")
    assert "10% off. It comes off at checkout." in (saved.text or "")
    await add_to_cart(alice, "KIT-MUG-CER")
    await add_to_cart(alice, "STA-PEN-FTN")  # $16.00 + $34.00 = $50.00
    await open_order_summary(alice)
    summary = shown(alice)
    assert "Discount (WELCOME10), 10% off: −$5.00" in summary
    assert "Total: $45.00" in summary

    await alice.press("Note for the shop")
    await alice.wait_for("Type a short note for the shop", include_existing=True)
    await alice.send("Please leave it with the neighbour at no. 12\u202e\x07")
    kept = await alice.wait_for("Your note is added to the order")
    assert "Note for the shop: Please leave it with the neighbour at no. 12" in (kept.text or "")

    await alice.press("Pay $45.00")
    invoice = await alice.wait_for(lambda m: m.invoice is not None)
    assert invoice.invoice is not None
    prices = [(p["label"], p["amount"]) for p in invoice.invoice["prices"]]
    assert prices[-1] == ("Discount (WELCOME10)", -500) and sum(a for _, a in prices) == 4500
    assert invoice.invoice["max_tip_amount"] == 1000
    assert invoice.invoice["suggested_tip_amounts"] == [100, 200, 500]

    # $45.00 of goods (below FREE_SHIPPING_OVER after the discount) + $5.00 standard
    # shipping + a $2.00 tip.
    charge = await stripe_account.charge(5200)
    paid = await alice.pay(
        invoice, shipping_option_id="standard", tip_amount=200, provider_payment_charge_id=charge
    )
    assert paid.ok, paid
    receipt = await alice.wait_for("Payment received")
    text = receipt.text or ""
    assert "Discount (WELCOME10): −$5.00" in text
    assert "Shipping (standard): $5.00" in text
    assert "Tip: $2.00" in text
    assert "Total: $52.00" in text

    alert = await admin.wait_for("New paid order")
    assert "Discount (WELCOME10): −$5.00" in (alert.text or "")
    assert "Tip: $2.00" in (alert.text or "")
    assert "📝 Note from the shopper: Please leave it with the neighbour at no. 12" in (
        alert.text or ""
    )

    await admin.send("/orders_admin")
    await admin.wait_for("All orders")
    await admin.press("#1")
    screen = await admin.wait_for(lambda m: "Order #1 ·" in (m.text or ""))
    detail = screen.text or ""
    assert "1 × KIT-MUG-CER Stoneware Mug 350ml — $16.00 (−$1.60: $14.40)" in detail
    assert "1 × STA-PEN-FTN Fountain Pen, Fine Nib — $34.00 (−$3.40: $30.60)" in detail
    assert "Discount (WELCOME10) −$5.00 · tip $2.00" in detail
    assert "Total: $52.00" in detail
    assert "📝 Note from the shopper: Please leave it with the neighbour at no. 12" in detail

    await alice.send("/orders")
    await alice.wait_for("Your orders")
    await alice.press("#1")
    mine = await alice.wait_for(lambda m: "Order #1" in (m.text or "") and "Tip" in (m.text or ""))
    assert "Discount (WELCOME10): −$5.00" in (mine.text or "")

    await admin.send("/stats")
    stats = await admin.wait_for("Shop report")
    assert "discounts $5.00; tips $2.00" in (stats.text or "")
    assert "1. WELCOME10: 1 order, $5.00 off" in (stats.text or "")

    # The pen back, named by its SKU: its price less its share of the discount; then the
    # rest, tip included.
    await admin.send("/orders_admin")
    await admin.wait_for("All orders")
    await admin.press("#1")
    await admin.wait_for(lambda m: "Order #1 ·" in (m.text or ""))
    await admin.press("Refund")
    await admin.wait_for("or a SKU (and how many)")
    await admin.send("sta-pen-ftn")
    await admin.wait_for("Refund $30.60 of order #1?")
    await admin.press("Refund $30.60")
    await admin.wait_for(lambda m: "Partially refunded" in (m.text or ""))
    rest = await refund_order(shop.shop, 1, amount=None, actor="admin:9001")
    assert rest.new_status == "refunded"
    assert (await stripe_account.charge_info(charge)).amount_refunded == 5200
    async with shop.store.uow() as uow:
        order = await uow.orders.get(1)
        assert order is not None
        assert (order.total, order.refunded_amount, order.tip_amount) == (5200, 5200, 200)
        cart = await uow.carts.get_for_customer(order.customer_id)
        assert (cart.promo_code, cart.note) == (None, None)  # used up with the order

    # Once per customer: the same link again is refused in plain words.
    await alice.send("/start promo_WELCOME10")
    await alice.wait_for("You have already used the code WELCOME10 (once per customer).")


async def test_codes_typed_on_the_summary_refused_applied_and_removed(shop: ShopHarness) -> None:
    admin, bob = shop.user(ADMIN_ID, "Ada"), shop.user(BOB, "Bob")
    await _new_code(admin, "MUGS 3.00 cat=Kitchen min=20.00")
    await _new_code(admin, "LATER 10% from=2099-01-01")
    await add_to_cart(bob, "KIT-MUG-CER")  # $16.00
    await open_order_summary(bob)

    await bob.press("Promo code")
    await bob.wait_for("Type your promo code", include_existing=True)
    for typed, why in [
        ("NOSUCH", "There is no promo code “NOSUCH”. Check the spelling?"),
        ("later", "The code LATER can be used from January 1, 2099."),
        ("mugs", "The code MUGS needs an order of at least $20.00 (yours is $16.00)."),
    ]:
        await bob.send(typed)
        await bob.wait_for(lambda m, why=why: why in (m.text or ""))
    await add_to_cart(bob, "STA-NTB-A5D")  # + $18.00 of stationery: the minimum is met
    await open_order_summary(bob)
    await bob.press("Promo code")
    await bob.wait_for("Type your promo code", include_existing=True)
    await bob.send("mugs")
    applied = await bob.wait_for("Code MUGS applied: $3.00 off Kitchen (−$3.00).")
    assert "Total: $31.00" in (applied.text or "")
    assert "Pay $31.00" in str(applied.all_buttons)

    await bob.press("Remove code MUGS")
    removed = await bob.wait_for("Code MUGS removed.", include_existing=True)
    assert "Total: $34.00" in (removed.text or "")

    await bob.press("Note for the shop")
    await bob.wait_for("Type a short note", include_existing=True)
    await bob.send("x" * 201)
    await bob.wait_for("That note is 201 characters long; please keep it to 200.")
    await bob.send("A gift: no price tag, please")
    await bob.wait_for("Your note is added to the order")
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(BOB)
        assert customer is not None
        cart = await uow.carts.get_for_customer(customer.id)
        assert (cart.promo_code, cart.note) == (None, "A gift: no price tag, please")


async def test_a_percent_code_that_takes_nothing_off_this_cart_is_refused(
    tmp_path: Path,
) -> None:
    """10% of a ⭐ 9 template is less than one Star: the code would be applied for nothing,
    so Alice is told why it does not help here and the summary stays without it."""
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        await _new_code(admin, "TEN 10%")
        template = await add_product(
            h.shop, "TPL", price=9, currency="XTR", digital=True, title="Badge Template"
        )
        await fill_cart(h.shop, ALICE, {template: 1})
        await open_order_summary(alice)
        await alice.press("Promo code")
        await alice.wait_for("code")

        await alice.send("TEN")

        said = await alice.wait_for("nothing off")
        assert "TEN" in (said.text or "") and "10%" in (said.text or "")
        await open_order_summary(alice)
        assert "Discount" not in shown(alice) and "Pay ⭐ 9" in screen(alice)
