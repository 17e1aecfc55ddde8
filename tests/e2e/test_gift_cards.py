"""Gift cards the Stars shop sells are spent in it: Alice buys one, Bob spends it at the
🏷 Promo code step, pays nothing while it covers his order and the rest when it does not,
and the card's balance comes back with an expired invoice and a full refund."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.errors import GiftCardSpent
from bot.standin import FakeUser
from bot.standin.harness import ShopHarness
from bot.store.models import GiftCard, utcnow
from bot.usecases import admin_orders
from bot.usecases.admin_orders import NotNow
from bot.usecases.orders import refund_order
from bot.usecases.payments import release_expired_holds
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, newest_order, open_order_summary, paid_order


async def _type_code(shopper: FakeUser, typed: str) -> str:
    """On the order summary: 🏷 Promo code, then the code as typed; what the bot answers."""
    await shopper.press("🏷 Promo code")
    await shopper.wait_for("Type your promo code", include_existing=True)
    sent = await shopper.send(typed)
    answer = await shopper.wait_for(lambda m: m.from_bot and m.message_id > sent.message_id)
    return answer.text or ""


async def _balance(shopper: FakeUser, code: str) -> str:
    await shopper.send(f"/giftcard {code}")
    return (await shopper.wait_for("Gift card")).text or ""


async def _paid_by_card_alone(h: ShopHarness) -> tuple[FakeUser, FakeUser, int]:
    """Bob's ⭐ 50 guide paid by his ⭐ 100 card alone and delivered, and Ada's ↩️ Refund
    pressed on it: (Ada, Bob, the order's id)."""
    async with h.store.uow() as uow:
        await uow.gift_cards.add(
            GiftCard(code="K7QF-2MXR-9TBA", currency="XTR", initial_amount=100, balance=100)
        )
    ada, bob = h.user(ADMIN_ID, "Ada"), h.user(1002, "Bob")
    await add_to_cart(bob, "STR-GDE-CLD")  # ⭐ 50
    await open_order_summary(bob)
    await _type_code(bob, "K7QF-2MXR-9TBA")
    await bob.press("🎁 Pay with the gift card")
    await bob.wait_for("Payment received")
    order_id = await newest_order(h)
    await h.until_idle()

    await ada.send("/orders_admin")
    await ada.wait_for(f"[#{order_id} ·")
    await ada.press(f"#{order_id} ·")
    await ada.wait_for(f"Order #{order_id} · 📦 Delivered")
    await ada.press("↩️ Refund")
    return ada, bob, order_id


async def test_a_bought_gift_card_pays_for_orders_and_comes_back_when_they_do_not_go_ahead(
    stars_shop: ShopHarness,
) -> None:
    shop = stars_shop.shop
    assert shop is not None
    alice, bob = stars_shop.user(1001, "Alice"), stars_shop.user(1002, "Bob")
    alices = await paid_order(stars_shop, alice, "STR-GFT-100")
    await alice.wait_for("Your code", include_existing=True)
    async with stars_shop.store.uow() as uow:
        bought = await uow.orders.get(alices)
        assert bought is not None and bought.lines[0].gift_codes
        code = bought.lines[0].gift_codes[0]
    masked = f"{code[:4]}-…-{code[-4:]}"

    # Bob tries a wrong code, then Alice's card as she read it to him: lower case, spaces.
    await add_to_cart(bob, "STR-GDE-CLD")  # ⭐ 50
    await open_order_summary(bob)
    assert "There is no promo code or gift card NOPE-…-NOPE" in await _type_code(
        bob, "nope nope nope"
    )
    await bob.press("⬅ Back to the summary")
    summary = await _type_code(bob, code.replace("-", " ").lower())
    assert f"Gift card {masked}: −⭐ 50 (⭐ 50 left on the card)" in summary
    assert "Total: ⭐ 0" in summary and code not in summary

    # It covers all of it: no invoice, the order is paid by the card and the guide arrives.
    await bob.press("🎁 Pay with the gift card")
    receipt = await bob.wait_for("Payment received")
    assert f"Gift card {masked}: −⭐ 50" in (receipt.text or "")
    await bob.wait_for(lambda m: m.document is not None, include_existing=True)
    assert not [
        c for c in stars_shop.standin.calls_to("sendInvoice") if c.params["chat_id"] == 1002
    ]
    assert await _balance(bob, code) == f"Gift card {masked}: ⭐ 50 of ⭐ 100 left."
    await bob.send("/giftcard")
    assert (await bob.wait_for("Send /giftcard and the code")).text == (
        "Send /giftcard and the code, for example /giftcard ABCD-EFGH-IJKL, to see what is left "
        "on it. To spend it, type it at 🏷 Promo code on your order summary."
    )

    # A bigger order: the card pays its ⭐ 50, the invoice asks for the rest.
    await add_to_cart(bob, "STR-GDE-POV")  # ⭐ 100
    await open_order_summary(bob)
    summary = await _type_code(bob, code)
    assert f"Gift card {masked}: −⭐ 50 (⭐ 0 left on the card)" in summary
    await bob.press("Pay ⭐ 50")
    await bob.wait_for(lambda m: m.invoice is not None)
    assert await _balance(bob, code) == f"Gift card {masked}: ⭐ 0 of ⭐ 100 left."
    await release_expired_holds(shop, now=utcnow() + timedelta(hours=2))  # nobody paid it
    assert await _balance(bob, code) == f"Gift card {masked}: ⭐ 50 of ⭐ 100 left."

    # He checks out again (the card still on his cart), pays, then the shop refunds it all.
    await open_order_summary(bob)
    await bob.press("Pay ⭐ 50")
    await bob.wait_for(lambda m: m.invoice is not None)
    assert (await bob.pay()).ok
    await bob.wait_for("Payment received")
    bobs = await newest_order(stars_shop)
    await stars_shop.until_idle()
    refunded = await refund_order(shop, bobs, actor="admin:9001")
    assert refunded.refund is not None and refunded.refund.amount == 50  # the Stars he paid
    assert await _balance(bob, code) == f"Gift card {masked}: ⭐ 50 of ⭐ 100 left."

    # Alice's order cannot be refunded whole: its card paid for Bob's guide.
    with pytest.raises(GiftCardSpent) as spent:
        await refund_order(shop, alices, actor="admin:9001")
    assert str(spent.value) == (
        f"Order #{alices} cannot be refunded in full: its gift card {masked} has been spent "
        "(⭐ 50 of ⭐ 100). That money paid for another order."
    )


async def test_an_admin_puts_the_part_a_card_paid_of_a_delivered_order_back_on_it_once(
    stars_shop_with_admin: ShopHarness,
) -> None:
    """Bob's guide is paid by his ⭐ 100 card alone and delivered: no money to refund, so
    Ada's ↩️ Refund offers the card's part; it goes back once, Bob is told, and the order's
    history and the audit log say so."""
    h = stars_shop_with_admin
    assert h.shop is not None
    ada, bob, order_id = await _paid_by_card_alone(h)
    offer = await ada.wait_for("there is no money to refund")
    assert offer.text == (
        f"Order #{order_id} was paid by its gift card K7QF-…-9TBA: there is no money to refund."
    )
    _, card_back = ada.find_button("🎁 Back to the gift card: ⭐ 50", offer)
    await ada.press("🎁 Back to the gift card: ⭐ 50")
    await ada.wait_for(
        f"🎁 ⭐ 50 of order #{order_id} is back on the gift card K7QF-…-9TBA. "
        "The shopper was notified."
    )
    await bob.wait_for("⭐ 50 is back on your gift card K7QF-…-9TBA.")
    assert await _balance(bob, "K7QF-2MXR-9TBA") == "Gift card K7QF-…-9TBA: ⭐ 100 of ⭐ 100 left."
    screen = await ada.wait_for(lambda m: "History:" in (m.text or ""))
    assert "⭐ 50 back on the gift card K7QF-…-9TBA" in (screen.text or "")
    assert "↩️ Refund" not in str(screen.reply_markup)  # nothing left to give back

    assert card_back.callback_data is not None
    stale = await ada.press_data(offer, card_back.callback_data)  # pressed again
    assert stale.text == "This step is over. Start again from the command or /admin."
    with pytest.raises(NotNow, match="nothing left to refund"):
        await admin_orders.refund_offer(h.shop, order_id)  # an older screen's ↩️ Refund
    assert await _balance(bob, "K7QF-2MXR-9TBA") == "Gift card K7QF-…-9TBA: ⭐ 100 of ⭐ 100 left."
    await ada.send("/audit")
    log = (await ada.wait_for("🗒 Audit log")).text or ""
    assert (
        f"gave back to its gift card the card's part of order:{order_id} · "
        "⭐ 50 back on the gift card, gift_card: K7QF-…-9TBA"
    ) in log


async def test_an_amount_typed_for_an_order_its_card_paid_alone_is_refused_clearly(
    stars_shop_with_admin: ShopHarness,
) -> None:
    """Bob's guide is paid by his card alone. Ada's ↩️ Refund, then "20" (or the guide's
    SKU): no money came in, so she reads why and that the 🎁 button gives the card's part
    back, not "more than the ⭐ 0 that can be refunded"; the button still works after."""
    ada, bob, order_id = await _paid_by_card_alone(stars_shop_with_admin)
    await ada.wait_for("there is no money to refund")
    refusal = (
        f"Order #{order_id} was paid by its gift card K7QF-…-9TBA alone: no money came in, so "
        "no amount can be refunded. Its ⭐ 50 goes back with 🎁 Back to the gift card."
    )
    for typed in ("20", "STR-GDE-CLD"):
        sent = await ada.send(typed)
        answer = await ada.wait_for(lambda m, after=sent.message_id: m.message_id > after)
        assert (answer.text or "").startswith(refusal), answer.text
        assert "⭐ 0" not in (answer.text or "")
        ada.find_button("🎁 Back to the gift card: ⭐ 50", answer)  # still offered

    await ada.press("🎁 Back to the gift card: ⭐ 50")
    await ada.wait_for(f"🎁 ⭐ 50 of order #{order_id} is back on the gift card K7QF-…-9TBA.")
    assert await _balance(bob, "K7QF-2MXR-9TBA") == "Gift card K7QF-…-9TBA: ⭐ 100 of ⭐ 100 left."
