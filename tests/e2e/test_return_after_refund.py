"""A return after the shop refunded a line by hand: Sam's delivered order holds 2 mugs ($28.80
after the discount) and a cushion cover ($21.60). Ada refunds one mug by hand ("MUG 1",
$14.40); Sam's ↩️ Return items then offers the other mug alone, at $14.40, never the $14.40
of the first again; once Ada refunded the second mug by hand too, no mug is offered at all,
and her own "MUG 1" a third time is refused, as after a return of the mugs. Sam never gets
back more than the mugs cost, however the two ways of giving money back meet. On SQLite and
PostgreSQL."""

from __future__ import annotations

from bot.callback_data import ApproveReturn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.e2e.shopper import open_order, screen, shown
from tests.e2e.test_returns import (  # noqa: F401  (h: the card shop on each database)
    CUSHION,
    MUGS,
    books,
    card_order,
    h,
    requests_of,
    sam_asks_to_return_the_mugs,
)
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    stripe_account,
)

ONE_MUG = "1 × Stoneware Mug 350ml"


async def ada_refunds_by_hand(ada: FakeUser, order_id: int, line: str, amount: str) -> None:
    """Ada's ↩️ Refund on the order's screen, of a line's units ("MUG 1")."""
    await open_detail(ada, order_id)
    await ada.press("↩️ Refund")
    await ada.wait_for("up to ")
    await ada.send(line)
    await ada.wait_for(f"Refund {amount} of order")
    await ada.press(f"↩️ Refund {amount}")
    await ada.wait_for(f"Refunded {amount}.")


async def test_a_mug_refunded_by_hand_is_not_offered_for_return_again(
    h: ShopHarness,  # noqa: F811
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)

    await ada_refunds_by_hand(ada, order_id, "MUG 1", "$14.40")
    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    assert f"☐ {ONE_MUG}" in screen(sam) and f"☐ {CUSHION}" in screen(sam)
    assert "2 × Stoneware Mug" not in screen(sam)
    await sam.press(f"☐ {ONE_MUG}")
    await sam.press("Next")
    await sam.press("Damaged")
    assert shown(sam) == (
        f"↩️ Return from order #{order_id}: {ONE_MUG}.\nReason: Damaged.\n"
        "If the shop approves, you get $14.40 back to your card."
    )

    await ada_refunds_by_hand(ada, order_id, "MUG 1", "$14.40")  # the other mug, by hand too
    answer = await sam.press("Send request")  # the offer he saw is gone: nothing is asked
    assert answer.text == "That choice is out of date. Here is your order as it is now."
    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    assert f"☐ {CUSHION}" in screen(sam) and "Stoneware Mug" not in screen(sam)

    await open_detail(ada, order_id)
    await ada.press("↩️ Refund")
    await ada.wait_for("up to ")
    await ada.send("MUG 1")
    await ada.wait_for("all 2 × MUG went back already")
    assert await stripe_account.refunds_of(charge) == [1440, 1440]
    assert await books(h, order_id) == ("delivered", 2880)
    async with h.store.uow() as uow:
        assert await uow.returns.of_order(order_id) == []


async def test_after_an_amount_refunded_by_hand_she_may_not_ask_for_more_than_is_left(
    h: ShopHarness,  # noqa: F811
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Ada gave $10.00 back by hand (an amount: no line), so $40.40 of the $50.40 is left.
    Each line alone still fits and is offered; the mugs and the cover together ($50.40) do
    not, and Sam is told so before any request is kept. The mugs alone go back: $38.80 in
    all, never more than he paid."""
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await ada_refunds_by_hand(ada, order_id, "10.00", "$10.00")

    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    await sam.press(f"☐ {MUGS}")
    await sam.press(f"☐ {CUSHION}")
    await sam.press("Next")
    assert (
        f"Together these items come to more than can still be refunded of order #{order_id}: "
        "choose fewer, or tap 💬 Ask about this order."
    ) in shown(sam)
    async with h.store.uow() as uow:
        assert await uow.returns.of_order(order_id) == []

    said = await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    assert said == f"Return request #1 for order #{order_id} sent. The shop will answer here."
    await ada.press("✅ Approve and refund", message=await ada.wait_for("↩️ Return request #1"))
    await ada.press("Yes, approve and refund", message=await ada.wait_for("Approve return #1"))
    await sam.wait_for("✅ Your return #1 was approved")
    assert await stripe_account.refunds_of(charge) == [1000, 2880]
    assert await books(h, order_id) == ("delivered", 3880)

    await open_detail(ada, order_id)  # the mugs came back by the return: not again by hand
    await ada.press("↩️ Refund")
    await ada.wait_for("up to ")
    await ada.send("MUG 1")
    await ada.wait_for("all 2 × MUG went back already")
    assert await stripe_account.refunds_of(charge) == [1000, 2880]


async def test_a_request_whose_mug_was_refunded_by_hand_since_is_not_approved(
    h: ShopHarness,  # noqa: F811
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Sam asks to return both mugs ($28.80); before Ada decides, she (or another admin)
    refunds one of them by hand. Approving the request now would pay that mug twice: it is
    refused, nothing more goes back, and the request still waits for a decline."""
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    alert = await ada.wait_for("↩️ Return request #1")
    await ada_refunds_by_hand(ada, order_id, "MUG 1", "$14.40")

    refused = await ada.press_data(alert, ApproveReturn(1).encode())
    assert "Return #1: some of its items were refunded by hand since it was asked" in (
        refused.text or ""
    )
    assert await stripe_account.refunds_of(charge) == [1440]
    assert await books(h, order_id) == ("delivered", 1440)
    assert await requests_of(h, order_id) == [("requested", None)]
