"""♡ Save on a product's card, and /saved to find those products again."""

from __future__ import annotations

from sqlalchemy import func, select, update

from bot.services.favourites import MOST_SAVED
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Favourite, Product
from tests.e2e.shopper import save_the_most, screen, shown


async def _open(shopper: FakeUser, sku: str) -> None:
    await shopper.send(f"/start product_{sku}")
    await shopper.wait_for(lambda m: any("·" in b.label for b in m.all_buttons))  # Add to cart


def _labels(shopper: FakeUser) -> list[str]:
    message = shopper.last_message
    return [b.label for b in message.all_buttons] if message is not None else []


async def _saved_rows(harness: ShopHarness) -> int:
    async with harness.store.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Favourite)) or 0)


async def test_alice_saves_two_products_and_finds_them_under_saved(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await _open(alice, "KIT-KTL-GOO")
    await alice.press("♡ Save")
    assert "♥ Saved: /saved lists what you saved." in shown(alice)
    assert "♥ Saved" in _labels(alice) and "♡ Save" not in _labels(alice)
    await _open(alice, "KIT-MUG-CER")
    await alice.press("♡ Save")

    await alice.send("/saved")
    listed = await alice.wait_for("Saved")
    assert "2 products" in (listed.text or "")
    products = [b.label for b in listed.all_buttons if "$" in b.label]
    assert products == ["Stoneware Mug 350ml · $16.00", "Gooseneck Kettle 1L · $45.00"]

    await alice.press("Gooseneck Kettle 1L · $45.00")
    assert "♥ Saved" in _labels(alice)  # the card knows
    await alice.press("⬅ Back")
    assert "2 products" in shown(alice)  # back to her saved list

    await alice.press("Gooseneck Kettle 1L · $45.00")
    await alice.press("♥ Saved")
    assert "Removed from your saved products." in shown(alice)
    assert "♡ Save" in _labels(alice)
    await alice.send("saved")  # plain words work too
    again = await alice.wait_for("1 product")
    assert [b.label for b in again.all_buttons if "$" in b.label] == [
        "Stoneware Mug 350ml · $16.00"
    ]


async def test_a_double_tap_saves_once_and_adding_to_the_cart_keeps_the_heart(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _open(alice, "KIT-MUG-CER")
    card = alice.last_message
    assert card is not None
    heart = next(b.callback_data for b in card.all_buttons if b.label == "♡ Save")
    assert heart is not None
    await alice.press("♡ Save")
    await alice.press_data(card, heart)  # the second tap of a double tap
    assert await _saved_rows(harness) == 1
    await alice.press("Add to cart")
    assert "Added 1 × Stoneware Mug 350ml to your cart." in shown(alice)
    assert "♥ Saved" in _labels(alice)


async def test_a_product_taken_off_sale_leaves_the_list_and_comes_back_with_it(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    for sku in ("KIT-MUG-CER", "KIT-KTL-GOO"):
        await _open(alice, sku)
        await alice.press("♡ Save")

    async def on_sale(sku: str, active: bool) -> None:
        async with harness.store.uow() as uow:
            await uow.session.execute(
                update(Product).where(Product.sku == sku).values(is_active=active)
            )

    await on_sale("KIT-KTL-GOO", False)
    await alice.send("/saved")
    await alice.wait_for("1 product")
    assert "Gooseneck" not in screen(alice)
    await on_sale("KIT-KTL-GOO", True)
    await alice.press("🏠 Menu")
    await alice.press("♡ Saved")  # the main menu's button
    assert "2 products" in shown(alice) and "Gooseneck Kettle 1L" in screen(alice)


async def test_nothing_saved_says_how_to_save(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/saved")
    await alice.wait_for("Nothing saved yet: tap ♡ Save on a product to find it here.")


async def test_a_shopper_at_the_most_saved_is_told_to_remove_some_first(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _open(alice, "KIT-MUG-CER")  # she exists now
    await save_the_most(harness, 1001, but="KIT-MUG-CER")
    await alice.press("♡ Save")
    assert (
        f"You have saved {MOST_SAVED} products, the most one can. Remove some under /saved first."
        in shown(alice)
    )
    assert "♡ Save" in _labels(alice)
    assert await _saved_rows(harness) == MOST_SAVED


async def test_saving_a_product_that_is_gone_says_so(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await _open(alice, "KIT-MUG-CER")
    answer = await alice.press_data(alice.last_message, "1:sv:999999")  # type: ignore[arg-type]
    assert answer.text == "Sorry, that product is no longer available."
    assert await _saved_rows(harness) == 0


async def test_a_russian_shopper_saves_in_russian(harness: ShopHarness) -> None:
    olga = harness.user(1001, "Olga", language_code="ru")
    await _open(olga, "KIT-MUG-CER")
    await olga.press("♡ Сохранить")
    assert "♥ Сохранено" in _labels(olga)
    await olga.send("избранное")
    await olga.wait_for("Сохранённое: 1 товар")
