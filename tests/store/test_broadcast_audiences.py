"""Broadcast audiences and scheduled broadcasts in SQL, on each database (the end-to-end
stories in tests/admin/test_e2e_broadcast_audiences.py run on SQLite): each audience's count
and ids, and a scheduled broadcast claimed by one of two workers at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.services import broadcast_plan as plan
from bot.store.models import Broadcast, Cart, CartLine, Customer, Order, utcnow
from bot.store.repositories.broadcasts import SCHEDULED, SENDING
from bot.store.repositories.customers import FORGOTTEN_NAME
from bot.store.uow import Store
from tests.conftest import add_product

BOB, CY, DI, EVE, ZOE, FAY = 1, 2, 3, 4, 5, 6


async def test_each_audience_counts_its_customers_and_one_worker_claims_a_due_broadcast(
    store: Store,
) -> None:
    """Bob bought 10 days ago, Cy 200; Di has a mug in her cart; Eve reads Russian (her
    Telegram's ru-RU); Zoe deleted her data; Fay blocked the bot. A broadcast to those who
    never bought lists Di, Eve and Fay as it starts, and reads each as she is at her turn."""
    mug = await add_product(store)
    now = utcnow()
    async with store.uow() as uow:
        people = {who: Customer(telegram_id=who, first_name=f"C{who}") for who in range(1, 7)}
        people[EVE].language_code = "ru-RU"
        people[ZOE].first_name, people[ZOE].forgotten_at = FORGOTTEN_NAME, now
        people[FAY].blocked_bot = True
        uow.session.add_all(people.values())
        await uow.session.flush()
        for who, days in ((BOB, 10), (CY, 200), (ZOE, 10)):
            order = Order(customer_id=people[who].id, currency="USD", total=1600)
            order.status, order.paid_at = "delivered", now - timedelta(days=days)
            uow.session.add(order)
        cart = Cart(customer_id=people[DI].id)
        uow.session.add(cart)
        await uow.session.flush()
        uow.session.add(CartLine(cart_id=cart.id, product_id=mug, quantity=1))

    async with store.reading() as uow:
        counts = {
            s: await uow.customers.count_reachable(s) for s in ("all", "buyers", "new", "cart")
        }
        groups = await uow.customers.count_by_language()
        languages = plan.by_language(groups, "en")
        russian = [
            (mine, telegram)
            for mine, telegram, _ in await uow.customers.count_by_language(blocked=None)
            if plan.reads("ru", mine, telegram, "en")
        ]
        blocked = await uow.customers.count_blocked("new")
    assert counts == {"all": 4, "buyers": 1, "new": 2, "cart": 1}
    assert languages == {"en": 3, "ru": 1, "es": 0}
    assert blocked == 1

    async with store.uow() as uow:  # each lists its audience as it starts, Fay's blocked too
        to_new = await uow.broadcasts.add_scheduled(9001, 9001, "Hi", "new", now)
        to_russian = await uow.broadcasts.add_scheduled(9001, 9001, "Привет", "ru", now)
        assert await uow.broadcasts.list_audience(to_new, "new", now=now) == 3
        assert await uow.broadcasts.list_audience(to_russian, "all", speaking=russian, now=now) == 1
        assert (to_new.total, to_new.listed) == (3, True)
    async with store.reading() as uow:
        new = await uow.broadcasts.recipients(to_new.id, after=0, limit=10)
        (readers,) = await uow.broadcasts.recipients(to_russian.id, after=0, limit=10)
        rest = await uow.broadcasts.recipients(to_new.id, after=new[0].customer_id, limit=1)
    assert [(r.telegram_id, r.blocked, r.forgotten) for r in new] == [
        (DI, False, False),
        (EVE, False, False),
        (FAY, True, False),
    ]
    assert readers.telegram_id == EVE and rest == new[1:2]
    async with store.uow() as uow:  # meanwhile Di blocks the bot and Eve deletes her data
        await uow.customers.mark_blocked(DI)
        eve = await uow.customers.get_by_telegram_id(EVE)
        assert eve is not None
        eve.first_name, eve.forgotten_at = FORGOTTEN_NAME, now
    async with store.reading() as uow:
        new = await uow.broadcasts.recipients(to_new.id, after=0, limit=10)
    assert [(r.telegram_id, r.blocked, r.forgotten) for r in new] == [
        (DI, True, False),
        (EVE, False, True),
        (FAY, True, False),
    ]
    async with store.uow() as uow:  # they were only lists: out of the way of the claims below
        await uow.broadcasts.cancel(to_new.id, now=now)
        await uow.broadcasts.cancel(to_russian.id, now=now)

    async with store.uow() as uow:
        planned = await uow.broadcasts.add_scheduled(9001, 9001, "Hi", "new", now)
    other = Store.from_url(store.engine.url.render_as_string(hide_password=False))
    try:

        async def claim(by: Store) -> Broadcast | None:
            async with by.uow() as uow:
                return await uow.broadcasts.claim(planned.id, now=now)

        claims = await asyncio.gather(claim(store), claim(other))
    finally:
        await other.close()
    assert sorted(c is not None for c in claims) == [False, True]

    async with store.uow() as uow:  # while that one is sending, the next waits its turn
        later = await uow.broadcasts.add_scheduled(9001, 9001, "Hi again", "all", now)
    async with store.uow() as uow:
        assert await uow.broadcasts.claim(later.id, now=now) is None
        rows = await uow.session.execute(
            select(Broadcast.id, Broadcast.status).where(Broadcast.id.in_([planned.id, later.id]))
        )
        statuses = {broadcast_id: status for broadcast_id, status in rows.all()}
    assert statuses == {planned.id: SENDING, later.id: SCHEDULED}
