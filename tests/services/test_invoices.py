"""Invoice numbers run without gaps: one per order, taken from the counter in the
transaction that issues it; a rollback uses none, and two workers never share one
(PostgreSQL, where workers really do run at once). Seller details are kept as issued."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.services import invoices
from bot.services.errors import NoInvoice
from bot.shop import Shop
from bot.store.models import Invoice, Order
from bot.store.repositories.invoices import InvoiceRepository
from bot.store.uow import Store
from bot.usecases.invoices import invoice

NOW = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 2027 in Madrid
SELLER = Settings(
    bot_token="1:test",
    invoice_seller="Mugs & Co. Ltd",
    invoice_address=("12 Main St", "Springfield"),
    invoice_tax_id="GB123456789",
    shop_timezone="Europe/Madrid",
)


async def _paid_orders(store: Store, count: int, **values: object) -> list[int]:
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(1001, first_name="Alice")
        orders = [
            Order(customer_id=customer.id, currency="USD", total=1600, **values)
            for _ in range(count)
        ]
        uow.session.add_all(orders)
        await uow.session.flush()
        return [order.id for order in orders]


async def _numbers(store: Store) -> list[str]:
    async with store.reading() as uow:
        return list(await uow.session.scalars(select(Invoice.number).order_by(Invoice.sequence)))


async def _issue(store: Store, order_id: int, settings: Settings = SELLER) -> str:
    async with store.uow() as uow:
        return (await invoices.invoice_for(uow, settings, order_id, now=NOW)).number


async def test_an_order_keeps_its_number_and_its_seller_as_issued(store: Store) -> None:
    first, second = await _paid_orders(store, 2, status="paid", paid_at=NOW)
    assert await _issue(store, first) == "INV-2027-000001"  # the year on the shop's clock
    renamed = dataclasses.replace(SELLER, invoice_seller="Mugs Group plc", invoice_prefix="F/")
    async with store.uow() as uow:
        again = await invoices.invoice_for(uow, renamed, first, now=NOW)
    assert (again.number, again.seller, again.seller_address) == (
        "INV-2027-000001",
        "Mugs & Co. Ltd",
        ("12 Main St", "Springfield"),
    )
    assert again.file_name == "INV-2027-000001.pdf"
    assert await _issue(store, second, renamed) == "F/2027-000002"  # the counter runs on


async def test_a_rolled_back_issue_uses_no_number(store: Store) -> None:
    first, second = await _paid_orders(store, 2, status="paid", paid_at=NOW)
    with pytest.raises(RuntimeError):
        async with store.uow() as uow:
            await invoices.invoice_for(uow, SELLER, first, now=NOW)
            raise RuntimeError("the transaction fails after the number was taken")
    assert await _issue(store, second) == "INV-2027-000001"
    assert await _issue(store, first) == "INV-2027-000002"


async def test_orders_never_paid_or_flagged_get_none_and_take_no_number(store: Store) -> None:
    unpaid, cancelled = await _paid_orders(store, 2, status="awaiting_payment")
    async with store.uow() as uow:
        await uow.session.execute(
            Order.__table__.update().where(Order.id == cancelled).values(status="cancelled")
        )
    (flagged,) = await _paid_orders(store, 1, status="paid", paid_at=NOW, needs_review=True)
    (paid,) = await _paid_orders(store, 1, status="paid", paid_at=NOW)
    for order_id in (unpaid, cancelled, flagged, 9999):
        with pytest.raises(NoInvoice, match=f"Order #{order_id} has no invoice"):
            await _issue(store, order_id)
    async with store.uow() as uow:  # someone else's order is not hers to get
        with pytest.raises(NoInvoice):
            await invoices.invoice_for(uow, SELLER, paid, telegram_id=1002, now=NOW)
    with pytest.raises(NoInvoice):  # no INVOICE_SELLER: the feature is off
        await _issue(store, paid, dataclasses.replace(SELLER, invoice_seller=""))
    assert await _issue(store, paid) == "INV-2027-000001"


async def test_a_stars_order_is_refused_with_why(store: Store) -> None:
    (stars,) = await _paid_orders(store, 1, status="paid", paid_at=NOW)
    async with store.uow() as uow:
        await uow.session.execute(
            Order.__table__.update().where(Order.id == stars).values(currency="XTR")
        )
    with pytest.raises(NoInvoice, match="paid in Telegram Stars"):
        await _issue(store, stars)


@pytest.mark.postgres
async def test_two_orders_asking_at_once_get_two_consecutive_numbers(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both transactions are open and about to take a number when either does: the counter
    row's lock makes the second wait for the first to commit."""
    store = Store.from_url(pg_url)
    await store.migrate()
    try:
        orders = await _paid_orders(store, 2, status="paid", paid_at=NOW)
        monkeypatch.setattr(InvoiceRepository, "next_sequence", _together(2))
        numbers = await asyncio.gather(*(_issue(store, order_id) for order_id in orders))
        monkeypatch.undo()
        assert sorted(numbers) == ["INV-2027-000001", "INV-2027-000002"]
        assert await _numbers(store) == sorted(numbers)
    finally:
        await store.close()


def _together(parties: int) -> Callable[[InvoiceRepository], Awaitable[int]]:
    """InvoiceRepository.next_sequence, but the first `parties` calls wait for each other:
    every transaction has looked for an invoice, found none and takes a number at once."""
    all_there, take, calls = asyncio.Barrier(parties), InvoiceRepository.next_sequence, [0]

    async def next_sequence(repository: InvoiceRepository) -> int:
        calls[0] += 1
        if calls[0] <= parties:
            await all_there.wait()
        return await take(repository)

    return next_sequence


@pytest.mark.postgres
async def test_the_shopper_and_an_admin_asking_at_once_share_one_number(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two presses for one order at once both find no invoice and take a number; the second
    to insert fails on the order's unique invoice, rolls its number back and reads the
    first's: one invoice, no gap before the next."""
    shop = Shop.create(dataclasses.replace(SELLER, database_url=pg_url))
    await shop.store.migrate()
    try:
        order_id, later = await _paid_orders(shop.store, 2, status="paid", paid_at=NOW)
        monkeypatch.setattr(InvoiceRepository, "next_sequence", _together(2))
        hers, admins = await asyncio.gather(invoice(shop, order_id, 1001), invoice(shop, order_id))
        monkeypatch.undo()
        assert hers.number == admins.number
        assert await _issue(shop.store, later) != hers.number
        numbers = await _numbers(shop.store)
        assert [int(n[-6:]) for n in numbers] == [1, 2]  # the rolled-back one left no gap
        async with shop.store.reading() as uow:
            assert await uow.session.scalar(select(func.count()).select_from(Invoice)) == 2
    finally:
        await shop.store.close()
