"""/export orders below the chat: its arguments read as /promo new reads from= and until=,
and the orders read a chunk at a time in one snapshot, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.admin_catalog import AdminInputError
from bot.services.order_export import OrderDays, order_chunks, parse_export, write_orders
from bot.services.promos import parse_new
from bot.store.models import Order, OrderLine
from bot.store.uow import Store
from tests.conftest import add_product

MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize("args", [[], ["catalog"], ["CATALOG"]])
def test_export_alone_or_with_catalog_is_the_catalog(args: list[str]) -> None:
    assert parse_export(args, MADRID) is None


def test_the_days_are_the_shops_whole_days_as_a_promo_codes_are() -> None:
    days = parse_export(["orders", "from=2026-12-01", "UNTIL=2026-12-31"], MADRID)
    promo = parse_new(["X10", "10%", "from=2026-12-01", "until=2026-12-31"], "USD", MADRID)
    assert days is not None
    assert (days.since, days.until) == (promo.starts_at, promo.ends_at)
    assert days.since == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # midnight in Madrid
    assert days.until == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)  # the end of the 31st
    assert parse_export(["orders", "until=2026-12-01", "from=2026-12-01"], MADRID) is not None
    assert parse_export(["orders"], MADRID) == OrderDays()


@pytest.mark.parametrize(
    "args",
    [
        ["foo"],
        ["catalog", "orders"],
        ["orders", "from"],
        ["orders", "on=2026-12-01"],
        ["orders", "from=2026-12-01", "from=2026-12-02"],
        ["orders", "from=yesterday"],
        ["orders", "from=2026-12-02", "until=2026-12-01"],
    ],
)
def test_anything_else_names_the_accepted_forms(args: list[str]) -> None:
    with pytest.raises(AdminInputError, match="or /export orders"):
        parse_export(args, MADRID)


async def _orders(store: Store, count: int) -> list[int]:
    """One order a day at noon (UTC) from December 1, `count` of them; their ids."""
    return await _orders_at(
        store, [datetime(2026, 12, day, 12, tzinfo=UTC) for day in range(1, count + 1)]
    )


async def _orders_at(store: Store, moments: list[datetime]) -> list[int]:
    """An order of one mug placed at each of `moments`, in that order; their ids."""
    mug = await add_product(store, "MUG")
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(1001, first_name="Sam")
        ids = []
        for moment in moments:
            order = Order(
                customer_id=customer.id,
                status="paid",
                currency="USD",
                items_total=1000,
                total=1000,
                created_at=moment,
            )
            order.lines = [
                OrderLine(
                    product_id=mug, sku="MUG", title="Mug", unit_price=1000, currency="USD",
                    quantity=1,
                )
            ]  # fmt: skip
            ids.append((await uow.orders.add(order)).id)
        return ids


async def test_orders_are_read_a_chunk_at_a_time_in_one_snapshot(store: Store) -> None:
    """A refund made while the export reads is not in it: its chunks are one moment's."""
    ids = await _orders(store, 5)
    days = parse_export(["orders", "from=2026-12-02", "until=2026-12-05"], UTC)
    assert days is not None
    seen: list[tuple[int, int]] = []
    async with store.snapshot() as reading:
        async for chunk in order_chunks(reading, days, chunk=2):
            seen += [(o.id, o.refunded_amount) for o in chunk]
            if len(seen) == 2:
                async with store.uow() as uow:
                    assert await uow.orders.add_refunded(ids[4], 500)
    assert seen == [(ids[1], 0), (ids[2], 0), (ids[3], 0), (ids[4], 0)]


async def test_the_file_has_a_row_per_line_and_counts_them(store: Store) -> None:
    ids = await _orders(store, 3)
    out = io.BytesIO()
    async with store.snapshot() as reading:
        written = await write_orders(reading, out, OrderDays(), MADRID, chunk=2)
    assert (written.orders, written.rows) == (3, 3)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode())))
    assert [r["order_id"] for r in rows] == [str(i) for i in ids]
    assert rows[0]["created_at"] == "2026-12-01T13:00:00+01:00"


async def test_from_a_day_in_the_middle_starts_there_and_the_file_is_as_before(
    store: Store,
) -> None:
    """from=2026-12-04 in Madrid: the first order is the one placed at 00:30 that night
    (23:30 UTC on the 3rd), not the one an hour before; the two placed at one moment come
    by id, each once, though a chunk (of 2 here) ends between them; the rows are the whole
    export's for those orders, byte for byte (each chunk starts where the last ended, by
    index, not by walking every order from the first)."""
    noon = [datetime(2026, 12, day, 12, tzinfo=UTC) for day in range(1, 7)]
    night = [datetime(2026, 12, 3, 22, 30, tzinfo=UTC), datetime(2026, 12, 3, 23, 30, tzinfo=UTC)]
    ids = await _orders_at(store, [*noon[:3], *night, noon[3], noon[3], *noon[4:]])

    async def exported(*args: str) -> list[str]:
        days = parse_export(["orders", *args], MADRID)
        assert days is not None
        out = io.BytesIO()
        async with store.snapshot() as reading:
            await write_orders(reading, out, days, MADRID, chunk=2)
        return out.getvalue().decode().splitlines()

    header, *rows = await exported()
    assert [row.split(",")[0] for row in rows] == [str(i) for i in ids]
    late = await exported("from=2026-12-04")
    assert late == [header, *rows[4:]]
    assert late[1].startswith(f"{ids[4]},2026-12-04T00:30:00+01:00,paid,")
    assert await exported("from=2026-12-04", "until=2026-12-04") == [header, *rows[4:7]]


async def test_a_shop_with_delivery_times_exports_them_in_a_last_column(store: Store) -> None:
    """With DELIVERY_SLOTS the file ends with delivery_time ("2026-12-07 10:00-12:00"; empty
    for an order with none); without, the columns are as before."""
    ids = await _orders(store, 2)
    async with store.uow() as uow:
        timed = await uow.orders.get(ids[0], full=False)
        assert timed is not None
        timed.delivery_day, timed.delivery_window = date(2026, 12, 7), "10:00-12:00"

    async def exported(*, slotted: bool) -> list[dict[str, str]]:
        out = io.BytesIO()
        async with store.snapshot() as reading:
            await write_orders(reading, out, OrderDays(), MADRID, slotted=slotted)
        return list(csv.DictReader(io.StringIO(out.getvalue().decode())))

    rows = await exported(slotted=True)
    assert list(rows[0])[-1] == "delivery_time"
    assert [r["delivery_time"] for r in rows] == ["2026-12-07 10:00-12:00", ""]
    assert "delivery_time" not in (await exported(slotted=False))[0]
