"""Blocks on a real database (SQLite and PostgreSQL): a block and an unblock each happen once
with their audit row, her open invoice's stock goes back in the same transaction, the one
answer an hour is claimed by one worker, /blocked lists newest first, a visit is refused where
her row is read, and "Delete my data" blanks the reasons given."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.services import blocking
from bot.services.blocking import AlreadyBlocked, Blocked, NotBlocked, TeamNotBlockable
from bot.shop import Shop
from bot.store.models import AuditEntry, Customer, Order, OrderLine, Product, utcnow
from bot.store.uow import Store
from bot.usecases import blocking as blocking_cases
from bot.usecases import privacy
from tests.conftest import add_product

ADA, SAM = 9001, 9003
MALLORY = Shopper(chat_id=1001, user_id=1001, first_name="Mallory", username="mallory")


@pytest.fixture
def shop(store: Store) -> Shop:
    settings = Settings(
        bot_token="123456:TEST-TOKEN", admin_ids=frozenset({ADA}), staff_ids=frozenset({SAM})
    )
    return Shop(settings=settings, store=store)


async def customer_id(store: Store, telegram_id: int) -> int:
    async with store.uow() as uow:
        made = await uow.customers.get_or_create(
            telegram_id, first_name="Mallory", username="mallory" if telegram_id == 1001 else None
        )
        return made.id


async def invoice_holding(store: Store, customer: int, product_id: int) -> int:
    """An open invoice of hers holding one of the product."""
    async with store.uow() as uow:
        product = await uow.session.get(Product, product_id)
        assert product is not None
        product.reserved += 1
        order = Order(
            customer_id=customer,
            status="awaiting_payment",
            currency="USD",
            items_total=product.price,
            total=product.price,
            hold_status="held",
            hold_expires_at=utcnow() + timedelta(minutes=15),
        )
        line = OrderLine(
            product_id=product_id,
            sku=product.sku,
            title=product.title,
            unit_price=product.price,
            currency="USD",
            quantity=1,
        )
        order.lines.append(line)
        return (await uow.orders.add(order)).id


async def test_a_block_releases_her_hold_and_is_audited_once_and_an_unblock_too(shop: Shop) -> None:
    store = shop.store
    mug = await add_product(store, "MUG", stock=5)
    mallory = await customer_id(store, MALLORY.user_id)
    order_id = await invoice_holding(store, mallory, mug)

    done = await blocking_cases.block(shop, ADA, "@mallory spams   the chat")
    assert (done.reason, [h.order_id for h in done.released]) == ("spams the chat", [order_id])
    with pytest.raises(AlreadyBlocked):
        await blocking_cases.block(shop, ADA, "1001 again")
    async with store.reading() as uow:
        product = await uow.session.get(Product, mug)
        order = await uow.session.get(Order, order_id)
        her = await uow.session.get(Customer, mallory)
        rows = (await uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert product is not None and product.reserved == 0
    assert order is not None and order.status == "cancelled"
    assert her is not None and (her.blocked_by, her.blocked_reason) == (ADA, "spams the chat")
    assert [(r.action, r.target, r.details) for r in rows if r.action.startswith("customer")] == [
        (
            "customer.block",
            "customer:1001",
            {"actor": "admin:9001", "reason": "spams the chat", "cancelled_orders": [order_id]},
        )
    ]

    await blocking_cases.unblock(shop, ADA, f"#{order_id}")  # found by her order
    with pytest.raises(NotBlocked):
        await blocking_cases.unblock(shop, ADA, "@Mallory")
    async with store.reading() as uow:
        her = await uow.session.get(Customer, mallory)
        actions = (await uow.session.scalars(select(AuditEntry.action))).all()
    assert her is not None and her.blocked_at is None and her.blocked_reason is None
    assert actions.count("customer.block") == 1 and actions.count("customer.unblock") == 1


async def test_the_team_cannot_be_blocked(shop: Shop) -> None:
    for telegram_id in (ADA, SAM):
        await customer_id(shop.store, telegram_id)
        with pytest.raises(TeamNotBlockable):
            await blocking_cases.block(shop, ADA, str(telegram_id))
    async with shop.store.reading() as uow:
        assert await uow.audit.list_recent() == []


async def test_her_visit_is_refused_and_one_worker_tells_her_once_an_hour(shop: Shop) -> None:
    await journey.menu(shop, MALLORY)  # she has written before
    await blocking_cases.block(shop, ADA, "1001")
    with pytest.raises(Blocked) as refused:
        await journey.menu(shop, MALLORY)
    assert not refused.value.told_lately
    # Two workers with her messages at once: one UPDATE changes the row, one answer goes out.
    told = [await blocking_cases.tell_now(shop, refused.value) for _ in range(2)]
    assert told == [True, False]
    with pytest.raises(Blocked) as again:
        await journey.menu(shop, MALLORY)
    assert again.value.told_lately  # read with her row: no statement to ask
    async with shop.store.uow() as uow:
        now = utcnow() + blocking.NOTICE_EVERY
        assert await uow.customers.claim_block_notice(
            refused.value.customer_id, now, blocking.NOTICE_EVERY
        )

    await blocking_cases.unblock(shop, ADA, "1001")
    assert await journey.menu(shop, MALLORY) is not None  # she shops again


async def test_blocked_lists_newest_first_ten_a_page(shop: Shop) -> None:
    for n in range(12):
        await customer_id(shop.store, 2000 + n)
        await blocking_cases.block(shop, ADA, f"{2000 + n} reason {n}")
    first = await blocking_cases.blocked_page(shop, 0)
    second = await blocking_cases.blocked_page(shop, 1)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (12, 2, 10, 2)
    listed = [row.telegram_id for row in first.rows + second.rows]
    assert listed == [2000 + n for n in reversed(range(12))]
    assert (await blocking_cases.blocked_page(shop, 7)).page == 1  # past the end: the last


async def test_deleting_her_data_blanks_the_reasons_given_for_blocking_her(shop: Shop) -> None:
    await customer_id(shop.store, MALLORY.user_id)
    await blocking_cases.block(shop, ADA, "1001 insulted Sam")
    await blocking_cases.unblock(shop, ADA, "1001")
    await blocking_cases.block(shop, ADA, "1001 did it again")
    assert (await privacy.forget(shop, MALLORY.user_id)).done
    async with shop.store.reading() as uow:
        her = await uow.customers.get_by_telegram_id(MALLORY.user_id)
        blocks = (
            await uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "customer.block")
            )
        ).all()
    assert her is not None and her.blocked_at is not None and her.blocked_reason is None
    assert [entry.details["reason"] for entry in blocks if entry.details] == [None, None]
