"""A product on sale through the real bot: the card strikes the regular price through
("<s>$20.00</s> $16.00 · −20%"), list buttons say "$16.00 (−20%)", a variant's own sale
follows the chosen variant, and the cart charges the price alone, saying what she saves."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser


def _html(shopper: FakeUser) -> str:
    """The newest message as the bot wrote it, its HTML tags (<s>, <b>) in place."""
    message = shopper.last_message
    return (message.raw_text or "") if message is not None else ""


MUG = "KIT-MUG-CER"  # $16.00 in Kitchen
TEE = "APP-TEE-ORG"  # $24.00; the Charcoal sizes $26.00 of their own


async def _on_sale(harness: ShopHarness, sku: str, compare_at: int | None, **variant: Any) -> None:
    """What an admin's catalog file does: the product (or one variant) on sale."""
    async with harness.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        if product is not None:
            product.compare_at_price = compare_at
            return
        found = await uow.products.get_variant_by_sku(sku)
        assert found is not None
        found.compare_at_price = compare_at
        for name, value in variant.items():
            setattr(found, name, value)


def _products(shopper: FakeUser) -> list[str]:
    message = shopper.last_message
    assert message is not None
    return [b.label for b in message.all_buttons if "$" in b.label]


async def test_alice_sees_the_mug_on_sale_everywhere_and_pays_the_sale_price(
    harness: ShopHarness,
) -> None:
    await _on_sale(harness, MUG, 2000)
    alice = harness.user(1001, "Alice")
    await alice.send("/catalog")
    await alice.wait_for("Pick a category")
    await alice.press("Kitchen")
    await alice.wait_for("Tap a product")
    assert "Stoneware Mug 350ml · $16.00 (−20%)" in _products(alice)
    assert "Gooseneck Kettle 1L · $45.00" in _products(alice)  # not on sale

    await alice.press("Stoneware Mug 350ml · $16.00 (−20%)")
    card = await alice.wait_for("Stoneware Mug 350ml")
    assert "<s>$20.00</s> $16.00 · −20% · In stock" in (card.raw_text or "")
    await alice.press("♡ Save")
    await alice.press("🛍 Add to cart · $16.00")
    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "1 × $16.00 = $16.00" in (cart.text or "")
    assert "Total: $16.00\n🔖 You save $4.00" in (cart.text or "")

    await alice.press("✅ Checkout · $16.00")
    summary = await alice.wait_for("Order summary")
    assert "1 × Stoneware Mug 350ml = $16.00" in (summary.text or "")

    await alice.send("/search mug")
    await alice.wait_for("Results for")
    assert "Stoneware Mug 350ml · $16.00 (−20%)" in _products(alice)
    await alice.send("/saved")
    await alice.wait_for("Saved")
    assert _products(alice) == ["Stoneware Mug 350ml · $16.00 (−20%)"]


async def test_a_card_shared_inline_says_the_sale_in_plain_words(harness: ShopHarness) -> None:
    """Inline results and the cards they post are plain text: the list buttons' words."""
    await _on_sale(harness, MUG, 2000)
    answer = await harness.user(1001, "Alice").inline_query("mug")
    (mug,) = answer.results
    assert mug.description == "$16.00 (−20%) · In stock"
    assert (mug.text or "").startswith("🛍 Stoneware Mug 350ml\n$16.00 (−20%) · In stock")


async def test_price_sorts_by_what_she_pays_not_the_struck_price(harness: ShopHarness) -> None:
    await _on_sale(harness, MUG, 9900)  # $16.00, was $99.00
    alice = harness.user(1001, "Alice")
    await alice.send("/catalog")
    await alice.wait_for("Pick a category")
    await alice.press("Kitchen")
    await alice.wait_for("Tap a product")
    await alice.press("Price ↑")
    await alice.wait_for(lambda m: any(b.label.startswith("• Price ↑") for b in m.all_buttons))
    listed = _products(alice)
    paid = [float(label.split(" · $")[1].split(" ")[0]) for label in listed]
    assert paid == sorted(paid) and "Stoneware Mug 350ml · $16.00 (−83%)" in listed


async def test_a_variants_own_sale_follows_the_chosen_size_and_colour(
    harness: ShopHarness,
) -> None:
    """The sizes at the product's $24.00 share its sale; L / Charcoal, at $26.00 of its own,
    has a sale of its own; M / Charcoal, priced $25.00 on its own, none."""
    await _on_sale(harness, TEE, 3000)
    await _on_sale(harness, "APP-TEE-ORG-L-CHA", 3250)
    await _on_sale(harness, "APP-TEE-ORG-M-CHA", None, price=2500)
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{TEE}")
    await alice.wait_for("Organic Tee")
    assert "S / Oat\n<s>$30.00</s> $24.00 · −20% · In stock" in _html(alice)
    await alice.press("Charcoal")
    await alice.wait_for("S / Charcoal")
    assert "S / Charcoal\n<s>$30.00</s> $24.00 · −20% · In stock" in _html(alice)
    await alice.press("L")
    await alice.wait_for("L / Charcoal")
    assert "L / Charcoal\n<s>$32.50</s> $26.00 · −20% · Only 3 left" in _html(alice)
    await alice.press("M")
    await alice.wait_for("M / Charcoal")
    assert "M / Charcoal\n$25.00 · In stock" in _html(alice)


async def test_a_russian_shopper_reads_the_sale_her_way(harness: ShopHarness) -> None:
    await _on_sale(harness, MUG, 2000)
    olga = harness.user(1002, "Olga", language_code="ru")
    await olga.send(f"/start product_{MUG}")
    card = await olga.wait_for("16,00")
    assert "<s>20,00\xa0$</s> 16,00\xa0$ · −20\xa0%" in (card.raw_text or "")
