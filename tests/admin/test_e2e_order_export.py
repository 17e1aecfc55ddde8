"""/export orders: Ada, the admin, sends her accountant the shop's orders as a CSV document,
one row per order line, for whole days on the shop's clock (Europe/Madrid here). The real
bot against the Bot API stand-in, on SQLite and PostgreSQL; the CSV read back from the
document the stand-in received."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services import admin_catalog
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.store.models import Order, OrderLine, Payment
from tests.admin.test_e2e_admin_languages import _russian

MADRID = ZoneInfo("Europe/Madrid")
ADA, SAM, EVE = 9001, 1001, 1002
EVE_NAME = '=HYPERLINK("http://evil")'  # a spreadsheet would run it
USAGE = "Send /export (the catalog) or /export orders [from=2026-12-01] [until=2026-12-31]."


@pytest.fixture
async def h(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop on each database, its clock in Madrid; Ada its admin."""
    async with BotApiStandIn() as standin:
        standin.user(ADA, "Ada")
        async with ShopHarness(
            tmp_path,
            standin=standin,
            database_url=seeded_database_url,
            admin_ids=frozenset({ADA}),
            shop_timezone="Europe/Madrid",
        ) as harness:
            yield harness


def madrid(*when: int) -> datetime:
    return datetime(*when, tzinfo=MADRID)  # type: ignore[misc]


async def place(
    h: ShopHarness,
    telegram_id: int,
    name: str,
    created: datetime,
    lines: list[dict[str, Any]],
    *,
    provider: str | None = "stripe",
    **order: Any,
) -> int:
    """An order of the customer (made if new) as the shop keeps it, placed at `created`;
    `lines` as OrderLine takes them (all of the mug, whatever their SKU), paid with
    `provider` (None: not paid)."""
    async with h.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id, first_name=name)
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        placed = Order(customer_id=customer.id, created_at=created, **order)
        placed.lines = [OrderLine(product_id=mug.id, **line) for line in lines]
        await uow.orders.add(placed)
        if provider is not None:
            uow.session.add(
                Payment(
                    order_id=placed.id,
                    provider=provider,
                    telegram_payment_charge_id=f"tg-{placed.id}",
                    payer_telegram_id=telegram_id,
                    amount=placed.total,
                    currency=placed.currency,
                )
            )
        return placed.id


async def december_orders(h: ShopHarness) -> tuple[int, int, int, int]:
    """Sam's paid order with a promo and a refund (Dec 3), Eve's JPY order (Dec 31, late in
    the evening in Madrid), Eve's Stars order of November, and a line-less one just after
    midnight on New Year's Day in Madrid (still Dec 31 in UTC)."""
    sam = await place(
        h,
        SAM,
        "Sam",
        madrid(2026, 12, 3, 12, 30),
        [
            dict(sku="KIT-MUG-CER", title="Stoneware Mug 350ml", unit_price=1600,
                 currency="USD", quantity=2, discount=320),
            dict(sku="APP-TEE-ORG-M-OAT", title="Organic Tee - M / Oat", variant_id=7,
                 unit_price=2400, currency="USD", quantity=1, discount=240),
        ],
        status="paid",
        currency="USD",
        items_total=5600,
        discount_total=560,
        promo_code="WINTER10",
        shipping_total=500,
        tip_amount=100,
        total=5640,
        refunded_amount=1000,
        shipping_option="standard",
    )  # fmt: skip
    eve = await place(
        h,
        EVE,
        EVE_NAME,
        madrid(2026, 12, 31, 23, 30),
        [dict(sku="KIT-MUG-CER", title="@mug", unit_price=1200, currency="JPY", quantity=3)],
        status="shipped",
        currency="JPY",
        items_total=3600,
        total=3600,
        shipping_option="express",
        tracking_number="-1+2",
    )
    november = await place(
        h,
        EVE,
        EVE_NAME,
        madrid(2026, 11, 20, 10, 0),
        [dict(sku="DIG-GUIDE", title="Guide", unit_price=50, currency="XTR", quantity=1)],
        provider="stars",
        status="delivered",
        currency="XTR",
        items_total=50,
        total=50,
        needs_shipping=False,
    )
    new_year = await place(
        h, SAM, "Sam", madrid(2027, 1, 1, 0, 30), [], provider=None, status="cancelled",
        currency="USD",
    )  # fmt: skip
    return sam, eve, november, new_year


async def exported(admin: FakeUser, command: str) -> tuple[Message, list[dict[str, str]]]:
    """The admin sends `command`: the document she gets and its rows, read as a spreadsheet
    would read the CSV."""
    await admin.send(command)
    sent = await admin.wait_for(lambda m: m.document is not None)
    assert sent.document is not None
    text = sent.document.data.decode("utf-8")
    assert not text.startswith("\ufeff")  # plain UTF-8, no BOM
    return sent, list(csv.DictReader(io.StringIO(text)))


async def test_ada_exports_decembers_orders_one_row_a_line_with_exact_money(
    h: ShopHarness,
) -> None:
    ada = h.user(ADA, "Ada")
    sam, eve, _, _ = await december_orders(h)

    sent, rows = await exported(ada, "/export orders from=2026-12-01 until=2026-12-31")
    assert sent.document is not None
    assert sent.document.file_name == "orders-2026-12-01--2026-12-31.csv"
    assert sent.text == (
        "🧾 Orders from 2026-12-01 to 2026-12-31: 2 orders in 3 rows (one a line); times on "
        "the shop's clock, Europe/Madrid. Plain UTF-8: open it in Excel with Data > From "
        "Text/CSV and pick UTF-8."
    )
    header = sent.document.data.decode().splitlines()[0]
    assert header == (
        "order_id,created_at,status,customer_telegram_id,customer_name,sku,title,variant,"
        "quantity,unit_price,line_total,line_discount,currency,order_subtotal,discount,"
        "promo_code,gift_card,shipping,tip,order_total,refunded,paid_with,shipping_option,"
        "tracking_number"
    )
    mug, tee, jpy = rows
    sams_order = {
        "order_id": str(sam),
        "created_at": "2026-12-03T12:30:00+01:00",
        "status": "paid",
        "customer_telegram_id": str(SAM),
        "customer_name": "Sam",
        "currency": "USD",
        "order_subtotal": "56.00",
        "discount": "5.60",
        "promo_code": "WINTER10",
        "gift_card": "0.00",
        "shipping": "5.00",
        "tip": "1.00",
        "order_total": "56.40",
        "refunded": "10.00",
        "paid_with": "stripe",
        "shipping_option": "standard",
        "tracking_number": "",
    }
    assert mug == sams_order | {
        "sku": "KIT-MUG-CER",
        "title": "Stoneware Mug 350ml",
        "variant": "",
        "quantity": "2",
        "unit_price": "16.00",
        "line_total": "32.00",
        "line_discount": "3.20",
    }
    assert tee == sams_order | {
        "sku": "APP-TEE-ORG-M-OAT",
        "title": "Organic Tee",
        "variant": "M / Oat",
        "quantity": "1",
        "unit_price": "24.00",
        "line_total": "24.00",
        "line_discount": "2.40",
    }
    # Yen have no decimals; what Eve typed and the tracking number cannot run as formulas.
    assert jpy == {
        "order_id": str(eve),
        "created_at": "2026-12-31T23:30:00+01:00",
        "status": "shipped",
        "customer_telegram_id": str(EVE),
        "customer_name": '\'=HYPERLINK("http://evil")',
        "sku": "KIT-MUG-CER",
        "title": "'@mug",
        "variant": "",
        "quantity": "3",
        "unit_price": "1200",
        "line_total": "3600",
        "line_discount": "0",
        "currency": "JPY",
        "order_subtotal": "3600",
        "discount": "0",
        "promo_code": "",
        "gift_card": "0",
        "shipping": "0",
        "tip": "0",
        "order_total": "3600",
        "refunded": "0",
        "paid_with": "stripe",
        "shipping_option": "express",
        "tracking_number": "'-1+2",
    }


async def test_without_days_every_order_goes_out_and_a_lineless_one_has_its_row(
    h: ShopHarness,
) -> None:
    ada = h.user(ADA, "Ada")
    sam, eve, november, new_year = await december_orders(h)

    sent, rows = await exported(ada, "/export orders")
    assert sent.document is not None
    today = datetime.now(MADRID).date()
    assert sent.document.file_name in {
        f"orders-all-{day.isoformat()}.csv" for day in (today, today - timedelta(days=1))
    }
    # Oldest first by when each was placed: November's, entered after December's, leads.
    assert [r["order_id"] for r in rows] == [str(i) for i in (november, sam, sam, eve, new_year)]
    stars = rows[0]
    assert (stars["currency"], stars["order_total"], stars["paid_with"]) == ("XTR", "50", "stars")
    lineless = rows[4]
    assert lineless["created_at"] == "2027-01-01T00:30:00+01:00"
    assert (lineless["status"], lineless["sku"], lineless["quantity"]) == ("cancelled", "", "")
    assert (lineless["order_total"], lineless["paid_with"]) == ("0.00", "")

    _, from_december = await exported(ada, "/export orders from=2026-12-01")
    assert [r["order_id"] for r in from_december] == [str(i) for i in (sam, sam, eve, new_year)]
    _, up_to_november = await exported(ada, "/export orders until=2026-11-30")
    assert [r["order_id"] for r in up_to_november] == [str(november)]

    await ada.send("/export catalog")  # the catalog, as plain /export sends it
    catalog = await ada.wait_for(lambda m: m.document is not None)
    assert catalog.document is not None
    assert (catalog.document.file_name or "").startswith("catalog-")

    await ada.send("/audit")
    log = (await ada.wait_for("🗒")).text or ""
    assert [line.split(" · ", 1)[1] for line in log.splitlines()[1:4]] == [
        f"admin:{ADA} · exported the orders · up to 2026-11-30, 1 order in 1 row",
        f"admin:{ADA} · exported the orders · from 2026-12-01 on, 3 orders in 4 rows",
        f"admin:{ADA} · exported the orders · every day, 4 orders in 5 rows",
    ]


async def test_days_without_orders_and_wrong_arguments_get_an_answer_not_a_file(
    h: ShopHarness,
) -> None:
    ada = h.user(ADA, "Ada")
    await december_orders(h)
    answers = {
        "/export orders from=2026-06-01 until=2026-06-30": "No orders from 2026-06-01 to "
        "2026-06-30.",
        "/export foo": USAGE,
        "/export catalog orders": USAGE,
        "/export orders since=2026-12-01": USAGE,
        "/export orders from=2026-12-01 from=2026-12-02": USAGE,
        "/export orders from=2026-13-01": "from=: “2026-13-01” is not a date like 2026-12-31.\n"
        + USAGE,
        "/export orders from=2026-12-31 until=2026-12-01": "until= must be on or after from=.\n"
        + USAGE,
    }
    for command, answer in answers.items():
        await ada.send(command)
        said = await ada.wait_for(lambda m: m.document is None and bool(m.text))
        assert said.text == answer, command
    assert not [m for m in ada.messages if m.document is not None]
    async with h.store.uow() as uow:
        assert not [e for e in await uow.audit.list_recent() if e.action == "orders.export"]


async def test_a_shop_without_orders_says_so_and_shoppers_are_refused(h: ShopHarness) -> None:
    ada, sam = h.user(ADA, "Ada"), h.user(SAM, "Sam")
    await ada.send("/export orders")
    assert (await ada.wait_for("orders")).text == "There are no orders yet."
    await december_orders(h)
    await sam.send("/export orders")
    refusal = await sam.wait_for("admins only")
    assert refusal.text == (
        "Sorry, that is for the shop's admins only. Send /help to see what I can do for you."
    )
    assert not [m for m in sam.messages if m.document is not None]


async def test_the_admin_menu_exports_every_order_zipped_past_what_a_bot_may_send(
    h: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram takes 50 MB from a bot; the limit is made small here, as if the shop had
    sold that much."""
    ada = h.user(ADA, "Ada")
    await december_orders(h)
    for day in range(1, 31):  # a month of Sam's orders: a CSV that packs well
        await place(
            h, SAM, "Sam", madrid(2026, 9, day, 12, 0),
            [dict(sku="KIT-MUG-CER", title="Stoneware Mug 350ml", unit_price=1600,
                  currency="USD", quantity=1)],
            status="delivered", currency="USD", items_total=1600, total=1600,
        )  # fmt: skip
    monkeypatch.setattr(admin_catalog, "MAX_SEND_BYTES", 3000)
    await ada.send("/admin")
    await ada.wait_for("Admin menu")
    await ada.press("⬇️ Export orders")
    sent = await ada.wait_for(lambda m: m.document is not None)
    assert sent.document is not None
    assert re.fullmatch(r"orders-all-\d{4}-\d\d-\d\d\.zip", sent.document.file_name or "")
    assert len(sent.document.data) <= 3000
    with zipfile.ZipFile(io.BytesIO(sent.document.data)) as archive:
        (member,) = archive.namelist()
        assert member == (sent.document.file_name or "").replace(".zip", ".csv")
        assert len(archive.read(member).decode().splitlines()) == 36  # a header, 35 rows

    monkeypatch.setattr(admin_catalog, "MAX_SEND_BYTES", 200)
    await ada.send("/export orders")
    too_big = await ada.wait_for("even zipped")
    assert too_big.text == (
        "The orders are 1 MB even zipped, more than the 0 MB Telegram lets a bot send: "
        "export fewer days at a time (from= and until=)."
    )


async def test_an_admin_reading_russian_is_answered_and_audited_in_russian(
    h: ShopHarness,
) -> None:
    ada = h.user(ADA, "Ada")
    await december_orders(h)
    await _russian(ada)
    await ada.send("/export orders from=2026-06-01 until=2026-06-30")
    assert (await ada.wait_for("2026-06-30")).text == "Нет заказов с 2026-06-01 по 2026-06-30."
    await ada.send("/export orders from=x")
    said = (await ada.wait_for("/export orders")).text or ""
    assert said.startswith("from=: «x» — не дата вида 2026-12-31.")
    sent, rows = await exported(ada, "/export orders from=2026-12-01 until=2026-12-31")
    assert (sent.text or "").startswith("🧾 Заказы с 2026-12-01 по 2026-12-31: 2 заказа")
    assert rows[0]["status"] == "paid"  # the file itself is not translated: a file format
    await ada.send("/audit")
    log = (await ada.wait_for("🗒")).text or ""
    assert log.splitlines()[1].endswith(
        f"admin:{ADA} · выгрузка заказов · с 2026-12-01 по 2026-12-31, 2 заказа в 3 строках"
    )
