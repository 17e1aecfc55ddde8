"""A unit of an order bought at a quantity tier goes back at the tiered price: the shop's
TAX_RATE is 20%, the mug ($16.00) is 10% off from 3, Sam pays $43.20 for 3 mugs ($14.40 each,
$2.40 of it VAT), and Ada's refund of one mug gives back $14.40 and its $2.40 of VAT, not the
list price. On SQLite and PostgreSQL."""

from __future__ import annotations

from bot.payments.invoice import build_invoice
from bot.standin.harness import ShopHarness
from bot.usecases.orders import deliver_order, ship_order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.e2e.test_return_after_refund import ada_refunds_by_hand
from tests.e2e.test_return_tax import h  # noqa: F401  (its shop: TAX_RATE 20%, on each backend)
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    add_product,
    card_shop,
    fill_cart,
    mark_invoice_sent,
    place_order,
    stripe_account,
)


async def test_one_of_three_tiered_mugs_refunded_gives_back_the_tiered_price_and_its_vat(
    h: ShopHarness,  # noqa: F811
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    await sam.send("/start")
    await sam.wait_for("Sam")
    mug = await add_product(h.shop, "MUG", title="Stoneware Mug 350ml")
    async with h.store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None
        product.tiers = "3:10,6:15"
    await fill_cart(h.shop, sam.user_id, {mug: 3})
    placed = await place_order(h.shop, telegram_id=sam.user_id)
    assert (placed.order.items_total, placed.order.total) == (4320, 4320)
    sent = await build_invoice(placed.order, h.shop.settings).send(h.app.bot, sam.user_id)
    await mark_invoice_sent(h.shop, placed.order.order_id, sent.message_id)
    invoice = await sam.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    assert sum(price["amount"] for price in invoice.invoice["prices"]) == 4320
    charge = await stripe_account.charge(4820)  # and $5.00 of standard shipping
    assert (await sam.pay(shipping_option_id="standard", provider_payment_charge_id=charge)).ok
    await sam.wait_for("✅")
    order_id = placed.order.order_id
    await ship_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    await deliver_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    async with h.store.reading() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        assert [(ln.sku, ln.quantity, ln.unit_price, ln.tax) for ln in order.lines] == [
            ("MUG", 3, 1440, 720)
        ]

    await ada_refunds_by_hand(ada, order_id, "MUG 1", "$14.40")
    async with h.store.reading() as uow:
        given = [(r.amount, r.tax) for r in await uow.refunds.for_order(order_id)]
    assert given == [(1440, 240)]
