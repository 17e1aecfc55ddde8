""" "Often bought with this" under a product's card: what other shoppers' paid orders held
with it, each a button to its own card; nothing while no paid order holds it with another."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Product, ProductPair
from tests.e2e.shopper import paid_order
from tests.reliability.test_exactly_once import last_update

HEADER = "Often bought with this:"


def _labels(shopper: FakeUser) -> list[str]:
    message = shopper.last_message
    return [b.label for b in message.all_buttons] if message is not None else []


def _under_header(shopper: FakeUser, header: str = HEADER) -> list[str]:
    """The buttons between the header and ⬅ Back: the products offered."""
    labels = _labels(shopper)
    if header not in labels:
        return []
    after = labels[labels.index(header) + 1 :]
    return after[: next(i for i, label in enumerate(after) if label.startswith("⬅"))]


async def _open(shopper: FakeUser, sku: str) -> None:
    await shopper.send(f"/start product_{sku}")
    await shopper.wait_for(lambda m: any("Add to cart" in b.label for b in m.all_buttons))


async def test_carol_opens_the_mug_and_is_offered_the_kettle_two_shoppers_bought_with_it(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    alice, bob, carol = h.user(1001, "Alice"), h.user(1002, "Bob"), h.user(1003, "Carol")

    await _open(carol, "KIT-MUG-CER")  # nobody has bought it yet: no header, no buttons
    assert HEADER not in _labels(carol)

    await paid_order(h, alice, "KIT-MUG-CER", "KIT-KTL-GOO")
    await paid_order(h, bob, "KIT-MUG-CER", "KIT-KTL-GOO", "TEA-SEN-100")

    await _open(carol, "KIT-MUG-CER")
    assert _under_header(carol) == [
        "Gooseneck Kettle 1L · $45.00",  # in two orders with the mug
        "Japanese Sencha 100g · $9.80",  # in one
    ]
    await carol.press("Gooseneck Kettle 1L · $45.00")
    kettle = await carol.wait_for("Gooseneck Kettle 1L", include_existing=True)
    assert (kettle.text or "").startswith("Gooseneck Kettle 1L")
    assert "Stoneware Mug 350ml · $16.00" in _under_header(carol)  # and the other way round


async def test_a_product_hidden_or_sold_out_is_not_offered(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    alice, carol = h.user(1001, "Alice"), h.user(1003, "Carol")
    await paid_order(h, alice, "KIT-MUG-CER", "KIT-KTL-GOO", "TEA-SEN-100")

    async with h.store.uow() as uow:
        await uow.session.execute(
            update(Product).where(Product.sku == "KIT-KTL-GOO").values(is_active=False)
        )
        await uow.session.execute(
            update(Product).where(Product.sku == "TEA-SEN-100").values(stock=Product.reserved)
        )
    await _open(carol, "KIT-MUG-CER")
    assert HEADER not in _labels(carol)  # neither can be bought: no empty header either

    async with h.store.uow() as uow:
        await uow.session.execute(
            update(Product).where(Product.sku == "TEA-SEN-100").values(stock=3)
        )
    await _open(carol, "KIT-MUG-CER")
    assert _under_header(carol) == ["Japanese Sencha 100g · $9.80"]


async def test_a_russian_shopper_reads_the_header_and_the_names_in_russian(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    await paid_order(h, h.user(1001, "Alice"), "KIT-MUG-CER", "KIT-KTL-GOO")
    dasha = h.user(1004, "Даша", language_code="ru")
    await _open_in_russian(dasha, "KIT-MUG-CER")
    assert _under_header(dasha, "Часто покупают вместе:") == [
        "Чайник с узким носиком 1 л · 45,00\xa0$"
    ]


async def _open_in_russian(shopper: FakeUser, sku: str) -> None:
    await shopper.send(f"/start product_{sku}")
    await shopper.wait_for(lambda m: any("В корзину" in b.label for b in m.all_buttons))


async def test_a_payment_telegram_delivers_twice_counts_the_order_once(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    await paid_order(h, h.user(1001, "Alice"), "KIT-MUG-CER", "KIT-KTL-GOO")
    await h.until_idle()
    paid = await last_update(h.store, "message")
    assert "successful_payment" in json.dumps(paid.payload)

    await h.standin.redeliver(paid.payload)  # the poller restarted before confirming it
    await h.until_idle()

    async with h.store.reading() as uow:
        counts = list(await uow.session.scalars(select(ProductPair.orders)))
    assert counts == [1, 1]  # the mug with the kettle, and the kettle with the mug
