"""The admins' morning report, end to end: the real bot against the Bot API stand-in, its
job run with a fake clock (as each worker runs it every minute). Every admin who wants it
gets yesterday's figures once, in her language; /report shows them on demand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.callback_data import MorningReport
from bot.services.promos import day_start
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import utcnow
from bot.usecases import daily_report
from tests.admin.test_daily_report import _refund
from tests.admin.test_services import _order
from tests.conftest import seeded_shop_in

MADRID = ZoneInfo("Europe/Madrid")
BLOCKED, ADA, BEA, CY, SAM = 9000, 9001, 9002, 9003, 1001
NINE_THIRTY = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)  # 09:30 on Friday in Madrid
REPORT = "📊 Yesterday, Thu, Dec 3, 2026 (Europe/Madrid)"


def shop_with_admins(
    tmp_path: Path,
    standin: BotApiStandIn,
    seeded_sqlite: Path,
    *admins: int,
    zone: str = "Europe/Madrid",
    **settings: Any,
) -> ShopHarness:
    seeded_shop_in(tmp_path, seeded_sqlite)
    return ShopHarness(
        tmp_path,
        standin=standin,
        admin_ids=frozenset(admins),
        shop_timezone=zone,
        daily_report_hour=9,
        **settings,
    )


@pytest.fixture
async def h(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    """The shop with Ada its one admin."""
    async with shop_with_admins(tmp_path, standin, seeded_sqlite, ADA) as harness:
        yield harness


def report_job(h: ShopHarness, now: datetime) -> Awaitable[int]:
    """One run of the morning report's job at `now`, as each worker runs it every minute."""
    assert h.shop is not None
    return daily_report.send_due(h.shop, now=now)


async def paid_yesterday(h: ShopHarness, sku: str, qty: int, day: date) -> None:
    """Sam's order of `qty` × `sku` (at $10.00 each) paid at noon of `day` in Madrid (and Sam
    a customer since then)."""
    async with h.store.uow() as uow:
        sam = await uow.customers.get_or_create(SAM, first_name="Sam")
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        sam.created_at = day_start(day, MADRID) + timedelta(hours=12)
        ids = sam.id, product.id
    await _order(
        h.store, *ids, paid_at=day_start(day, MADRID) + timedelta(hours=12), qty=qty, sku=sku
    )


async def turn_report_off(admin: FakeUser) -> None:
    await admin.send("/settings")
    await admin.wait_for("Morning report is on")
    toast = await admin.press("Morning report off")
    assert toast.text == "Morning report is off. You can turn it back on here in /settings."


async def test_each_admin_gets_yesterdays_report_once_in_her_language(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> None:
    async with shop_with_admins(tmp_path, standin, seeded_sqlite, BLOCKED, ADA, BEA, CY) as h:
        assert h.shop is not None
        blocked, ada = h.user(BLOCKED, "Al"), h.user(ADA, "Ada")
        bea, cy = h.user(BEA, "Bea", language_code="es"), h.user(CY, "Cy")
        await paid_yesterday(h, "KIT-MUG-CER", 5, date(2026, 12, 2))  # the day before: not in it
        await paid_yesterday(h, "KIT-MUG-CER", 2, date(2026, 12, 3))  # Sam is new on the 3rd
        await paid_yesterday(h, "KIT-FRP-600", 1, date(2026, 12, 3))
        await turn_report_off(cy)
        await bea.send("/settings")  # the shop knows her language from her chat
        await bea.wait_for("📊 El informe de la mañana está activado")
        blocked.block()  # the first admin asked: her 403 stops nobody

        before_nine = NINE_THIRTY - timedelta(minutes=31)
        assert await report_job(h, before_nine) == 0
        assert await report_job(h, NINE_THIRTY) == 2

        report = await ada.wait_for(REPORT)
        text = report.text or ""
        assert text.startswith(
            f"{REPORT}\n\n"
            "💰 Revenue: $30.00\n"
            "🧾 2 orders paid, average $15.00\n"
            "👤 1 new customer\n\n"
            "Top products:\n"
            "1. KIT-MUG-CER · KIT-MUG-CER title: 2 sold, $20.00\n"
            "2. KIT-FRP-600 · KIT-FRP-600 title: 1 sold, $10.00\n\n"
            "📦 Waiting now: 3 paid orders to ship\n"
            "⏳ 0 refunds still pending\n"
        ), text
        assert "products low on stock (≤ 3 available)" in text.splitlines()[-1]
        spanish = await bea.wait_for("📊 Ayer, jue, 3 dic 2026 (Europe/Madrid)")
        assert "💰 Ingresos: 30,00" in (spanish.text or "")
        assert "🧾 2 pedidos pagados" in (spanish.text or "")

        assert await report_job(h, NINE_THIRTY + timedelta(hours=1)) == 0
        await h.restart()  # a worker started later that day finds it sent
        assert await report_job(h, NINE_THIRTY + timedelta(hours=2)) == 0
        await h.until_idle()
        assert sum(REPORT in (m.text or "") for m in ada.messages) == 1
        assert not any("Yesterday" in (m.text or "") for m in cy.messages)
        refused = [c for c in h.standin.calls_to("sendMessage") if c.error_code == 403]
        assert len(refused) == 1


async def test_a_quiet_day_says_so_and_still_tells_what_waits(h: ShopHarness) -> None:
    ada = h.user(ADA, "Ada")
    await paid_yesterday(h, "KIT-MUG-CER", 1, date(2026, 12, 2))  # not shipped yet
    assert await report_job(h, NINE_THIRTY) == 1
    text = (await ada.wait_for(REPORT)).text or ""
    lines = text.splitlines()
    assert lines[2:5] == ["No orders yesterday.", "", "📦 Waiting now: 1 paid order to ship"]


async def test_a_shop_down_at_the_hour_sends_it_later_that_day_but_not_days_later(
    h: ShopHarness,
) -> None:
    ada = h.user(ADA, "Ada")
    evening = NINE_THIRTY + timedelta(hours=13)  # 22:30 in Madrid
    assert await report_job(h, evening) == 1
    await ada.wait_for(REPORT)
    two_days_on = NINE_THIRTY + timedelta(days=2)  # Sunday: Saturday's, not Friday's
    assert await report_job(h, two_days_on) == 1
    await ada.wait_for("📊 Yesterday, Sat, Dec 5, 2026 (Europe/Madrid)")
    async with h.store.reading() as uow:
        assert not await uow.daily_reports.claimed(date(2026, 12, 4))


async def test_report_on_demand_for_yesterday_or_a_day_named_and_refusals(h: ShopHarness) -> None:
    ada, sam = h.user(ADA, "Ada"), h.user(SAM, "Sam")
    today = utcnow().astimezone(MADRID).date()
    yesterday = today - timedelta(days=1)
    await paid_yesterday(h, "KIT-MUG-CER", 2, yesterday)

    await ada.send("/report")
    text = (await ada.wait_for("📊 Yesterday, ")).text or ""
    assert "🧾 1 order paid, average $20.00" in text

    before = yesterday - timedelta(days=1)
    await ada.send(f"/report {before.isoformat()}")
    text = (await ada.wait_for("No orders that day.")).text or ""
    assert text.startswith("📊 ") and "Yesterday" not in text

    await ada.send(f"/report {today.isoformat()}")
    await ada.wait_for(
        f"{today.isoformat()} has not ended yet: ask for a day up to yesterday, "
        f"e.g. /report {yesterday.isoformat()}."
    )
    await ada.send("/report 2026-13-01")
    await ada.wait_for("“2026-13-01” is not a date like 2026-12-31.")
    await ada.send("/report yesterday")
    await ada.wait_for("“yesterday” is not a date like 2026-12-31.")

    await sam.send("/report")
    await sam.wait_for("Sorry, that is for the shop's admins only.")
    assert not any("📊" in (m.text or "") for m in sam.messages)


async def test_a_day_before_the_calendar_can_begin_on_the_shops_clock_is_no_date(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> None:
    """Midnight of 0001-01-01 in Tokyo is still year 0 in UTC, which no datetime can hold."""
    async with shop_with_admins(tmp_path, standin, seeded_sqlite, ADA, zone="Asia/Tokyo") as h:
        ada = h.user(ADA, "Ada")
        await ada.send("/report 0001-01-01")
        await ada.wait_for("“0001-01-01” is not a date like 2026-12-31.")
        await ada.send("/report 0001-01-02")
        await ada.wait_for("No orders that day.")


async def test_only_admins_see_the_switch_and_a_forged_one_changes_nothing(h: ShopHarness) -> None:
    ada, sam = h.user(ADA, "Ada"), h.user(SAM, "Sam")
    await turn_report_off(ada)
    settings = await ada.wait_for("📊 Morning report is off.", include_existing=True)
    assert "[📊 Morning report on]" in ada.render(settings)
    await ada.press("Morning report on")
    await ada.wait_for("every morning I send you", include_existing=True)

    await sam.send("/settings")
    screen = await sam.wait_for("Price drop alerts")
    assert "Morning report" not in sam.render(screen)
    toast = await sam.press_data(screen, MorningReport(0).encode())
    assert toast.text == "The morning report is for the shop's admins."
    async with h.store.reading() as uow:
        assert await uow.customers.without_morning_report([ADA, SAM]) == set()


async def test_with_reports_off_an_admin_has_no_switch_and_no_report(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> None:
    async with shop_with_admins(tmp_path, standin, seeded_sqlite, ADA) as h:
        h.reconfigure(daily_report_hour=None)
        await h.restart()
        ada = h.user(ADA, "Ada")
        assert await report_job(h, NINE_THIRTY) == 0
        await ada.send("/settings")
        screen = await ada.wait_for("This shop sends no morning report")
        assert "Morning report o" not in ada.render(screen)


async def test_every_worker_runs_the_morning_report_job(h: ShopHarness) -> None:
    assert "send-daily-report" in {job.name for job in h.app.job_queue.jobs()}


async def test_a_shop_with_vat_says_the_days_vat_net_of_its_refunds(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> None:
    """TAX_RATE 20%: Sam's 3 mugs ($30.00, $5.00 of it VAT) paid on the 3rd, and one of them
    refunded that day ($10.00, its $1.67 of VAT back): the report says $3.33 of VAT, as /stats
    counts it (a shop without TAX_RATE says none: the reports above)."""
    async with shop_with_admins(tmp_path, standin, seeded_sqlite, ADA, tax_rate_bp=2000) as h:
        assert h.shop is not None
        ada = h.user(ADA, "Ada")
        await paid_yesterday(h, "KIT-MUG-CER", 3, date(2026, 12, 3))
        noon = day_start(date(2026, 12, 3), MADRID) + timedelta(hours=12)
        async with h.store.uow() as uow:  # the tax checkout keeps on the order
            (order,) = await uow.orders.list_for_customer(
                (await uow.customers.get_or_create(SAM)).id
            )
            order.tax_label, order.tax_rate_bp, order.tax_total = "VAT", 2000, 500
        await _refund(h.store, order.id, 1000, noon + timedelta(hours=1), "succeeded", tax=167)

        assert await report_job(h, NINE_THIRTY) == 1
        text = (await ada.wait_for(REPORT)).text or ""
        assert "💰 Revenue: $20.00\n🧾 1 order paid, average $30.00\n" in text
        assert "↩️ Refunds: $10.00\nVAT included: $3.33\n" in text
