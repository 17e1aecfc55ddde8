"""Admin services on a real database (SQLite and PostgreSQL): imports, stock, reports, flows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import translator
from bot.services import admin_catalog as catalog
from bot.services import admin_flows
from bot.services.admin_catalog import AdminInputError, StockChange
from bot.services.errors import RefundTooLarge
from bot.services.reports import store_stats
from bot.store.catalog_file import CatalogError
from bot.store.models import Order, OrderLine, Payment, Refund
from bot.store.order_states import IllegalOrderTransition
from bot.store.uow import Store
from bot.usecases.admin_orders import OrderNotChanged
from tests.conftest import CATALOG_PATH, add_product

ADMIN = 9001
HEADER = "sku,title,description,category,price,currency,stock,photo\n"


async def _product(store: Store, sku: str = "MUG", stock: int = 10, price: int = 1600) -> int:
    return await add_product(store, sku, stock=stock, price=price)


async def test_import_applies_all_rows_or_none(store: Store) -> None:
    await _product(store, "MUG")
    good = (HEADER + "MUG,Mug,,Kitchen,9.00,USD,10,\nNEW,New,,Kitchen,1.00,USD,1,\n").encode()
    bad = (HEADER + "MUG,Mug,,Kitchen,1.00,USD,3,\nOOPS,Oops,,Kitchen,x,USD,1,\n").encode()

    with pytest.raises(CatalogError) as caught:
        async with store.uow() as uow:
            await catalog.import_rows(
                uow,
                "bad.csv",
                catalog.read_catalog_file("bad.csv", bad, CATALOG_PATH.parent, currency="USD"),
                actor=ADMIN,
            )
    assert [(e.line, e.sku, e.field) for e in caught.value.errors] == [(3, "OOPS", "price")]

    async with store.uow() as uow:
        outcome = await catalog.import_rows(
            uow,
            "good.csv",
            catalog.read_catalog_file("good.csv", good, CATALOG_PATH.parent, currency="USD"),
            actor=ADMIN,
        )
    assert (outcome.report.created, outcome.report.updated) == (["NEW"], ["MUG"])
    async with store.uow() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None and (mug.price, mug.stock, mug.title) == (900, 10, "Mug")
        assert [e.action for e in await uow.audit.list_recent()] == ["catalog.import"]


async def test_import_that_would_drop_stock_below_reserved_applies_nothing(store: Store) -> None:
    mug = await _product(store, "MUG", stock=10)
    async with store.uow() as uow:
        assert await uow.products.reserve(mug, 5)
    data = (HEADER + "NEW,New,,Kitchen,1.00,USD,1,\nMUG,Mug,,Kitchen,9.00,USD,2,\n").encode()
    with pytest.raises(CatalogError, match="held by invoices"):
        async with store.uow() as uow:
            await catalog.import_rows(
                uow,
                "x.csv",
                catalog.read_catalog_file("x.csv", data, CATALOG_PATH.parent, currency="USD"),
                actor=ADMIN,
            )
    async with store.uow() as uow:
        assert await uow.products.get_by_sku("NEW") is None
        assert await uow.audit.list_recent() == []


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("a.txt", 10, "only .csv or .json"),
        ("a.xlsx", 10, "only .csv"),
        ("a.csv", 20 * 2**20 + 1, "at most 20 MB"),
    ],
)
def test_uploads_of_the_wrong_kind_or_size_are_refused(name: str, size: int, message: str) -> None:
    with pytest.raises(AdminInputError, match=message):
        catalog.check_upload(name, size)


async def test_stock_never_goes_below_what_is_reserved(store: Store) -> None:
    mug = await _product(store, "MUG", stock=10)
    async with store.uow() as uow:
        assert await uow.products.reserve(mug, 4)
    async with store.uow() as uow:
        result = await catalog.change_stock(uow, "MUG", StockChange.parse("-6"), actor=ADMIN)
    assert (result.before, result.after, result.available) == (10, 4, 0)
    for change in ("3", "-1"):
        with pytest.raises(AdminInputError, match="held by unpaid invoices"):
            async with store.uow() as uow:
                await catalog.change_stock(uow, "MUG", StockChange.parse(change), actor=ADMIN)
    async with store.uow() as uow:
        result = await catalog.change_stock(uow, "mug", StockChange.parse("+6"), actor=ADMIN)
        assert result.after == 10
        product = await uow.products.get(mug)
        assert product is not None and (product.stock, product.reserved) == (10, 4)
        assert [e.action for e in await uow.audit.list_recent()] == ["product.stock"] * 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1", "cannot be negative"),
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("99999999999999999999999", "at most 10000.00 USD"),
        ("92233720368547758.07", "at most 10000.00 USD"),
        ("10000.01", "at most 10000.00 USD"),
        ("9" * 5000, "too large an amount"),
        ("1.234", "more than 2 decimals"),
        ("ten", "is not an amount"),
        ("", "is not an amount"),
    ],
)
def test_bad_prices_say_what_to_send(text: str, message: str) -> None:
    with pytest.raises(AdminInputError, match=message):
        catalog.parse_price(text, "USD")


def test_stock_changes_parse() -> None:
    assert StockChange.parse("12") == StockChange(12, delta=False)
    assert StockChange.parse("+3") == StockChange(3, delta=True)
    assert StockChange.parse("-3") == StockChange(-3, delta=True)
    for bad in ("x", "1.5", "--2", ""):
        with pytest.raises(AdminInputError):
            StockChange.parse(bad)


async def test_stock_stops_at_the_cap_however_it_is_changed(store: Store) -> None:
    """Set, +N and an import: never more than 1,000,000 units, and never an overflow of
    the stock column (32 bits on PostgreSQL)."""
    await _product(store, "MUG", stock=24)
    for change, message in [
        ("+999999999999999", "999999999999999 is more than 1000000"),
        ("+99999999999999999999", "99999999999999999999 is more than 1000000"),
        ("-99999999999999999999", "99999999999999999999 is more than 1000000"),
        ("+999990", "24 + 999990 would be 1000014, more than 1000000"),
    ]:
        with pytest.raises(AdminInputError, match=re.escape(message)):
            async with store.uow() as uow:
                await catalog.change_stock(uow, "MUG", StockChange.parse(change), actor=ADMIN)
    async with store.uow() as uow:
        result = await catalog.change_stock(uow, "MUG", StockChange.parse("+999976"), actor=ADMIN)
    assert result.after == 1_000_000
    data = (HEADER + "MUG,Mug,,Kitchen,9.00,USD,5000000,\n").encode()
    with pytest.raises(CatalogError, match="line 2 \\(MUG\\), stock: 5000000 is more than 1000000"):
        catalog.read_catalog_file("big.csv", data, CATALOG_PATH.parent, currency="USD")


async def _save_flow(store: Store, chat_id: int, flow: admin_flows.Flow | None) -> None:
    async with store.uow() as uow:
        await admin_flows.write_flow(uow, chat_id, flow)


async def test_flow_state_keeps_the_conversation_state_and_other_keys(store: Store) -> None:
    async with store.uow() as uow:
        await uow.chat_states.save(ADMIN, "browsing", {"cart_page": 2}, version=None)
    await _save_flow(store, ADMIN, admin_flows.new_flow("add", step="title"))
    async with store.uow() as uow:
        row = await uow.chat_states.get(ADMIN)
        assert row is not None and row.state == "browsing"
        assert row.data["cart_page"] == 2 and row.data["admin"]["step"] == "title"
    await _save_flow(store, ADMIN, None)
    async with store.uow() as uow:
        row = await uow.chat_states.get(ADMIN)
        assert row is not None and row.state == "browsing" and row.data == {"cart_page": 2}
    async with store.uow() as uow:
        assert await admin_flows.read_flow(uow, 4242) is None


async def test_a_flow_left_alone_for_half_an_hour_is_over(store: Store) -> None:
    from datetime import timedelta

    from bot.store.models import utcnow

    await _save_flow(store, ADMIN, admin_flows.new_flow("add", step="price"))
    async with store.uow() as uow:
        soon = utcnow() + timedelta(minutes=29)
        later = utcnow() + timedelta(minutes=31)
        flow = await admin_flows.read_flow(uow, ADMIN, now=soon)
        assert flow is not None and flow["step"] == "price"
        assert await admin_flows.read_flow(uow, ADMIN, now=later) is None


async def _order(
    store: Store,
    customer_id: int,
    product_id: int,
    *,
    paid_at: datetime | None,
    qty: int,
    status: str = "paid",
    sku: str = "MUG",
    discount: int = 0,
    currency: str = "USD",
) -> int:
    async with store.uow() as uow:
        order = Order(
            customer_id=customer_id,
            status=status,
            currency=currency,
            items_total=1000 * qty,
            total=1000 * qty,
            paid_at=paid_at,
        )
        order.lines = [
            OrderLine(
                product_id=product_id,
                sku=sku,
                title=f"{sku} title",
                unit_price=1000,
                currency=currency,
                quantity=qty,
                discount=discount,
            )
        ]
        await uow.orders.add(order)
        return order.id


async def test_stats_count_paid_orders_minus_refunds_per_period(store: Store) -> None:
    now = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
    mug = await _product(store, "MUG", stock=2)
    cup = await _product(store, "CUP", stock=50)
    async with store.uow() as uow:
        customer = (await uow.customers.get_or_create(1001, first_name="Sam")).id
    await _order(store, customer, mug, paid_at=now - timedelta(hours=1), qty=3)  # today
    today_refunded = await _order(
        store, customer, cup, paid_at=now - timedelta(hours=2), qty=1, sku="CUP"
    )
    await _order(
        store, customer, cup, paid_at=now - timedelta(days=3), qty=5, sku="CUP", discount=750
    )  # a code took $7.50 off these five cups
    await _order(store, customer, mug, paid_at=now - timedelta(days=20), qty=1)
    await _order(store, customer, mug, paid_at=now - timedelta(days=40), qty=9)  # too old
    await _order(store, customer, mug, paid_at=None, qty=7, status="awaiting_payment")
    # Paid, then cancelled: counted as paid in its period, but none of its mugs went out.
    await _order(store, customer, mug, paid_at=now - timedelta(days=2), qty=8, status="cancelled")
    # Other currencies, never summed with dollars: the ones ever paid in are named.
    await _order(
        store, customer, cup, paid_at=now - timedelta(days=9), qty=20, sku="CUP", currency="XTR"
    )
    for days in (1, 400):
        await _order(
            store, customer, mug, paid_at=now - timedelta(days=days), qty=1, currency="EUR"
        )
    await _order(store, customer, cup, paid_at=None, qty=1, sku="CUP", currency="GBP")  # unpaid
    async with store.uow() as uow:
        payment = Payment(
            order_id=today_refunded,
            provider="stripe",
            telegram_payment_charge_id="tg-1",
            payer_telegram_id=1001,
            amount=1000,
            currency="USD",
        )
        uow.session.add(payment)
        await uow.session.flush()
        await uow.refunds.add(
            Refund(
                order_id=today_refunded,
                payment_id=payment.id,
                amount=400,
                currency="USD",
                created_at=now - timedelta(minutes=5),
            )
        )
    async with store.uow() as uow:
        stats = await store_stats(uow, currency="USD", threshold=3, now=now)
    today, week, month = stats.periods
    assert (today.orders, today.gross, today.refunds, today.net) == (2, 4000, 400, 3600)
    assert (week.orders, week.gross) == (4, 17000)
    assert (month.orders, month.gross, month.average_order) == (5, 18000, 3600)
    assert [(t.sku, t.quantity, t.revenue) for t in stats.top_products] == [
        ("CUP", 6, 6000 - 750),  # what the cups took: their share of the code comes off
        ("MUG", 4, 4000),
    ]
    assert stats.other_currencies == ["EUR", "XTR"]
    assert [p.sku for p in stats.low_stock] == ["MUG"]


def test_an_order_change_lost_to_another_move_is_said_in_the_admins_words() -> None:
    """A refund whose order another admin cancelled meanwhile: the lifecycle's refusal reads
    as the order's status now, in the admin's language, not the table's wording."""
    lost = OrderNotChanged(1, IllegalOrderTransition("refund_part", "cancelled"))
    assert lost.said(translator("en")) == "Order #1 was not changed: it is ✖️ Cancelled now."
    russian = lost.said(translator("ru"))
    assert "cannot" not in russian and "was not changed" not in russian
    too_much = OrderNotChanged(1, RefundTooLarge(1, 4000, 3200, "USD"))
    assert "more; $40.00 is too much" in too_much.said(translator("en"))
    assert "too much" not in too_much.said(translator("es"))
