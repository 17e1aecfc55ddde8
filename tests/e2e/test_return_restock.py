"""↩️ A return's goods back on the shelf: Alice sends back the two mugs of her delivered order,
the last two the shop had, and Ada approves it with ✅ Approve, refund and restock. The mugs go
back in stock exactly once, even when Ada presses twice and Bob, another admin, presses at the
same moment; Carol, who waited for the sold-out mug, hears it is back; the order's history
and /audit say so. On SQLite and PostgreSQL (two admins at once)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.callback_data import ApproveReturn
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.usecases.orders import refund_order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.e2e.shopper import shown
from tests.e2e.test_back_in_stock import notify_me, tell
from tests.e2e.test_returns import MUGS, card_order, requests_of, sam_asks_to_return_the_mugs
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    add_product,
    card_shop,
    stripe_account,
)

BOB = 9002
BACK = "🔔 Good news: Stoneware Mug 350ml is back in stock!"


@pytest.fixture
async def h(
    tmp_path: Path, localstripe: str, migrated_database_url: str
) -> AsyncIterator[ShopHarness]:
    """A card shop with two admins, Ada and Bob, on each database."""
    admins = frozenset({ADMIN_ID, BOB})
    async with card_shop(
        tmp_path, localstripe, database_url=migrated_database_url, admin_ids=admins
    ) as harness:
        yield harness


async def mugs_in_stock(h: ShopHarness) -> int:
    async with h.store.reading() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None
        return mug.stock


async def test_approved_with_restock_the_mugs_go_back_once_and_carol_hears(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    ada, bob = h.user(ADMIN_ID, "Ada"), h.user(BOB, "Bob")
    alice, carol = h.user(SHOPPER_ID, "Alice"), h.user(1003, "Carol")
    await add_product(h.shop, "MUG", stock=2, title="Stoneware Mug 350ml")  # the last two
    order_id, charge = await card_order(h, alice, stripe_account)
    assert await mugs_in_stock(h) == 0
    await notify_me(carol, "MUG")  # sold out: Carol asks to hear when it is back

    await sam_asks_to_return_the_mugs(alice, order_id, "Changed my mind")
    alert = await ada.wait_for("↩️ Return request #1")
    assert alert.buttons[0][0].label == "✅ Approve, refund and restock"
    await ada.press("✅ Approve, refund and restock", message=alert)
    asked = await ada.wait_for("Approve return #1")
    assert asked.text == (
        f"Approve return #1, refund $28.80 of order #{order_id} and put {MUGS} back in stock?"
    )
    assert await mugs_in_stock(h) == 0  # asking changes nothing

    yes = ApproveReturn(1, restock=1).encode()
    bobs = await bob.wait_for("↩️ Return request #1")
    presses = await asyncio.gather(
        ada.press_data(asked, yes), ada.press_data(asked, yes), bob.press_data(bobs, yes)
    )
    assert sum("was already approved" in (p.text or "") for p in presses) == 2
    await h.until_idle()
    said = [
        m.text for u in (ada, bob) for m in u.messages if "✅ Return #1 approved" in (m.text or "")
    ]
    assert said == [
        f"✅ Return #1 approved: $28.80 of order #{order_id} refunded; the shopper was told."
        f"\n📦 Back in stock: {MUGS}."
    ]
    assert await mugs_in_stock(h) == 2  # once, however often pressed
    assert await stripe_account.refunds_of(charge) == [2880]

    assert await tell(h) == 1  # the back-in-stock job, as after /stock
    await carol.wait_for(BACK)
    assert await tell(h) == 0

    ((_, winner),) = await requests_of(h, order_id)  # Ada or Bob, whoever was first
    await open_detail(ada, order_id)
    assert f"by {winner} (restocked {MUGS})" in shown(ada)  # the order's history
    await ada.send("/audit")
    log = (await ada.wait_for("Audit log")).text or ""
    assert f"put back in stock items of order:{order_id} · restocked {MUGS}" in log
    assert log.count("put back in stock") == 1


async def alice_returns_the_last_two_mugs(
    h: ShopHarness, account: StripeTestAccount
) -> tuple[int, str, Message]:
    """Alice buys the shop's last two mugs (and a cushion cover) and asks to return the mugs:
    (order id, Stripe charge id, Ada's alert)."""
    assert h.shop is not None
    await add_product(h.shop, "MUG", stock=2, title="Stoneware Mug 350ml")
    alice = h.user(SHOPPER_ID, "Alice")
    order_id, charge = await card_order(h, alice, account)
    await sam_asks_to_return_the_mugs(alice, order_id, "Damaged")
    return order_id, charge, await h.user(ADMIN_ID, "Ada").wait_for("↩️ Return request #1")


async def test_mugs_put_back_stay_on_the_shelf_when_stripe_then_refuses_the_refund(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """The mugs are physically back: Stripe refusing the refund does not take them off the
    shelf, and approving again once Stripe works refunds without adding them twice."""
    assert h.shop is not None
    ada, alice = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Alice")
    order_id, charge, alert = await alice_returns_the_last_two_mugs(h, stripe_account)
    yes = ApproveReturn(1, restock=1).encode()
    stripe, h.shop.stripe = h.shop.stripe, None  # no STRIPE_API_KEY: Stripe cannot refund
    try:
        refused = await ada.press_data(alert, yes)
    finally:
        h.shop.stripe = stripe
    assert (refused.text or "").startswith(f"Order #{order_id} was not changed: ")
    assert await mugs_in_stock(h) == 2
    assert await requests_of(h, order_id) == [("requested", None)]

    await ada.press_data(alert, yes)
    await alice.wait_for("✅ Your return #1 was approved")
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await mugs_in_stock(h) == 2


async def test_a_refund_refused_before_stripe_is_asked_puts_nothing_back(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Ada refunded $30.00 of the order by hand meanwhile, so the mugs' $28.80 is more than
    can still go back ($20.40): the approval decides nothing, the request waits, and the mugs
    are not counted back on the shelf."""
    assert h.shop is not None
    ada = h.user(ADMIN_ID, "Ada")
    order_id, charge, alert = await alice_returns_the_last_two_mugs(h, stripe_account)
    await refund_order(h.shop, order_id, amount=3000, actor=f"admin:{ADMIN_ID}")

    refused = await ada.press_data(alert, ApproveReturn(1, restock=1).encode())
    assert (refused.text or "").startswith(f"Order #{order_id} was not changed: ")
    assert await mugs_in_stock(h) == 0
    assert await requests_of(h, order_id) == [("requested", None)]
    assert await stripe_account.refunds_of(charge) == [3000]
