"""Quantity tiers through the real bot: the mug ($16.00) is 10% off from 3 and 15% off from 6.
The card says so, the cart nudges Alice toward the next tier, prices her line at the tier her
quantity reaches ("3 × $14.40 (−10% for 3+)"), and the summary charges that; the sizes of a
T-shirt count together toward its tier."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import screen, shown

MUG = "KIT-MUG-CER"  # Stoneware Mug 350ml, $16.00, 24 in stock
TEE = "APP-TEE-ORG"  # Organic Tee, $24.00, sold in sizes and colours


async def _tiers(harness: ShopHarness, sku: str, tiers: str | None) -> None:
    """What an admin's /tiers or catalog file does: the product's quantity tiers."""
    async with harness.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        product.tiers = tiers


async def test_alice_is_nudged_to_a_third_mug_and_pays_the_tier_price_for_all_three(
    harness: ShopHarness,
) -> None:
    await _tiers(harness, MUG, "3:10,6:15")
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{MUG}")
    card = await alice.wait_for("Stoneware Mug 350ml")
    assert "$16.00 · In stock\n📦 Buy 3+: −10% · 6+: −15%\n" in (card.text or "")
    await alice.press("➕")
    await alice.wait_for("[2 pc]", include_existing=True)
    assert "Add to cart · $32.00" in screen(alice)  # two: no tier yet
    await alice.press("➕")
    await alice.wait_for("[3 pc]", include_existing=True)
    assert "Add to cart · $43.20" in screen(alice)  # three at $14.40
    await alice.press("➖")
    await alice.press("🛍 Add to cart · $32.00")
    await alice.wait_for("In your cart: 2", include_existing=True)
    # A third would take all three to $14.40: the button says what her cart grows by.
    assert "Add to cart · +$11.20" in screen(alice)

    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "2 × $16.00 = $32.00\n    💡 Add 1 more to save 10%" in (cart.text or "")

    await alice.press("➕")
    await alice.wait_for("3 × $14.40", include_existing=True)
    assert "3 × $14.40 (−10% for 3+) = $43.20" in shown(alice)
    assert "Total: $43.20" in shown(alice)
    assert "💡" not in shown(alice)  # the next tier, 6, is three away

    await alice.press("✅ Checkout · $43.20")
    summary = await alice.wait_for("Order summary")
    # Its line says its tier as the cart did.
    assert "3 × Stoneware Mug 350ml = $43.20\n    3 × $14.40 (−10% for 3+)\n" in (
        summary.text or ""
    )

    await _tiers(harness, MUG, None)  # the shop ends its tiers: her cart is back at $16.00
    await alice.send(f"/start product_{MUG}")
    card = await alice.wait_for("Stoneware Mug 350ml")
    assert "📦" not in (card.text or "")
    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "3 × $16.00 = $48.00" in (cart.text or "")


async def test_two_sizes_of_the_tee_count_together_toward_its_tier(harness: ShopHarness) -> None:
    await _tiers(harness, TEE, "2:10")
    alice = harness.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Alice")
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        tee = await uow.products.get_by_sku(TEE)
        small = await uow.products.get_variant_by_sku("APP-TEE-ORG-S-OAT")
        medium = await uow.products.get_variant_by_sku("APP-TEE-ORG-M-OAT")
        assert customer and tee and small and medium
        cart = await uow.carts.get_for_customer(customer.id)
        await uow.carts.set_quantity(cart, tee.id, 1, quoted_price=2400, variant_id=small.id)
    await alice.send("/cart")
    cart_text = (await alice.wait_for("Your cart")).text or ""
    assert "1 × $24.00 = $24.00\n    💡 Add 1 more to save 10%" in cart_text

    async with harness.store.uow() as uow:
        cart = await uow.carts.get_for_customer(customer.id)
        await uow.carts.set_quantity(cart, tee.id, 1, quoted_price=2400, variant_id=medium.id)
    await alice.send("/cart")
    cart_text = (await alice.wait_for("Total: $43.20")).text or ""
    assert cart_text.count("1 × $21.60 (−10% for 2+) = $21.60") == 2
    assert "💡" not in cart_text and "⚠️" not in cart_text  # a tier is no price change
    await alice.press("✅ Checkout · $43.20")
    summary = (await alice.wait_for("Order summary")).text or ""
    assert (
        "1 × Organic Tee - S / Oat = $21.60\n    1 × $21.60 (−10% for 2+)\n"
        "1 × Organic Tee - M / Oat = $21.60\n    1 × $21.60 (−10% for 2+)\n"
    ) in summary
    assert "Total: $43.20" in summary
    # Free shipping from $50.00 counts the goods at their tier price.
    assert "Add $6.80 more for free standard shipping" in summary


async def test_the_tees_button_counts_the_size_already_in_her_cart(harness: ShopHarness) -> None:
    await _tiers(harness, TEE, "2:10")
    alice = harness.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Alice")
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        tee = await uow.products.get_by_sku(TEE)
        medium = await uow.products.get_variant_by_sku("APP-TEE-ORG-M-OAT")
        assert customer and tee and medium
        cart = await uow.carts.get_for_customer(customer.id)
        await uow.carts.set_quantity(cart, tee.id, 1, quoted_price=2400, variant_id=medium.id)
    await alice.send(f"/start product_{TEE}")
    await alice.wait_for("Organic Tee")
    # The card shows S / Oat; with her M both are $21.60: $43.20 less the $24.00 she has.
    assert "S / Oat" in shown(alice)
    assert "Add to cart · +$19.20" in screen(alice)
