"""A gift card voided while an order still counts on giving its part back: the order never
says the part went back when it did not, and the admins are told to make it good, once that
is stored (not for a change rolled back). Bob pays ⭐ 100 of his guides with a card and ⭐ 50
by invoice; the card is then voided (the order that bought it was refunded), and his invoice
goes (it expires, Ada cancels it, he deletes his data, sends /cancel, or checks out anew on
the storefront), or his paid order is refunded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.shop import Shop
from bot.standin import FakeUser
from bot.standin.harness import ShopHarness
from bot.store.models import GiftCard, utcnow
from bot.usecases import privacy
from bot.usecases.orders import cancel_order, refund_order
from bot.usecases.payments import release_expired_holds
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, newest_order, open_order_summary

CARD = "K7QF-2MXR-9TBA"


def _not_back(order_id: int) -> str:
    return (
        f"⚠️ Order #{order_id}: its gift card part ⭐ 100 could not go back: the gift card "
        "K7QF-…-9TBA was cancelled since, with the order that bought it. Make it good to the "
        "shopper another way."
    )


async def _invoice_with_card(h: ShopHarness) -> tuple[FakeUser, FakeUser, int]:
    """Ada the admin, and Bob with his two guides (⭐ 150) in an invoice: his ⭐ 100 card
    pays ⭐ 100, the invoice asks ⭐ 50; (Ada, Bob, the order's id)."""
    ada, bob = h.user(ADMIN_ID, "Ada"), h.user(1002, "Bob")
    async with h.store.uow() as uow:
        await uow.gift_cards.add(
            GiftCard(code=CARD, currency="XTR", initial_amount=100, balance=100)
        )
    await add_to_cart(bob, "STR-GDE-POV")  # ⭐ 100
    await add_to_cart(bob, "STR-GDE-CLD")  # ⭐ 50
    await open_order_summary(bob)
    await bob.press("🏷 Promo code")
    await bob.wait_for("Type your promo code", include_existing=True)
    await bob.send(CARD)
    await bob.wait_for("Gift card K7QF-…-9TBA applied: −⭐ 100")
    await bob.press("Pay ⭐ 50")
    await bob.wait_for(lambda m: m.invoice is not None)
    return ada, bob, await newest_order(h)


async def _void_card(h: ShopHarness) -> None:
    async with h.store.uow() as uow:
        card = await uow.gift_cards.by_code(CARD)
        assert card is not None
        card.voided_at, card.balance = utcnow(), 0  # the order that bought it was refunded


async def _card_part_back(h: ShopHarness, order_id: int) -> int:
    async with h.store.reading() as uow:
        order = await uow.orders.get(order_id, full=False)
        assert order is not None
        return order.gift_card_returned


async def _order_screen(ada: FakeUser, order_id: int) -> str:
    await ada.send("/orders_admin")
    await ada.wait_for(f"[#{order_id} ·")
    await ada.press(f"#{order_id} ·")
    return (await ada.wait_for(f"Order #{order_id} · ")).text or ""


BOB = Shopper(chat_id=1002, user_id=1002, first_name="Bob")


async def _expiry(shop: Shop, bob: FakeUser, order_id: int) -> None:
    released = await release_expired_holds(shop, now=utcnow() + timedelta(hours=2))
    assert [hold.order_id for hold in released] == [order_id]  # nobody paid it in time


async def _admins_cancel(shop: Shop, bob: FakeUser, order_id: int) -> None:
    await cancel_order(shop, order_id, actor="admin:9001")


async def _privacy_deletion(shop: Shop, bob: FakeUser, order_id: int) -> None:
    assert [h.order_id for h in (await privacy.forget(shop, 1002)).released] == [order_id]


async def _shoppers_cancel(shop: Shop, bob: FakeUser, order_id: int) -> None:
    await bob.send("/cancel")
    await bob.wait_for("Payment cancelled. Back to the main menu.")


async def _new_checkout(shop: Shop, bob: FakeUser, order_id: int) -> None:
    """Bob goes back to his cart and pays anew: the new invoice replaces the first."""
    await open_order_summary(bob)
    await bob.press("Pay ⭐ 150")  # the voided card is off his summary
    await bob.wait_for(lambda m: m.invoice is not None and "150" in str(m.invoice["prices"]))


@pytest.mark.parametrize(
    "let_go",
    [_expiry, _admins_cancel, _privacy_deletion, _shoppers_cancel, _new_checkout],
    ids=["invoice expired", "admin's Cancel", "privacy deletion", "/cancel", "new checkout"],
)
async def test_an_invoice_let_go_after_its_card_was_voided_tells_the_admins_and_records_nothing(
    stars_shop_with_admin: ShopHarness,
    let_go: Callable[[Shop, FakeUser, int], Awaitable[None]],
) -> None:
    shop = stars_shop_with_admin.shop
    assert shop is not None
    ada, bob, order_id = await _invoice_with_card(stars_shop_with_admin)
    await _void_card(stars_shop_with_admin)
    await let_go(shop, bob, order_id)

    await ada.wait_for(_not_back(order_id), include_existing=True)
    assert await _card_part_back(stars_shop_with_admin, order_id) == 0
    screen = await _order_screen(ada, order_id)
    assert "⚠️ Needs review: its gift card part ⭐ 100 could not go back" in screen
    assert "by system (its gift card part ⭐ 100 could not go back" in screen  # its history


async def test_a_cancel_rolled_back_tells_the_admins_nothing(
    stars_shop_with_admin: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's /cancel fails after letting his invoice go (its chat cannot be saved): the
    change is rolled back, so the order is neither flagged nor cancelled, and no admin hears
    of a card part that did not go back."""
    h = stars_shop_with_admin
    assert h.shop is not None
    ada, _, order_id = await _invoice_with_card(h)
    await _void_card(h)

    async def unsaved(*_: object) -> bool:
        return False

    monkeypatch.setattr(journey.engine, "save", unsaved)
    with pytest.raises(RuntimeError, match="was written while its lock was held"):
        await journey.cancel(h.shop, BOB)
    await h.until_idle()
    assert not [m for m in ada.messages if "could not go back" in (m.text or "")]
    async with h.store.reading() as uow:
        order = await uow.orders.get(order_id, full=False)
        assert order is not None
        assert (order.status, order.needs_review, order.hold_status) == (
            "awaiting_payment",
            False,
            "held",
        )


async def test_a_full_refund_whose_card_was_voided_tells_the_admins_and_the_button_says_why(
    stars_shop_with_admin: ShopHarness,
) -> None:
    h = stars_shop_with_admin
    assert h.shop is not None
    ada, bob, order_id = await _invoice_with_card(h)
    assert (await bob.pay()).ok
    await bob.wait_for("Payment received")
    await h.until_idle()
    await _void_card(h)

    refunded = await refund_order(h.shop, order_id, actor="admin:9001")
    assert refunded.refund is not None and refunded.refund.amount == 50  # the Stars he paid
    await ada.wait_for(_not_back(order_id), include_existing=True)
    assert await _card_part_back(h, order_id) == 0

    screen = await _order_screen(ada, order_id)
    assert f"Order #{order_id} · ↩️ Refunded" in screen
    assert "⚠️ Needs review: its gift card part ⭐ 100 could not go back" in screen
    await ada.press("↩️ Refund")  # the part is still not back: the button is offered
    question = await ada.wait_for("🎁 Back to the gift card: ⭐ 100", include_existing=True)
    assert question.text == (
        f"Order #{order_id}'s money is all refunded; what its gift card K7QF-…-9TBA paid is "
        "not back on the card yet."
    )
    await ada.press("🎁 Back to the gift card: ⭐ 100")
    await ada.wait_for(
        "The gift card K7QF-…-9TBA was cancelled since, with the order that bought it, so "
        f"nothing of order #{order_id} was put back on it. Refund the shopper another way."
    )
    assert await _card_part_back(h, order_id) == 0
