"""Products with variants through the real bot: the Organic Tee of the seed catalog comes
in sizes S/M/L and colours Oat/Charcoal, each combination with its own SKU and stock
(S/Oat 6, M/Oat 8, L/Oat 0, S/Charcoal 4, M/Charcoal 5, L/Charcoal 3 at $26.00)."""

from __future__ import annotations

from bot.payments.invoice import MAX_LABEL
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases import restock
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import screen, shown

TEE = "APP-TEE-ORG"


async def _variant_stock(harness: ShopHarness, sku: str) -> tuple[int, int]:
    async with harness.store.uow() as uow:
        variant = await uow.products.get_variant_by_sku(sku)
        assert variant is not None
        return variant.stock, variant.reserved


async def _open_tee(alice: FakeUser, sku: str = TEE) -> None:
    await alice.send(f"/start product_{sku}")
    await alice.wait_for("Organic Tee")


async def test_shopper_picks_a_size_and_colour_buys_it_and_the_admin_sees_which(
    harness: ShopHarness,
) -> None:
    alice, ada = harness.user(1001, "Alice"), harness.user(ADMIN_ID, "Ada")
    await _open_tee(alice)
    card = screen(alice)
    assert "S / Oat\n$24.00 · In stock" in card  # the first in stock is chosen
    assert "[• S] [M] [L ✕]" in card  # L in Oat is sold out
    assert "[• Oat] [Charcoal]" in card

    await alice.press("M")
    await alice.wait_for("M / Oat")
    assert "[S] [• M] [L ✕]" in screen(alice)

    await alice.press("Charcoal")
    await alice.wait_for("M / Charcoal")
    assert "[S] [• M] [L]" in screen(alice)  # every size is in stock in Charcoal
    await alice.press("L")
    await alice.wait_for("L / Charcoal\n$26.00 · Only 3 left")  # its own price and stock
    assert "Add to cart · $26.00" in screen(alice)

    answer = await alice.press("Oat")  # L stays chosen: L in Oat, sold out
    assert answer.text is not None and "L / Oat is sold out" in answer.text
    sold_out = await alice.wait_for("L / Oat\n$24.00 · Out of stock", include_existing=True)
    assert "Add to cart" not in alice.render(sold_out)
    assert "Notify me" in alice.render(sold_out)

    await alice.press("M")
    await alice.wait_for("M / Oat\n$24.00 · In stock")
    answer = await alice.press("Add to cart")
    assert answer.text == "Added 1 × Organic Tee - M / Oat to your cart."
    await alice.wait_for("In your cart: 1", include_existing=True)

    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "1. Organic Tee - M / Oat\n    1 × $24.00 = $24.00" in (cart.text or "")
    await alice.press("Checkout")
    await alice.wait_for("Order summary", include_existing=True)
    await alice.press("Pay")
    invoice = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    labels = [price["label"] for price in invoice.invoice["prices"]]
    assert labels[0] == "Organic Tee - M / Oat × 1"
    assert await _variant_stock(harness, "APP-TEE-ORG-M-OAT") == (8, 1)  # held

    result = await alice.pay(shipping_option_id="standard")
    assert result.ok, result.error_message
    receipt = await alice.wait_for("Payment received")
    assert "1 × Organic Tee - M / Oat" in (receipt.text or "")
    assert await _variant_stock(harness, "APP-TEE-ORG-M-OAT") == (7, 0)  # sold
    assert await _variant_stock(harness, "APP-TEE-ORG-M-CHA") == (5, 0)  # untouched

    await ada.wait_for("New paid order #1", include_existing=True)
    await ada.send("/orders_admin paid")
    await ada.wait_for("#1 · ✅ Paid")
    await ada.press("#1 · $29.00")
    detail = await ada.wait_for("Order #1 · ✅ Paid")
    assert "Organic Tee - M / Oat" in (detail.text or "")

    # Cancelled, the order puts its unit back on that variant's shelf.
    await ada.press("✖️ Cancel")
    await ada.wait_for("a paid order is refunded in full")
    await ada.press("Yes, cancel it")
    await alice.wait_for("has been cancelled")
    assert await _variant_stock(harness, "APP-TEE-ORG-M-OAT") == (8, 0)
    assert await _variant_stock(harness, "APP-TEE-ORG-M-CHA") == (5, 0)


async def test_a_deep_link_to_a_variant_sku_opens_the_product_with_it_chosen(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _open_tee(alice, "APP-TEE-ORG-L-CHA")
    assert "L / Charcoal\n$26.00 · Only 3 left" in shown(alice)
    assert "[S] [M] [• L]\n[Oat ✕] [• Charcoal]" in screen(alice)  # L in Oat: sold out
    assert "[photo app-tee-org-cha.png]" in screen(alice)  # the Charcoal variants' own photo
    await alice.send("/start product_app-tee-org-m-cha")  # typed in lower case
    await alice.wait_for("M / Charcoal")


async def test_stale_or_forged_variant_buttons_get_a_clear_answer(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await _open_tee(alice)
    card = alice.last_message
    assert card is not None
    async with harness.store.uow() as uow:
        tee = await uow.products.get_by_sku(TEE)
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert tee is not None and mug is not None
    for forged in (f"1:add:{tee.id}:1:99999", f"1:p:{tee.id}:1:99999", f"1:add:{tee.id}:1"):
        answer = await alice.press_data(card, forged)
        assert answer.text is not None and "option is no longer available" in answer.text
        assert "[• S]" in screen(alice)  # the tee is shown again, nothing added
    answer = await alice.press_data(card, f"1:add:{mug.id}:1:99999")  # a mug has no variants
    assert answer.text is not None and "option is no longer available" in answer.text
    assert "Stoneware Mug 350ml" in screen(alice)
    await alice.send("/cart")
    await alice.wait_for("Your cart is empty")


async def test_a_sold_out_variant_notifies_its_waiting_shopper_when_restocked(
    harness: ShopHarness,
) -> None:
    alice, ada = harness.user(1001, "Alice"), harness.user(ADMIN_ID, "Ada")
    await _open_tee(alice, "APP-TEE-ORG-L-OAT")
    await alice.wait_for("L / Oat\n$24.00 · Out of stock", include_existing=True)
    await alice.press("Notify me")
    await alice.wait_for("I'll message you as soon as Organic Tee - L / Oat is back")
    assert harness.shop is not None

    await ada.send("/stock APP-TEE-ORG-M-OAT +1")  # another variant: nobody waits for it
    await ada.wait_for("APP-TEE-ORG-M-OAT stock: 8 → 9")
    assert await restock.tell_waiting_shoppers(harness.shop) == 0

    await ada.send("/stock APP-TEE-ORG-L-OAT 4")
    await ada.wait_for("APP-TEE-ORG-L-OAT stock: 0 → 4")
    assert await restock.tell_waiting_shoppers(harness.shop) == 1
    back = await alice.wait_for("Good news: Organic Tee - L / Oat is back in stock!")
    await alice.press("Organic Tee - L / Oat", message=back)
    await alice.wait_for("L / Oat\n$24.00 · In stock")


async def test_stock_command_works_per_variant(harness: ShopHarness) -> None:
    ada = harness.user(ADMIN_ID, "Ada")
    await ada.send(f"/stock {TEE} 5")
    refused = await ada.wait_for("is sold as variants")
    assert "APP-TEE-ORG-S-OAT (S / Oat: 6)" in (refused.text or "")
    await ada.send("/stock app-tee-org-s-cha -3")
    await ada.wait_for("APP-TEE-ORG-S-CHA stock: 4 → 1; 1 available.")
    alert = await ada.wait_for("Low stock", include_existing=True)
    assert "APP-TEE-ORG-S-CHA · Organic Tee - S / Charcoal: 1 left" in (alert.text or "")
    assert await _variant_stock(harness, "APP-TEE-ORG-S-CHA") == (1, 0)
    await ada.send("/stock APP-TEE-ORG-S-CHA -5")
    await ada.wait_for("cannot go to -4")


async def test_search_finds_a_product_by_its_variants_values(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Welcome")
    await alice.send("tee charcoal")
    found = await alice.wait_for("Tap a product")
    assert "Organic Tee" in alice.render(found)
    await alice.send("navy")
    found = await alice.wait_for("Enamel Tumbler")
    assert "Organic Tee" not in alice.render(found)


async def test_a_variants_own_photo_is_uploaded_once_and_kept_on_the_variant(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _open_tee(alice, "APP-TEE-ORG-L-CHA")  # the Charcoal variants have their own photo
    await harness.until_idle()
    async with harness.store.uow() as uow:
        charcoal = await uow.products.get_variant_by_sku("APP-TEE-ORG-L-CHA")
        tee = await uow.products.get_by_sku(TEE)
        assert charcoal is not None and tee is not None
        assert charcoal.photo_file_id is not None  # remembered on the variant...
        assert tee.photo_file_id is None  # ...not on the product, whose photo it is not
    await alice.press("Oat")  # L in Oat: the product's own photo
    await alice.wait_for("L / Oat")
    await harness.until_idle()
    async with harness.store.uow() as uow:
        tee = await uow.products.get_by_sku(TEE)
        assert tee is not None and tee.photo_file_id not in (None, charcoal.photo_file_id)


async def test_admin_commands_on_a_variant_sku_say_what_to_do(harness: ShopHarness) -> None:
    ada = harness.user(ADMIN_ID, "Ada")
    await ada.send("/price APP-TEE-ORG-M-OAT 30.00")
    await ada.wait_for("APP-TEE-ORG-M-OAT is a variant of APP-TEE-ORG (Organic Tee)")


async def test_a_long_name_on_the_invoice_gives_way_to_the_size_colour_and_quantity(
    harness: ShopHarness,
) -> None:
    """The payment form shows each price line's label: with a long product name, the line
    must still say which tee (M / Oat) and how many (× 2); the name is what gets shortened."""
    async with harness.store.uow() as uow:
        tee = await uow.products.get_by_sku(TEE)
        assert tee is not None
        tee.title = "Organic Tee in Heavyweight Relaxed-Fit Cotton Jersey"
    alice = harness.user(1001, "Alice")
    await _open_tee(alice)
    await alice.press("M")
    await alice.wait_for("M / Oat")
    await alice.press("Add to cart")
    await alice.wait_for("In your cart: 1", include_existing=True)
    await alice.press("Add to cart")
    await alice.wait_for("In your cart: 2")
    await alice.send("/cart")
    await alice.wait_for("Your cart")
    await alice.press("Checkout")
    await alice.wait_for("Order summary", include_existing=True)
    await alice.press("Pay")

    invoice = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)

    assert invoice.invoice is not None
    (label, *_) = [price["label"] for price in invoice.invoice["prices"]]
    assert label.startswith("Organic Tee in Heavy") and label.endswith("… - M / Oat × 2")
    assert len(label) <= MAX_LABEL
