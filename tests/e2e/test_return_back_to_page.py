"""⬅️ Back from a return request leads to the page Ada came from: she lists the delivered
orders, goes to page 2, opens Sam's order with his return request waiting, asks to approve
it, thinks better of it (⬅️ Back), declines it, and after each step ⬅️ Orders brings her back
to page 2 of the delivered orders, not to the first page of all of them. The same after she
approves his next request. On SQLite and PostgreSQL."""

from __future__ import annotations

from bot.callback_data import (
    AdminOrders,
    ApproveReturn,
    DeclineReturn,
    FromOrderList,
    OpenOrder,
    decode,
    listed,
    opened_from,
)
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.store.models import Order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.e2e.test_returns import (  # noqa: F401  (h: the card shop on each database)
    card_order,
    h,
    requests_of,
    sam_asks_to_return_the_mugs,
)
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    stripe_account,
)

NEWER = 9  # delivered orders of other shoppers, newer than Sam's: his is on page 2 (8 a page)


async def newer_delivered_orders(shop: ShopHarness) -> None:
    async with shop.store.uow() as uow:
        for n in range(NEWER):
            customer = await uow.customers.get_or_create(2000 + n)
            await uow.orders.add(
                Order(
                    customer_id=customer.id,
                    status="delivered",
                    currency="USD",
                    items_total=1000,
                    total=1000,
                )
            )


async def sams_order_from_page_2(ada: FakeUser, order_id: int) -> Message:
    """Ada lists the delivered orders, goes to page 2 and opens Sam's order."""
    await ada.send("/orders_admin delivered")
    await ada.wait_for("page 1/2")
    await ada.press("Next ▶️")
    await ada.wait_for("page 2/2")
    await ada.press(f"#{order_id} · ")
    return await ada.wait_for(f"Order #{order_id} · ")


async def back_to_the_list(ada: FakeUser) -> str:
    await ada.press("⬅️ Orders")
    return (await ada.wait_for("🧾 ")).text or ""


async def test_back_from_a_return_request_leads_to_the_page_ada_came_from(
    h: ShopHarness,  # noqa: F811
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await newer_delivered_orders(h)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")

    screen = await sams_order_from_page_2(ada, order_id)
    assert "↩️ Return request #1" in (screen.text or "")
    await ada.press("✅ Approve and refund", message=screen)
    asked = await ada.wait_for("Approve return #1")
    await ada.press("⬅️ Back", message=asked)  # not now: the order again, then the list
    await ada.wait_for(f"Order #{order_id} · ")
    assert "page 2/2" in await back_to_the_list(ada)
    assert await requests_of(h, order_id) == [("requested", None)]

    screen = await sams_order_from_page_2(ada, order_id)
    await ada.press("✖️ Decline", message=screen)
    await ada.wait_for("Decline return #1")
    await ada.send("/skip")
    await ada.wait_for("✖️ Return #1 declined")
    await ada.wait_for(f"Order #{order_id} · ")
    listing = await back_to_the_list(ada)
    assert "page 2/2" in listing and "Delivered" in listing

    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")  # asked again: #2
    screen = await sams_order_from_page_2(ada, order_id)
    await ada.press("✅ Approve and refund", message=screen)
    asked = await ada.wait_for("Approve return #2")
    await ada.press("Yes, approve and refund", message=asked)
    await ada.wait_for("✅ Return #2 approved")
    await ada.wait_for(f"Order #{order_id} · ")
    assert "page 2/2" in await back_to_the_list(ada)
    assert await stripe_account.refunds_of(charge) == [2880]


def test_the_list_rides_in_the_buttons_and_reads_back_as_it_was() -> None:
    """Page 3 of the partially refunded orders of customer 7 reads back from each button as
    it was; a button made before the list was kept (the admins' alert's, an older one)
    leads to the first page of all orders, and so does a list no button names (forged)."""
    where = AdminOrders("partially_refunded", 3, 7)
    for action in (
        opened_from(12, where),
        ApproveReturn(5, 1, *listed(where)),
        DeclineReturn(5, *listed(where)),
    ):
        back = decode(action.encode())
        assert isinstance(back, FromOrderList) and back.listing == where
    old = decode("1:ARY:3:1")
    assert isinstance(old, ApproveReturn) and old.restock == 1
    assert old.listing == AdminOrders("all", 0)
    forged = decode("1:AOO:12:39:7")  # page 3 of list 9: there is none
    assert isinstance(forged, OpenOrder) and forged.listing == AdminOrders("all", 0, 7)
    assert decode("1:AOO:7:x") is None  # not a number: refused like any forged button
