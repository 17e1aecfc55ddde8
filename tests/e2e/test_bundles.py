"""A set through the real bot: Ada makes the tea set ($68.00) of the Gooseneck Kettle
($45.00) and two Stoneware Mugs ($16.00 each); Alice's card of it says what is inside, what
it saves against buying them apart, and the stock its parts make; she buys it and pays, and
the kettle and two mugs leave stock. The mug's own card is unchanged."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.usecases import restock
from tests.admin.test_e2e_bundles import KETTLE, MUG, SET, add_tea_set
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import newest_order, open_invoice


async def _stock(harness: ShopHarness, sku: str) -> tuple[int, int]:
    async with harness.store.reading() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        return product.stock, product.reserved


async def test_alice_sees_what_is_in_the_tea_set_buys_it_and_its_parts_leave_stock(
    harness: ShopHarness,
) -> None:
    ada, alice = harness.user(ADMIN_ID, "Ada"), harness.user(1001, "Alice")
    await add_tea_set(harness)
    await ada.send(f"/bundle {SET} {KETTLE}:1 {MUG}:2")
    await ada.wait_for(f"{SET} is a set of:")
    await ada.send(f"/stock {KETTLE} 2")  # two kettles make two sets
    await ada.wait_for(f"{KETTLE} stock: 6 → 2")

    await alice.send(f"/start product_{SET}")
    card = (await alice.wait_for("Tea set")).text or ""
    assert "$68.00 · Only 2 left\n" in card
    assert (
        "🧺 In this set: 1 × Gooseneck Kettle 1L, 2 × Stoneware Mug 350ml\n"
        "You save $9.00 against buying them apart\n"
    ) in card
    await alice.send(f"/start product_{MUG}")
    mug_card = (await alice.wait_for("Stoneware Mug 350ml")).text or ""
    assert "🧺" not in mug_card and "You save" not in mug_card

    invoice = await open_invoice(alice, SET)
    assert invoice.invoice is not None
    assert [price["amount"] for price in invoice.invoice["prices"]] == [6800]
    assert await _stock(harness, KETTLE) == (2, 1)  # held by her invoice
    assert await _stock(harness, MUG) == (24, 2)
    assert (await alice.pay(shipping_option_id="standard")).ok
    await alice.wait_for("Payment received")
    assert await _stock(harness, KETTLE) == (1, 0)
    assert await _stock(harness, MUG) == (22, 0)
    assert await _stock(harness, SET) == (0, 0)

    # Ada packs it: the order's one line, its parts beneath.
    await ada.send(f"/orders_admin #{await newest_order(harness)}")
    packing = (await ada.wait_for("Shopper: ")).text or ""
    assert (
        f"1 × {SET} Tea set — $68.00\n  └ 1 × Gooseneck Kettle 1L\n  └ 2 × Stoneware Mug 350ml\n"
    ) in packing

    await alice.send(f"/start product_{SET}")
    assert "$68.00 · Only 1 left\n" in ((await alice.wait_for("Tea set")).text or "")


async def test_alice_waiting_for_the_tea_set_hears_when_its_parts_make_one_again(
    harness: ShopHarness,
) -> None:
    """The set's own stock stays 0: it is back when a kettle comes back to go with the mugs."""
    ada, alice = harness.user(ADMIN_ID, "Ada"), harness.user(1001, "Alice")
    await add_tea_set(harness)
    await ada.send(f"/bundle {SET} {KETTLE}:1 {MUG}:2")
    await ada.wait_for(f"{SET} is a set of:")
    await ada.send(f"/stock {KETTLE} 0")
    await ada.wait_for(f"{KETTLE} stock: 6 → 0")
    await alice.send(f"/start product_{SET}")
    await alice.wait_for("Out of stock")
    await alice.press("Notify me")
    await alice.wait_for("I'll message you when it's back", include_existing=True)
    assert harness.shop is not None
    assert await restock.tell_waiting_shoppers(harness.shop) == 0  # no kettle: no set

    await ada.send(f"/stock {KETTLE} 1")
    await ada.wait_for(f"{KETTLE} stock: 0 → 1")
    assert await restock.tell_waiting_shoppers(harness.shop) == 1
    await alice.wait_for("🔔 Good news: Tea set is back in stock!")
