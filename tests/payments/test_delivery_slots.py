"""Delivery time slots (bot.services.delivery_slots) on SQLite and PostgreSQL: a window never
takes more orders than its capacity, not even when shoppers check out at the same moment; its
seat goes back exactly once whichever way the order goes; a late payment takes the seat again
or, when the window filled meanwhile, keeps the order and flags it for an admin."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.payments.stripe_gateway import StripeGateway
from bot.services import delivery_slots
from bot.services.delivery_slots import SlotState
from bot.services.errors import SlotNeeded, SlotUnavailable
from bot.shop import Shop
from bot.store.uow import Store
from bot.usecases.orders import cancel_order, refund_order, ship_order
from tests.payments.conftest import (
    STRIPE_KEY,
    StripeTestAccount,
    add_product,
    expire_holds,
    fill_cart,
    make_settings,
    pay,
    place_order,
    stock_of,
)

ALICE = 1001
ADMIN = "admin:9001"
# Monday 7 December 2026, 09:00 in Madrid: the 10:00 window closed at its cut-off (09:00).
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
MONDAY, TUESDAY = date(2026, 12, 7), date(2026, 12, 8)
AFTERNOON = "14:00-16:00"
SLOTS = {
    "delivery_slots": ("10:00-12:00", AFTERNOON),
    "delivery_slot_capacity": 2,
    "delivery_days_ahead": 2,
    "delivery_cutoff_minutes": 60,
    "shop_timezone": "Europe/Madrid",
}


@pytest.fixture
async def slot_shop(store: Store, localstripe: str) -> AsyncIterator[Shop]:
    """A USD shop delivering itself in two windows a day, two orders each, refunding through
    localstripe."""
    settings = make_settings(stripe_api_key=STRIPE_KEY, stripe_api_base=localstripe, **SLOTS)
    shop = Shop(settings=settings, store=store, stripe=StripeGateway.from_settings(settings))
    try:
        yield shop
    finally:
        assert shop.stripe is not None
        await shop.stripe.close()


async def _choose(
    shop: Shop, telegram_id: int, day: date = MONDAY, window: str = AFTERNOON
) -> SlotState:
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        return await delivery_slots.choose(uow, customer.id, shop.settings, day, window, NOW)


async def _shopper_with_a_mug(shop: Shop, telegram_id: int, mug: int) -> None:
    """A shopper with a mug in her cart and Monday afternoon chosen."""
    await fill_cart(shop, telegram_id, {mug: 1})
    await _choose(shop, telegram_id)


async def _taken(shop: Shop, day: date = MONDAY, window: str = AFTERNOON) -> int:
    async with shop.store.reading() as uow:
        slot = await uow.delivery_slots.get(day, window)
    return slot.taken if slot else 0


async def _order(shop: Shop, order_id: int) -> tuple[date | None, str | None, bool, bool]:
    """(day, window, seat given back, flagged) as the database holds them."""
    async with shop.store.reading() as uow:
        order = await uow.orders.get(order_id, full=False)
    assert order is not None
    return (
        order.delivery_day,
        order.delivery_window,
        order.delivery_slot_released,
        order.needs_review,
    )


async def test_the_summary_offers_the_windows_still_open_in_the_shops_days(
    slot_shop: Shop,
) -> None:
    """At 09:00 in Madrid the 10:00 window is past its cut-off; the rest of today and
    tomorrow are offered, in the order of time; a full or closed one is not."""
    async with slot_shop.store.uow() as uow:
        offered = await delivery_slots.open_slots(uow, slot_shop.settings, NOW)
        assert [(s.day, s.window) for s in offered] == [
            (MONDAY, AFTERNOON),
            (TUESDAY, "10:00-12:00"),
            (TUESDAY, AFTERNOON),
        ]
        await delivery_slots.set_closed(uow, slot_shop.settings, TUESDAY, "10:00-12:00", True)
        for _ in range(2):
            assert await uow.delivery_slots.take(MONDAY, AFTERNOON, 2)
        offered = await delivery_slots.open_slots(uow, slot_shop.settings, NOW)
    assert [(s.day, s.window) for s in offered] == [(TUESDAY, AFTERNOON)]


async def test_a_window_past_its_cutoff_full_or_never_offered_cannot_be_chosen(
    slot_shop: Shop,
) -> None:
    for day, window in [
        (MONDAY, "10:00-12:00"),  # cut-off passed at 09:00
        (MONDAY, "18:00-20:00"),  # not a window of the shop
        (date(2026, 12, 9), AFTERNOON),  # beyond DELIVERY_DAYS_AHEAD
        (date(2026, 12, 6), AFTERNOON),  # yesterday
    ]:
        with pytest.raises(SlotUnavailable):
            await _choose(slot_shop, ALICE, day, window)
    chosen = await _choose(slot_shop, ALICE)
    assert (chosen.day, chosen.window, chosen.taken) == (MONDAY, AFTERNOON, 0)


async def test_placing_the_order_takes_a_seat_in_the_chosen_window(slot_shop: Shop) -> None:
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    placed = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    assert (placed.order.delivery_day, placed.order.delivery_window) == (MONDAY, AFTERNOON)
    assert await _taken(slot_shop) == 1
    assert await _order(slot_shop, placed.order.order_id) == (MONDAY, AFTERNOON, False, False)


async def test_no_order_is_placed_without_a_delivery_time(slot_shop: Shop) -> None:
    """Goods to deliver and no time chosen: refused before anything is held."""
    mug = await add_product(slot_shop, "MUG", stock=5)
    await fill_cart(slot_shop, ALICE, {mug: 1})
    with pytest.raises(SlotNeeded):
        await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    assert await stock_of(slot_shop, mug) == (5, 0)


async def test_a_digital_only_cart_is_not_asked_for_a_delivery_time(slot_shop: Shop) -> None:
    ebook = await add_product(slot_shop, "EBOOK", digital=True)
    await fill_cart(slot_shop, ALICE, {ebook: 1})
    placed = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    assert placed.order.delivery_day is None and await _taken(slot_shop) == 0


async def test_six_shoppers_racing_for_a_window_of_two_seats_get_two_orders(
    slot_shop: Shop,
) -> None:
    """Six shoppers chose Monday afternoon while it had room, then all pay at once: one
    conditional UPDATE per order lets exactly two through; the others are told it is full,
    and nothing of theirs is held."""
    mug = await add_product(slot_shop, "MUG", stock=10)
    racers = [5000 + n for n in range(6)]
    for telegram_id in racers:
        await _shopper_with_a_mug(slot_shop, telegram_id, mug)

    async def check_out(telegram_id: int) -> str:
        try:
            placed = await place_order(slot_shop, telegram_id=telegram_id, now=NOW)
        except SlotUnavailable:
            return "full"
        return placed.order.delivery_window or "none"

    results = await asyncio.gather(*(check_out(t) for t in racers))
    assert sorted(results) == [AFTERNOON, AFTERNOON, "full", "full", "full", "full"]
    assert await _taken(slot_shop) == 2
    assert await stock_of(slot_shop, mug) == (10, 2)


async def test_a_new_checkout_gives_back_the_seat_of_the_invoice_it_replaces(
    slot_shop: Shop,
) -> None:
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    first = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    again = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    assert [hold.order_id for hold in again.released] == [first.order.order_id]
    assert await _taken(slot_shop) == 1
    assert (await _order(slot_shop, first.order.order_id))[2] is True


async def test_an_expired_invoice_gives_its_seat_back_once(slot_shop: Shop) -> None:
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    placed = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    later = NOW + timedelta(hours=1)
    assert [h.order_id for h in await expire_holds(slot_shop, now=later)] == [placed.order.order_id]
    assert await _taken(slot_shop) == 0
    async with slot_shop.store.uow() as uow:  # a second path finds it given back already
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None
        assert not await delivery_slots.give_back(uow, order)
    assert await expire_holds(slot_shop, now=later) == []
    assert await _taken(slot_shop) == 0


async def test_an_admin_cancelling_an_unpaid_order_frees_its_seat_once(slot_shop: Shop) -> None:
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    await _shopper_with_a_mug(slot_shop, 1002, mug)
    placed = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    await place_order(slot_shop, telegram_id=1002, now=NOW)
    assert await _taken(slot_shop) == 2
    await cancel_order(slot_shop, placed.order.order_id, actor=ADMIN)
    assert await _taken(slot_shop) == 1  # Bob's seat stays


async def _paid(shop: Shop, account: StripeTestAccount, telegram_id: int = ALICE) -> int:
    mug = await add_product(shop, f"MUG{telegram_id}", price=1600, stock=5)
    await _shopper_with_a_mug(shop, telegram_id, mug)
    placed = await place_order(shop, telegram_id=telegram_id, now=NOW)
    charge = await account.charge(1600 + 500)
    outcome = await pay(shop, placed, provider_charge=charge, now=NOW)
    assert outcome.kind == "paid"
    return placed.order.order_id


async def test_paying_keeps_the_seat_and_clears_the_choice_from_the_cart(
    slot_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id = await _paid(slot_shop, stripe_account)
    assert await _order(slot_shop, order_id) == (MONDAY, AFTERNOON, False, False)
    assert await _taken(slot_shop) == 1
    async with slot_shop.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
        assert customer is not None
        assert (await uow.carts.get_for_customer(customer.id)).delivery_slot is None


async def test_a_paid_order_cancelled_before_shipping_frees_its_seat_once(
    slot_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id = await _paid(slot_shop, stripe_account)
    change = await cancel_order(slot_shop, order_id, actor=ADMIN, reason="no one home")
    assert change.new_status == "refunded"
    assert await _taken(slot_shop) == 0
    assert (await _order(slot_shop, order_id))[2] is True


async def test_a_full_refund_before_shipping_frees_the_seat_and_after_shipping_not(
    slot_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    kept = await _paid(slot_shop, stripe_account, ALICE)
    shipped = await _paid(slot_shop, stripe_account, 1002)
    assert await _taken(slot_shop) == 2
    await ship_order(slot_shop, shipped, actor=ADMIN)
    await refund_order(slot_shop, shipped, actor=ADMIN)  # it is on its way: the seat is used
    assert await _taken(slot_shop) == 2
    await refund_order(slot_shop, kept, amount=100, actor=ADMIN)  # part: she still gets it
    assert await _taken(slot_shop) == 2
    await refund_order(slot_shop, kept, actor=ADMIN)  # the rest: nothing to deliver
    assert await _taken(slot_shop) == 1


async def test_a_late_payment_takes_its_given_back_seat_again(
    slot_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    placed = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    await expire_holds(slot_shop, now=NOW + timedelta(hours=1))
    assert await _taken(slot_shop) == 0
    charge = await stripe_account.charge(1600 + 500)
    outcome = await pay(slot_shop, placed, provider_charge=charge, now=NOW)
    assert outcome.kind == "paid"
    assert await _order(slot_shop, placed.order.order_id) == (MONDAY, AFTERNOON, False, False)
    assert await _taken(slot_shop) == 1


async def test_a_late_payment_for_a_window_filled_meanwhile_is_kept_and_flagged(
    slot_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Alice's invoice expired, two others took the afternoon's seats, then her payment came:
    her order is kept (paid, the time she chose), flagged for an admin to agree another time
    with her, and the window still holds two."""
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    placed = await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    await expire_holds(slot_shop, now=NOW + timedelta(hours=1))
    for other in (1002, 1003):
        await _shopper_with_a_mug(slot_shop, other, mug)
        await place_order(slot_shop, telegram_id=other, now=NOW)
    charge = await stripe_account.charge(1600 + 500)
    outcome = await pay(slot_shop, placed, provider_charge=charge, now=NOW)
    assert outcome.kind == "review"
    assert outcome.note is not None and "is full now" in outcome.note
    assert await _order(slot_shop, placed.order.order_id) == (MONDAY, AFTERNOON, True, True)
    assert await _taken(slot_shop) == 2
    # cancelled later, it gives back no seat it does not hold
    await cancel_order(slot_shop, placed.order.order_id, actor=ADMIN)
    assert await _taken(slot_shop) == 2


async def test_collecting_at_a_pickup_point_gives_the_seat_back(
    slot_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """She chose a time, then picked up at the shop in the payment form: no delivery."""
    from dataclasses import replace

    from bot.config import PickupPoint

    shop = Shop(
        settings=replace(slot_shop.settings, pickup_points=(PickupPoint("Main Street shop"),)),
        store=slot_shop.store,
        stripe=slot_shop.stripe,
    )
    mug = await add_product(shop, "MUG", stock=5)
    await _shopper_with_a_mug(shop, ALICE, mug)
    placed = await place_order(shop, telegram_id=ALICE, now=NOW)
    assert await _taken(shop) == 1
    outcome = await pay(shop, placed, shipping="pickup:1", total=1600, now=NOW)
    assert outcome.kind == "paid"
    assert await _taken(shop) == 0
    day, window, released, _ = await _order(shop, placed.order.order_id)
    assert (day, window, released) == (None, None, True)


async def test_a_time_closed_after_she_chose_it_is_refused_when_she_pays(
    slot_shop: Shop,
) -> None:
    """A choice kept for a window closed since is refused at place_order, not booked."""
    mug = await add_product(slot_shop, "MUG", stock=5)
    await _shopper_with_a_mug(slot_shop, ALICE, mug)
    async with slot_shop.store.uow() as uow:
        await delivery_slots.set_closed(uow, slot_shop.settings, MONDAY, AFTERNOON, True)
    with pytest.raises(SlotUnavailable):
        await place_order(slot_shop, telegram_id=ALICE, now=NOW)
    assert await _taken(slot_shop) == 0 and await stock_of(slot_shop, mug) == (5, 0)
