"""Ada refunds part of an order that bought gift cards, by typing a line or an amount on
its ↩️ Refund screen: what the refund gives back of a card's price comes off a card that
still holds it (all of a card line's, when she types its SKU; Sam reads it in his message
and in /giftcard), and an amount the cards no longer hold is refused before she confirms,
saying which card and why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import gift_cards
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.admin.test_e2e_orders import paid_order
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    card_shop,
    stripe_account,
)

FIRST, SECOND = "K7QF-2MXR-AAAA", "K7QF-2MXR-BBBB"


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe) as harness:
        yield harness


async def _balance(sam: FakeUser, code: str) -> str:
    await sam.send(f"/giftcard {code}")
    return (await sam.wait_for("Gift card")).text or ""


async def _ada_types(ada: FakeUser, order_id: int, typed: str) -> str:
    """Ada's ↩️ Refund on the order's screen, then `typed`: what the bot answers."""
    await open_detail(ada, order_id)
    await ada.press("↩️ Refund")
    await ada.wait_for("Send the amount to refund")
    sent = await ada.send(typed)
    answer = await ada.wait_for(lambda m: m.message_id > sent.message_id)
    return answer.text or ""


async def test_a_refund_of_a_gift_card_line_takes_its_price_off_the_card_sam_did_not_spend(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Sam bought two $16 gift cards ($37.00 with $5 shipping) and spent $10.00 of the first.
    Ada refunds one card's line: all $16.00 of it comes off the card he did not spend, which
    is cancelled, and his message says so. $16.00 more would take $11.00 (after the $5.00
    shipping) off the spent card, which holds $6.00: refused, as is its line, nothing moved."""
    assert h.shop is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await paid_order(h, sam, stripe_account, sku="GIFT16")
    async with h.store.uow() as uow:  # as its delivery does: one code per card
        order = await uow.orders.get(order_id)
        assert order is not None
        (line,) = order.lines
        line.gift_codes = [FIRST, SECOND]
        await gift_cards.issue(uow, [FIRST, SECOND], "USD", line.unit_price, line.id)
        assert await uow.gift_cards.take(FIRST, 1000)  # Sam's next order

    assert await _ada_types(ada, order_id, "GIFT16 1") == f"Refund $16.00 of order #{order_id}?"
    await ada.press("↩️ Refund $16.00")
    await ada.wait_for(f"Order #{order_id}: ")
    screen = await ada.wait_for(lambda m: "History:" in (m.text or ""))
    assert "$16.00 of it taken off the gift card K7QF-…-BBBB the order bought" in (
        screen.text or ""
    )
    told = await sam.wait_for(f"We refunded $16.00 of order #{order_id}")
    assert (
        "\n🎁 The gift card K7QF-…-BBBB you bought with this order is cancelled: its price was "
        "refunded.\n" in (told.text or "")
    )
    assert await _balance(sam, SECOND) == (
        "Gift card K7QF-…-BBBB was cancelled with the order that bought it."
    )
    assert await _balance(sam, FIRST) == "Gift card K7QF-…-AAAA: $6.00 of $16.00 left."

    answer = await _ada_types(ada, order_id, "16.00")
    assert answer.startswith(
        f"Order #{order_id} cannot be refunded $16.00: $11.00 of it is what its gift card "
        "K7QF-…-AAAA cost, and the card holds only $6.00 now. The rest paid for another order."
    ), answer
    answer = await _ada_types(ada, order_id, "GIFT16 1")
    assert answer.startswith(
        f"Order #{order_id} cannot be refunded $16.00: all of it would come off its gift card "
        "K7QF-…-AAAA, which holds only $6.00 now. The rest paid for another order."
    ), answer
    assert await _balance(sam, FIRST) == "Gift card K7QF-…-AAAA: $6.00 of $16.00 left."
