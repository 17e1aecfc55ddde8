"""A product limited per order ("at most 2 per order") through the real bot, on SQLite and
PostgreSQL: the card says the limit, adding past it adds up to it and says so, the sizes of
a T-shirt count together, and checkout lowers a cart filled before the limit was set, so the
invoice never charges more than the limit."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.e2e.shopper import screen, shown

MUG = "KIT-MUG-CER"  # Stoneware Mug 350ml, $16.00, 24 in stock
TEE = "APP-TEE-ORG"  # Organic Tee, sold in sizes and colours
LIMIT_SAID = "You can buy at most 2 × {title} in one order."


async def _limit(harness: ShopHarness, sku: str, most: int | None) -> None:
    """What an admin's /edit or catalog file does: the product limited per order."""
    async with harness.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        product.max_per_order = most


async def _cart_of(harness: ShopHarness, telegram_id: int) -> dict[str, int]:
    """Her cart's lines by SKU (a variant's own)."""
    async with harness.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        assert customer is not None
        cart = await uow.carts.find_for_customer(customer.id)
        if cart is None:
            return {}
        return {
            (line.variant.sku if line.variant else line.product.sku): line.quantity
            for line in cart.lines
        }


async def _card_with(shopper: FakeUser, sku: str, quantity: int) -> None:
    """The product's card with the quantity picker at `quantity`."""
    await shopper.send(f"/start product_{sku}")
    await shopper.wait_for("Add to cart")
    for more in range(2, quantity + 1):
        await shopper.press("➕")
        await shopper.wait_for(f"[{more} pc]", include_existing=True)


async def test_alice_asks_for_three_limited_mugs_and_gets_two_with_the_reason(
    harness_on_each_backend: ShopHarness,
) -> None:
    harness = harness_on_each_backend
    alice = harness.user(1001, "Alice")
    await _card_with(alice, MUG, 3)  # an open card from before the limit, at 3
    await _limit(harness, MUG, 2)

    answer = await alice.press("🛍 Add to cart · $48.00")
    said = LIMIT_SAID.format(title="Stoneware Mug 350ml")
    assert answer.text == f"Added 2 × Stoneware Mug 350ml to your cart. {said}"
    card = await alice.wait_for("In your cart: 2", include_existing=True)
    assert "$16.00 · In stock\nLimit: 2 per order\n" in (card.text or "")
    assert "Your cart has 2, the most one order may have." in (card.text or "")
    assert "Add to cart" not in screen(alice)
    assert await _cart_of(harness, 1001) == {MUG: 2}

    await alice.send("/cart")
    await alice.wait_for("Your cart")
    answer = await alice.press("➕")
    assert answer.text == said or said in shown(alice)
    assert await _cart_of(harness, 1001) == {MUG: 2}


async def test_the_card_shows_the_limit_and_its_picker_stops_there(
    harness_on_each_backend: ShopHarness,
) -> None:
    harness = harness_on_each_backend
    await _limit(harness, MUG, 2)
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{MUG}")
    card = await alice.wait_for("Stoneware Mug 350ml")
    assert "Limit: 2 per order" in (card.text or "")
    await alice.press("➕")
    await alice.wait_for("[2 pc]", include_existing=True)
    await alice.press("➕")  # a third: the limit, not the stock, stops it
    await alice.wait_for(LIMIT_SAID.format(title="Stoneware Mug 350ml"), include_existing=True)
    assert "[2 pc]" in screen(alice) and "Add to cart · $32.00" in screen(alice)

    await _limit(harness, MUG, None)  # no limit: no line, the picker goes on
    await alice.send(f"/start product_{MUG}")
    card = await alice.wait_for("Stoneware Mug 350ml")
    assert "Limit:" not in (card.text or "")


async def test_checkout_lowers_a_cart_filled_before_the_limit_and_charges_two(
    harness_on_each_backend: ShopHarness,
) -> None:
    harness = harness_on_each_backend
    alice = harness.user(1001, "Alice")
    await _card_with(alice, MUG, 3)
    await alice.press("🛍 Add to cart · $48.00")
    await alice.wait_for("In your cart: 3", include_existing=True)
    await _limit(harness, MUG, 2)  # the shop limits it afterwards

    await alice.send(f"/start product_{MUG}")
    card = await alice.wait_for("In your cart: 3")
    assert "⚠️ at most 2 per order; checkout will lower the quantity" in (card.text or "")

    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "⚠️ at most 2 per order; checkout will lower the quantity" in (cart.text or "")

    await alice.send("checkout")
    changes = await alice.wait_for("Some things changed")
    text = changes.text or ""
    assert "Stoneware Mug 350ml: at most 2 in one order, quantity lowered from 3" in text
    assert "2 × Stoneware Mug 350ml = $32.00" in text
    assert await _cart_of(harness, 1001) == {MUG: 2}
    await alice.press("Continue to checkout")
    summary = await alice.wait_for("Order summary", include_existing=True)
    assert summary.all_buttons[0].label == "💳 Pay $32.00"
    await alice.press("Pay")
    invoice = await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    line = invoice.invoice["prices"][0]
    assert (line["label"], line["amount"]) == ("Stoneware Mug 350ml × 2", 3200)


async def test_the_sizes_of_a_limited_tee_count_together(
    harness_on_each_backend: ShopHarness,
) -> None:
    """Two per order of the Organic Tee: one S and one M fill it; L cannot be added, and a
    second S from the cart's ➕ is refused with the product's name, not the size's."""
    harness = harness_on_each_backend
    await _limit(harness, TEE, 2)
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_APP-TEE-ORG-S-OAT")
    card = await alice.wait_for("S / Oat")
    assert "Limit: 2 per order" in (card.text or "")
    await alice.press("Add to cart")
    await alice.wait_for("In your cart: 1", include_existing=True)
    await alice.press("M")
    await alice.wait_for("M / Oat")
    await alice.press("➕")  # a second M would make three tees
    said = LIMIT_SAID.format(title="Organic Tee")
    await alice.wait_for(said, include_existing=True)
    assert "[1 pc]" in screen(alice)
    answer = await alice.press("Add to cart")
    assert answer.text == "Added 1 × Organic Tee - M / Oat to your cart."
    await alice.wait_for("In your cart: 1", include_existing=True)

    await alice.send("/start product_APP-TEE-ORG-L-CHA")
    card = await alice.wait_for("L / Charcoal")
    assert "Your cart has 2, the most one order may have." in (card.text or "")
    assert "Add to cart" not in screen(alice)

    await alice.send("/cart")
    await alice.wait_for("Your cart")
    answer = await alice.press("➕")
    assert answer.text == said or said in shown(alice)
    assert await _cart_of(harness, 1001) == {"APP-TEE-ORG-S-OAT": 1, "APP-TEE-ORG-M-OAT": 1}


async def test_a_russian_shopper_reads_the_limit_in_russian(harness: ShopHarness) -> None:
    await _limit(harness, MUG, 2)
    ivan = harness.user(1002, "Иван", language_code="ru")
    await ivan.send(f"/start product_{MUG}")
    card = await ivan.wait_for("Лимит: 2 шт. на заказ")
    mug = (card.text or "").split("\n")[0]
    await ivan.press("➕")
    await ivan.wait_for("[2 шт.]", include_existing=True)
    await ivan.press("➕")
    await ivan.wait_for(f"В одном заказе можно купить не больше 2 × {mug}.", include_existing=True)
