"""The morning report's figures: one whole day on the shop's clock (its midnight to the next,
23 or 25 hours when the clock changes), counted as /stats counts its periods; and its claim:
of two workers, one sends the day's report."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services.reports import day_bounds, day_stats, period_starts, store_stats
from bot.store.models import Customer, Order, Payment, Refund
from bot.store.uow import Store
from bot.usecases.daily_report import due_day
from tests.admin.test_services import _order, _product

MADRID = ZoneInfo("Europe/Madrid")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def _customer(store: Store, telegram_id: int = 1001) -> int:
    async with store.uow() as uow:
        return (await uow.customers.get_or_create(telegram_id, first_name="Sam")).id


async def _refund(
    store: Store, order_id: int, amount: int, at: datetime, status: str, tax: int = 0
) -> None:
    async with store.uow() as uow:
        payment = Payment(
            order_id=order_id,
            provider="stripe",
            telegram_payment_charge_id=f"tg-{order_id}-{amount}",
            payer_telegram_id=1001,
            amount=amount,
            currency="USD",
        )
        uow.session.add(payment)
        await uow.session.flush()
        refund = Refund(
            order_id=order_id, payment_id=payment.id, amount=amount, tax=tax, currency="USD"
        )
        refund.created_at, refund.status = at, status
        await uow.refunds.add(refund)


async def _stats(store: Store, day: date, threshold: int = 3):  # type: ignore[no-untyped-def]
    async with store.reading() as uow:
        return await day_stats(uow, day, currency="USD", threshold=threshold, zone=MADRID)


def test_a_day_runs_from_the_shops_midnight_to_the_next_even_when_the_clock_changes() -> None:
    assert day_bounds(date(2026, 12, 3), MADRID) == (utc(2026, 12, 2, 23), utc(2026, 12, 3, 23))
    spring = day_bounds(date(2026, 3, 29), MADRID)  # 02:00 -> 03:00: a day of 23 hours
    assert spring == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    autumn = day_bounds(date(2026, 10, 25), MADRID)  # 03:00 -> 02:00: a day of 25 hours
    assert autumn == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert autumn[1] - autumn[0] == timedelta(hours=25)


async def test_yesterday_counts_the_orders_paid_between_the_shops_midnights(store: Store) -> None:
    mug = await _product(store, "MUG", stock=50)
    sam = await _customer(store)
    for paid_at in (
        utc(2026, 12, 2, 22, 59),  # 23:59 on the 2nd in Madrid: the day before
        utc(2026, 12, 2, 23, 0),  # midnight in Madrid: the 3rd
        utc(2026, 12, 3, 22, 59),  # 23:59 on the 3rd
        utc(2026, 12, 3, 23, 0),  # midnight: the 4th
    ):
        await _order(store, sam, mug, paid_at=paid_at, qty=1)
    stats = await _stats(store, date(2026, 12, 3))
    (usd,) = stats.periods
    assert (usd.orders, usd.gross, usd.net, usd.average_order) == (2, 2000, 2000, 1000)
    assert not stats.quiet


async def test_on_the_long_autumn_day_its_25th_hour_is_counted_once(store: Store) -> None:
    mug = await _product(store, "MUG", stock=50)
    sam = await _customer(store)
    await _order(store, sam, mug, paid_at=utc(2026, 10, 24, 22, 30), qty=1)  # 00:30 on the 25th
    await _order(store, sam, mug, paid_at=utc(2026, 10, 25, 22, 30), qty=2)  # 23:30 on the 25th
    await _order(store, sam, mug, paid_at=utc(2026, 10, 25, 23, 30), qty=4)  # 00:30 on the 26th
    long_day = (await _stats(store, date(2026, 10, 25))).periods[0]
    assert (long_day.orders, long_day.gross) == (2, 3000)
    await _order(store, sam, mug, paid_at=utc(2026, 3, 29, 21, 59), qty=1)  # 23:59, the short day
    await _order(store, sam, mug, paid_at=utc(2026, 3, 29, 22, 0), qty=1)  # 00:00 on the 30th
    short_day = (await _stats(store, date(2026, 3, 29))).periods[0]
    assert (short_day.orders, short_day.gross) == (1, 1000)


async def test_a_refund_counts_on_the_day_it_was_made_as_in_stats(store: Store) -> None:
    """Paid on the 3rd, $4 of it refunded on the 4th: the 3rd keeps its $10, the 4th had no
    order but -$4.00 of revenue (and a refund still pending is no revenue yet)."""
    mug = await _product(store, "MUG", stock=50)
    sam = await _customer(store)
    order = await _order(store, sam, mug, paid_at=utc(2026, 12, 3, 10), qty=1)
    await _refund(store, order, 400, utc(2026, 12, 4, 10), "succeeded")
    await _refund(store, order, 100, utc(2026, 12, 4, 11), "pending")
    paid_day = (await _stats(store, date(2026, 12, 3))).periods[0]
    assert (paid_day.orders, paid_day.refunds, paid_day.net) == (1, 0, 1000)
    refund_day = await _stats(store, date(2026, 12, 4))
    (usd,) = refund_day.periods
    assert (usd.orders, usd.refunds, usd.net) == (0, 400, -400)
    assert not refund_day.quiet and refund_day.refunds_pending == 1


async def test_what_waits_now_new_customers_top_three_and_other_currencies(store: Store) -> None:
    mug = await _product(store, "MUG", stock=2)
    sam = await _customer(store)
    day = date(2026, 12, 3)
    for sku, qty in (("MUG", 3), ("CUP", 5), ("PEN", 1), ("BAG", 2)):
        await _order(store, sam, mug, paid_at=utc(2026, 12, 3, 12), qty=qty, sku=sku)
    await _order(store, sam, mug, paid_at=utc(2026, 12, 1, 12), qty=1, status="shipped")
    async with store.uow() as uow:
        euro = Order(customer_id=sam, status="delivered", currency="EUR", total=900)
        euro.paid_at, euro.items_total = utc(2026, 12, 3, 13), 900
        await uow.orders.add(euro)
        uow.session.add(Customer(telegram_id=2002, created_at=utc(2026, 12, 3, 9)))
        uow.session.add(Customer(telegram_id=2003, created_at=utc(2026, 12, 4, 9)))
    stats = await _stats(store, day)
    assert [(p.currency, p.orders, p.net) for p in stats.periods] == [
        ("USD", 4, 11000),
        ("EUR", 1, 900),
    ]
    assert [(t.sku, t.quantity) for t in stats.top_products] == [
        ("CUP", 5),
        ("MUG", 3),
        ("BAG", 2),
    ]
    assert stats.new_customers == 1  # Sam came today, 2003 the day after
    assert stats.waiting_to_ship == 4  # the four paid ones; the shipped one went out
    assert stats.low_stock_count == 1  # MUG: 2 left


async def test_a_day_with_no_orders_is_quiet(store: Store) -> None:
    stats = await _stats(store, date(2026, 12, 3))
    assert stats.quiet and [p.orders for p in stats.periods] == [0]


def test_yesterdays_report_is_due_from_the_hour_on_the_shops_clock() -> None:
    shop = Settings(bot_token="1:x", shop_timezone="Europe/Madrid", daily_report_hour=9)
    assert due_day(shop, utc(2026, 12, 4, 7, 59)) is None  # 08:59 in Madrid
    assert due_day(shop, utc(2026, 12, 4, 8, 0)) == date(2026, 12, 3)
    assert due_day(shop, utc(2026, 12, 4, 22, 59)) == date(2026, 12, 3)  # late start: still
    assert due_day(shop, utc(2026, 12, 4, 23, 0)) is None  # midnight: the 4th's is not due yet
    two = Settings(bot_token="1:x", shop_timezone="Europe/Madrid", daily_report_hour=2)
    assert due_day(two, utc(2026, 3, 29, 0, 59)) is None  # 01:59
    assert due_day(two, utc(2026, 3, 29, 1, 0)) == date(2026, 3, 28)  # 03:00: 02:00 skipped
    off = Settings(bot_token="1:x", daily_report_hour=None)
    assert due_day(off, utc(2026, 12, 4, 12)) is None


async def test_two_workers_claiming_the_same_day_one_wins(store: Store) -> None:
    day = date(2026, 12, 3)
    url = store.engine.url.render_as_string(hide_password=False)
    other = Store.from_url(url)  # a second worker, its own connections

    async def claim(worker: Store) -> bool:
        async with worker.uow() as uow:
            return await uow.daily_reports.claim(day, utc(2026, 12, 4, 8))

    try:
        assert sorted(await asyncio.gather(claim(store), claim(other))) == [False, True]
        assert not await claim(other)  # and no later run either
        async with other.reading() as uow:
            assert await uow.daily_reports.claimed(day)
            assert not await uow.daily_reports.claimed(day + timedelta(days=1))
    finally:
        await other.close()


# /stats' Today is the same day as the report's: from the shop's midnight, whatever the clock.
HAVANA = ZoneInfo("America/Havana")  # goes back from 01:00 to 00:00: 00:30 comes twice


async def _today(store: Store, now: datetime, zone: ZoneInfo = MADRID) -> tuple[int, int]:
    async with store.reading() as uow:
        today = (await store_stats(uow, currency="USD", threshold=0, now=now, zone=zone)).periods[0]
    return today.orders, today.gross


async def test_stats_today_starts_at_the_shops_midnight_to_the_second(store: Store) -> None:
    """Paid at 23:59:59 on the 2nd in Madrid: the 2nd's, in its report and not in the 3rd's
    Today; paid at 00:00:00 on the 3rd: the 3rd's, in its Today from the first second."""
    mug = await _product(store, "MUG", stock=50)
    sam = await _customer(store)
    await _order(store, sam, mug, paid_at=utc(2026, 12, 2, 22, 59, 59), qty=1)  # 23:59:59
    await _order(store, sam, mug, paid_at=utc(2026, 12, 2, 23, 0, 0), qty=2)  # 00:00:00
    assert await _today(store, now=utc(2026, 12, 2, 23, 0, 0)) == (1, 2000)
    assert await _today(store, now=utc(2026, 12, 3, 22, 59, 59)) == (1, 2000)  # 23:59:59
    assert (await _stats(store, date(2026, 12, 2))).periods[0].orders == 1
    assert (await _stats(store, date(2026, 12, 3))).periods[0].gross == 2000


async def test_stats_today_on_the_days_the_clock_changes(store: Store) -> None:
    """On Madrid's short spring day Today at 23:59:59 runs 23 hours back to its midnight; in
    Havana, whose clock goes back from 01:00 to 00:00, Today read in the second 00:30 still
    begins at the first midnight, as that day's report does."""
    mug = await _product(store, "MUG", stock=50)
    sam = await _customer(store)
    await _order(store, sam, mug, paid_at=utc(2026, 3, 28, 22, 59, 59), qty=1)  # 23:59:59
    await _order(store, sam, mug, paid_at=utc(2026, 3, 28, 23, 0, 0), qty=2)  # 00:00 the 29th
    assert await _today(store, now=utc(2026, 3, 29, 21, 59, 59)) == (1, 2000)  # 23:59:59 CEST

    await _order(store, sam, mug, paid_at=utc(2026, 11, 1, 3, 59, 59), qty=4)  # 23:59:59 CDT
    await _order(store, sam, mug, paid_at=utc(2026, 11, 1, 4, 0, 0), qty=8)  # first 00:00
    second_half_past = utc(2026, 11, 1, 5, 30)  # 00:30 again, now CST
    assert await _today(store, now=second_half_past, zone=HAVANA) == (1, 8000)
    async with store.reading() as uow:
        day = await day_stats(uow, date(2026, 11, 1), currency="USD", threshold=0, zone=HAVANA)
    assert day.periods[0].gross == 8000


def test_stats_today_and_the_reports_day_begin_at_the_same_moment() -> None:
    """Every half hour of a year in zones whose clocks change at 02:00, 00:00 and 24:00."""
    zones = [MADRID, HAVANA, ZoneInfo("America/Santiago"), ZoneInfo("Australia/Lord_Howe")]
    for zone in zones:
        for step in range(365 * 48):
            now = utc(2026, 1, 1) + timedelta(minutes=30 * step)
            (_, today), *_ = period_starts(now, zone)
            assert today == day_bounds(now.astimezone(zone).date(), zone)[0], (zone, now)
