"""Which carts get a reminder, and that each change gets at most one (SQLite and PostgreSQL).

The rule (CartRepository.due_for_reminder, claim_reminder): items in the cart, last changed
by the shopper before the cutoff, not reminded of since that change, reminders on, the bot
not blocked, no invoice being paid and nothing paid since the change.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import update

from bot.store.models import Cart, Order, utcnow
from bot.store.uow import Store
from tests.conftest import add_product

DAY = timedelta(hours=24)


async def _cart(store: Store, telegram_id: int, *, changed: timedelta) -> int:
    """A customer whose cart holds one mug, last changed `changed` ago; the customer's id."""
    product_id = await add_product(store, f"MUG-{telegram_id}")
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id, first_name="Alice")
        assert await uow.carts.set_line(customer.id, product_id, 0, 1)
        await uow.session.execute(
            update(Cart)
            .where(Cart.customer_id == customer.id)
            .values(changed_at=utcnow() - changed)
        )
        return customer.id


async def _due(store: Store, now: datetime | None = None) -> list[int]:
    """The customers whose cart is due, a day after its change."""
    async with store.reading() as uow:
        carts = await uow.carts.due_for_reminder((now or utcnow()) - DAY)
        found = [await uow.carts.get(cart_id) for cart_id in carts]
    return sorted(cart.customer_id for cart in found if cart is not None)


async def _order(store: Store, customer_id: int, **values: object) -> None:
    async with store.uow() as uow:
        uow.session.add(Order(customer_id=customer_id, currency="USD", **values))


async def test_only_a_cart_with_items_left_alone_long_enough_is_due(store: Store) -> None:
    left = await _cart(store, 1, changed=DAY + timedelta(minutes=1))
    await _cart(store, 2, changed=DAY - timedelta(minutes=1))  # not long enough yet
    emptied = await _cart(store, 3, changed=2 * DAY)
    async with store.uow() as uow:
        await uow.carts.empty(emptied)
    async with store.uow() as uow:  # emptying is a change too: its time is now
        await uow.session.execute(
            update(Cart).where(Cart.customer_id == emptied).values(changed_at=utcnow() - 2 * DAY)
        )
    assert await _due(store) == [left]


async def test_shoppers_who_turned_reminders_off_or_blocked_the_bot_are_not_reminded(
    store: Store,
) -> None:
    off = await _cart(store, 1, changed=2 * DAY)
    blocked = await _cart(store, 2, changed=2 * DAY)
    keen = await _cart(store, 3, changed=2 * DAY)
    async with store.uow() as uow:
        await uow.customers.set_cart_reminders(off, False)
        await uow.customers.mark_blocked(2)
    assert await _due(store) == [keen]
    async with store.uow() as uow:
        await uow.customers.set_cart_reminders(off, True)
    assert await _due(store) == [off, keen]
    assert blocked not in await _due(store)


async def test_a_shopper_who_paid_since_the_change_or_is_paying_now_is_not_reminded(
    store: Store,
) -> None:
    paid_since = await _cart(store, 1, changed=2 * DAY)
    paid_before = await _cart(store, 2, changed=2 * DAY)
    paying = await _cart(store, 3, changed=2 * DAY)
    await _order(store, paid_since, status="paid", paid_at=utcnow() - DAY)
    await _order(store, paid_before, status="paid", paid_at=utcnow() - 3 * DAY)
    await _order(store, paying, status="awaiting_payment", hold_status="held")
    assert await _due(store) == [paid_before]


async def test_each_change_is_reminded_of_once_and_a_new_change_can_be_again(
    store: Store,
) -> None:
    alice = await _cart(store, 1, changed=2 * DAY)
    cutoff = utcnow() - DAY
    (cart_id,) = await _claimable(store, cutoff)
    async with store.uow() as uow:
        assert await uow.carts.claim_reminder(cart_id, cutoff)
    async with store.uow() as uow:
        assert not await uow.carts.claim_reminder(cart_id, cutoff)  # that change: reminded
    assert await _due(store) == []

    async with store.uow() as uow:  # the shopper changes the cart again...
        cart = await uow.carts.get(cart_id)
        assert cart is not None
        assert await uow.carts.set_line(alice, cart.lines[0].product_id, 1, 2)
    assert await _due(store) == []  # ...just now
    assert await _due(store, now=utcnow() + DAY + timedelta(minutes=1)) == [alice]


async def test_two_workers_claiming_the_same_cart_at_once_remind_it_once(store: Store) -> None:
    await _cart(store, 1, changed=2 * DAY)
    cutoff = utcnow() - DAY
    (cart_id,) = await _claimable(store, cutoff)

    async def claim() -> bool:
        async with store.uow() as uow:
            return await uow.carts.claim_reminder(cart_id, cutoff)

    assert sorted(await asyncio.gather(*(claim() for _ in range(4)))) == [
        False,
        False,
        False,
        True,
    ]


async def test_carts_from_before_reminders_existed_are_not_reminded(store: Store) -> None:
    await _cart(store, 1, changed=2 * DAY)
    async with store.uow() as uow:
        await uow.session.execute(update(Cart).values(changed_at=None))
    assert await _due(store) == []


async def _claimable(store: Store, cutoff: datetime) -> list[int]:
    async with store.reading() as uow:
        return list(await uow.carts.due_for_reminder(cutoff))


async def test_a_shopper_the_shop_blocked_is_not_reminded_until_unblocked(store: Store) -> None:
    mallory = await _cart(store, 1, changed=2 * DAY)
    keen = await _cart(store, 2, changed=2 * DAY)
    async with store.uow() as uow:
        assert await uow.customers.block(mallory, 9001, "spam", utcnow())
    assert await _due(store) == [keen]
    async with store.uow() as uow:
        assert await uow.customers.unblock(mallory)
    assert await _due(store) == [mallory, keen]
