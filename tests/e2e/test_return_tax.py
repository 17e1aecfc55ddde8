"""VAT given back unit by unit, whichever way a unit goes back: the shop's TAX_RATE is 20%, and
Sam's delivered card order holds 3 mugs ($48.00, $8.00 of it VAT: $2.67, $2.67 and $2.66 a
mug) and a cushion cover ($24.00, $4.00 VAT). Ada refunds two mugs by hand ("MUG 2"), Sam
returns the third and Ada approves it: the mugs' refunds give back $48.00 and exactly their
$8.00 of VAT, the last mug its own $2.66 (not its share of the order's tax, $2.67). On SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.payments.invoice import build_invoice
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases.orders import deliver_order, ship_order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.e2e.shopper import open_order, screen
from tests.e2e.test_return_after_refund import ada_refunds_by_hand
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    add_product,
    card_shop,
    fill_cart,
    mark_invoice_sent,
    place_order,
    stripe_account,
)

LAST_MUG = "1 × Stoneware Mug 350ml"


@pytest.fixture
async def h(
    tmp_path: Path, localstripe: str, migrated_database_url: str
) -> AsyncIterator[ShopHarness]:
    async with card_shop(
        tmp_path, localstripe, database_url=migrated_database_url, tax_rate_bp=2000
    ) as harness:
        yield harness


async def three_mugs_delivered(h: ShopHarness, sam: FakeUser, account: StripeTestAccount) -> int:
    """Sam buys 3 mugs ($16 each) and a cushion cover ($24), pays $72.00 by card, and the
    shop ships and delivers it: the order's id."""
    assert h.shop is not None
    await sam.send("/start")
    await sam.wait_for("Sam")
    mug = await add_product(h.shop, "MUG", title="Stoneware Mug 350ml")
    cushion = await add_product(h.shop, "CUSH", price=2400, title="Linen Cushion Cover")
    await fill_cart(h.shop, sam.user_id, {mug: 3, cushion: 1})
    placed = await place_order(h.shop, telegram_id=sam.user_id)
    sent = await build_invoice(placed.order, h.shop.settings).send(h.app.bot, sam.user_id)
    await mark_invoice_sent(h.shop, placed.order.order_id, sent.message_id)
    await sam.wait_for(lambda m: m.invoice is not None, include_existing=True)
    charge = await account.charge(7200)
    assert (await sam.pay(shipping_option_id="standard", provider_payment_charge_id=charge)).ok
    await sam.wait_for("✅")
    order_id = placed.order.order_id
    await ship_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    await deliver_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    return order_id


async def test_two_mugs_refunded_by_hand_and_the_third_returned_give_back_their_vat_exactly(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await three_mugs_delivered(h, sam, stripe_account)
    async with h.store.reading() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        assert [(line.sku, line.quantity, line.tax) for line in order.lines] == [
            ("MUG", 3, 800),
            ("CUSH", 1, 400),
        ]

    await ada_refunds_by_hand(ada, order_id, "MUG 2", "$32.00")
    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    await sam.press(f"☐ {LAST_MUG}")
    await sam.press("Next")
    await sam.press("Damaged")
    assert "If the shop approves, you get $16.00 back to your card." in screen(sam)
    await sam.press("Send request")
    await ada.press("✅ Approve and refund", message=await ada.wait_for("↩️ Return request #1"))
    await ada.press("Yes, approve and refund", message=await ada.wait_for("Approve return #1"))
    await sam.wait_for("✅ Your return #1 was approved")

    async with h.store.reading() as uow:
        given = [(r.amount, r.tax) for r in await uow.refunds.for_order(order_id)]
    assert given == [(3200, 534), (1600, 266)]  # the mugs' $48.00 and $8.00, to the cent
