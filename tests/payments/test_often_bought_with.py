"""The counts behind "Often bought with this": moved by the order's status, and only where it
actually changes (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import catalog
from bot.services.checkout import PlacedOrder
from bot.shop import Shop
from bot.store.models import Order, OrderLine, ProductPair
from bot.usecases.orders import cancel_order, refund_order
from tests.payments.conftest import (
    StripeTestAccount,
    add_product,
    cancel_open_invoices,
    fill_cart,
    pay,
    place_order,
)

ADMIN = "admin:9001"


async def _products(shop: Shop) -> dict[str, int]:
    return {
        "mug": await add_product(shop, "MUG", price=1600, title="Mug"),
        "kettle": await add_product(shop, "KETTLE", price=4500, title="Kettle"),
        "tea": await add_product(shop, "TEA", price=980, title="Tea"),
        "pen": await add_product(shop, "PEN", price=1200, title="Pen"),
    }


async def _placed(shop: Shop, shopper: int, *product_ids: int) -> PlacedOrder:
    """The shopper checks out one of each: the placed order, waiting for its payment."""
    await fill_cart(shop, shopper, {product_id: 1 for product_id in product_ids})
    return await place_order(shop, telegram_id=shopper)


async def _bought(
    shop: Shop, shopper: int, *product_ids: int, account: StripeTestAccount | None = None
) -> int:
    """The shopper buys one of each and pays: the order's id."""
    placed = await _placed(shop, shopper, *product_ids)
    amount = placed.order.total + 500  # + standard shipping
    charge = await account.charge(amount) if account else "ch_offline"
    outcome = await pay(shop, placed, provider_charge=charge)
    assert outcome.kind == "paid"
    return placed.order.order_id


async def _pairs(shop: Shop) -> dict[tuple[int, int], int]:
    async with shop.store.reading() as uow:
        rows = await uow.session.execute(
            select(ProductPair.product_id, ProductPair.other_id, ProductPair.orders)
        )
        return {(a, b): n for a, b, n in rows}


async def _offered(shop: Shop, product_id: int) -> list[str]:
    async with shop.store.reading() as uow:
        return [item.title for item in await catalog.also_bought(uow, product_id)]


async def test_paid_orders_count_each_two_products_both_ways_most_bought_first(
    shop: Shop,
) -> None:
    p = await _products(shop)
    await _bought(shop, 1001, p["mug"], p["kettle"], p["tea"])
    await _bought(shop, 1002, p["mug"], p["kettle"])
    await _bought(shop, 1003, p["mug"], p["pen"])
    await _placed(shop, 1004, p["mug"], p["pen"])  # not paid: counts nothing

    pairs = await _pairs(shop)
    assert pairs[(p["mug"], p["kettle"])] == pairs[(p["kettle"], p["mug"])] == 2
    assert pairs[(p["mug"], p["pen"])] == pairs[(p["pen"], p["mug"])] == 1
    assert (p["kettle"], p["pen"]) not in pairs and (p["mug"], p["mug"]) not in pairs
    # the kettle twice, then the tea and the pen once each: the tea's lower id first
    assert await _offered(shop, p["mug"]) == ["Kettle", "Tea", "Pen"]
    assert await _offered(shop, p["kettle"]) == ["Mug", "Tea"]
    assert await _offered(shop, await add_product(shop, "NEW", title="New")) == []


async def test_a_payment_delivered_twice_counts_once(shop: Shop) -> None:
    p = await _products(shop)
    placed = await _placed(shop, 1001, p["mug"], p["kettle"])
    assert (await pay(shop, placed)).kind == "paid"
    again = await pay(shop, placed)  # Telegram sent it again
    assert again.kind == "duplicate"
    other = await pay(shop, placed, charge="tg-second")  # a second charge for it, refunded
    assert other.kind == "paid_twice"
    assert await _pairs(shop) == {(p["mug"], p["kettle"]): 1, (p["kettle"], p["mug"]): 1}


async def test_cancelling_a_paid_order_takes_its_pairs_back_and_an_unpaid_one_changes_nothing(
    shop: Shop,
) -> None:
    p = await _products(shop)
    first = await _bought(shop, 1001, p["mug"], p["kettle"])
    second = await _bought(shop, 1002, p["mug"], p["kettle"])
    await _placed(shop, 1003, p["mug"], p["kettle"])
    await cancel_open_invoices(shop, telegram_id=1003)  # never paid: nothing to take back
    assert await _pairs(shop) == {(p["mug"], p["kettle"]): 2, (p["kettle"], p["mug"]): 2}

    await cancel_order(shop, first, actor=ADMIN)  # (no Stripe key: the refund is flagged)
    assert await _pairs(shop) == {(p["mug"], p["kettle"]): 1, (p["kettle"], p["mug"]): 1}
    await cancel_order(shop, second, actor=ADMIN)
    assert await _pairs(shop) == {}  # no paid order holds them together any more
    assert await _offered(shop, p["mug"]) == []


async def test_a_full_refund_takes_the_pairs_back_a_partial_one_does_not(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    shop = stripe_shop
    p = await _products(shop)
    kept = await _bought(shop, 1001, p["mug"], p["kettle"], account=stripe_account)
    refunded = await _bought(shop, 1002, p["mug"], p["kettle"], account=stripe_account)
    cancelled = await _bought(shop, 1003, p["mug"], p["kettle"], account=stripe_account)
    assert (await _pairs(shop))[(p["mug"], p["kettle"])] == 3

    await refund_order(shop, kept, amount=500, actor=ADMIN)  # a part: still bought
    assert (await _pairs(shop))[(p["mug"], p["kettle"])] == 3
    await refund_order(shop, refunded, amount=None, actor=ADMIN)  # all of it
    assert (await _pairs(shop))[(p["mug"], p["kettle"])] == 2
    # cancelled (out of the count), then refunded from cancelled: taken back once, not twice
    change = await cancel_order(shop, cancelled, actor=ADMIN)
    assert change.new_status == "refunded"
    assert await _pairs(shop) == {(p["mug"], p["kettle"]): 1, (p["kettle"], p["mug"]): 1}


async def test_a_product_bought_in_two_sizes_counts_its_order_once(shop: Shop) -> None:
    """Two lines of one product (two variants) and another product: one order, counted once
    each way; on PostgreSQL the upsert never meets the same pair twice."""
    p = await _products(shop)
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(1001)
        order = await uow.orders.add(
            Order(
                customer_id=customer.id,
                currency="USD",
                lines=[
                    OrderLine(
                        product_id=product_id,
                        variant_id=variant_id,
                        sku=f"SKU-{n}",
                        title="Item",
                        unit_price=100,
                        currency="USD",
                        quantity=1,
                    )
                    for n, (product_id, variant_id) in enumerate(
                        [(p["mug"], 0), (p["kettle"], 1), (p["kettle"], 2)]
                    )
                ],
            )
        )
        await uow.orders.transition(order, "pay")
    assert await _pairs(shop) == {(p["mug"], p["kettle"]): 1, (p["kettle"], p["mug"]): 1}
