"""What an unpaid order holds comes back, whichever way it goes: its stock, its promo code's
use and its gift card's part (bot.services.checkout.give_back_held), on SQLite (one rule in
Python, no SQL that differs by database)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from bot.services.promos import parse_new
from bot.shop import Shop
from bot.store.models import GiftCard, utcnow
from bot.store.order_states import IllegalOrderTransition
from bot.store.uow import Store
from bot.usecases import privacy
from bot.usecases.orders import cancel_order
from tests.payments.conftest import (
    add_product,
    cancel_open_invoices,
    expire_holds,
    fill_cart,
    make_settings,
    place_order,
    stock_of,
)

ALICE = 1001
CARD = "K7QF-2MXR-9TBA"


@pytest.fixture
async def shop(sqlite_store: Store) -> AsyncIterator[Shop]:
    yield Shop(settings=make_settings(), store=sqlite_store)


async def _holding(shop: Shop) -> tuple[int, int]:
    """Alice checks out two $16 mugs with ONCE (10% off, 5 uses) and a $10 card:
    (order id, mug id); the order holds 2 mugs, a use of ONCE and $10 of the card."""
    mug = await add_product(shop, "MUG", price=1600, stock=5)
    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["ONCE", "10%", "uses=5"], "USD").to_model())
        await uow.gift_cards.add(
            GiftCard(code=CARD, currency="USD", initial_amount=1000, balance=1000)
        )
    await fill_cart(shop, ALICE, {mug: 2})
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(ALICE)
        cart = await uow.carts.get_for_customer(customer.id)
        cart.promo_code, cart.gift_card_code = "ONCE", CARD
    placed = await place_order(shop, telegram_id=ALICE)
    order = placed.order
    assert (order.discount_total, order.gift_card_amount, order.total) == (320, 1000, 1880)
    return order.order_id, mug


async def _held(shop: Shop, mug: int) -> tuple[int, int, int]:
    """(mugs reserved, uses of ONCE counted, what is left on the card)."""
    async with shop.store.reading() as uow:
        promo = await uow.promos.by_code("ONCE")
        card = await uow.gift_cards.by_code(CARD)
    assert promo is not None and card is not None
    return (await stock_of(shop, mug))[1], promo.uses, card.balance


async def test_an_admin_cancelling_an_unpaid_order_gives_back_its_promo_use_and_card(
    shop: Shop,
) -> None:
    order_id, mug = await _holding(shop)
    assert await _held(shop, mug) == (2, 1, 0)

    change = await cancel_order(shop, order_id, actor="admin:9001", reason="duplicate")
    assert change.new_status == "cancelled"
    assert await _held(shop, mug) == (0, 0, 1000)
    with pytest.raises(IllegalOrderTransition):  # pressed twice: given back once
        await cancel_order(shop, order_id, actor="admin:9001")
    assert await _held(shop, mug) == (0, 0, 1000)


async def _expiry(shop: Shop, order_id: int) -> None:
    assert [h.order_id for h in await expire_holds(shop, now=utcnow() + timedelta(days=1))] == [
        order_id
    ]


async def _shoppers_cancel(shop: Shop, order_id: int) -> None:
    assert [h.order_id for h in await cancel_open_invoices(shop, telegram_id=ALICE)] == [order_id]


async def _admins_cancel(shop: Shop, order_id: int) -> None:
    await cancel_order(shop, order_id, actor="admin:9001")


async def _privacy_deletion(shop: Shop, order_id: int) -> None:
    forgotten = await privacy.forget(shop, ALICE)
    assert forgotten.done and [h.order_id for h in forgotten.released] == [order_id]


@pytest.mark.parametrize(
    "let_go",
    [_expiry, _shoppers_cancel, _admins_cancel, _privacy_deletion],
    ids=["invoice expired", "shopper's /cancel", "admin's Cancel", "privacy deletion"],
)
async def test_every_way_an_unpaid_order_goes_gives_back_all_it_holds(
    shop: Shop, let_go: Callable[[Shop, int], Awaitable[None]]
) -> None:
    order_id, mug = await _holding(shop)
    await let_go(shop, order_id)
    assert await _held(shop, mug) == (0, 0, 1000)


async def test_a_new_checkout_gives_back_what_the_invoice_it_replaces_held(shop: Shop) -> None:
    """The chat's Pay and the storefront's checkout both place the order this way: the
    replaced invoice's hold comes back before the new one takes its own, so one is held."""
    order_id, mug = await _holding(shop)
    again = await place_order(shop, telegram_id=ALICE)
    assert [hold.order_id for hold in again.released] == [order_id]
    assert again.order.gift_card_amount == 1000
    assert await _held(shop, mug) == (2, 1, 0)
