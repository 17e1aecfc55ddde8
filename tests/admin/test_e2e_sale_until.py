"""/sale Mugs 20% until=2036-12-31 from the admin's chat, on SQLite and PostgreSQL: Ada puts
the Mugs on sale until the last day of 2036 on the shop's clock (Madrid), the sale is stored
with its end, /sale lists it beside Kitchen's sale without an end; a minute before the
midnight that ends that day nothing happens, at it the job that every worker runs ends the
sale once (two workers at once, and again later: once), every price back, audited as the
shop's, and Ada told once. A sale Ada ends by hand first leaves nothing for the job; an
until= that is not a day, or a day past, is refused and starts nothing."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.shop import Shop
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry, CategorySale, Product, ProductVariant
from bot.store.repositories.category_sales import CategorySaleRepository
from bot.store.uow import Store
from bot.usecases import category_sale
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.admin.test_e2e_category_sale import (
    HEADER,
    ON_SALE,
    REGULAR,
    USAGE,
    ada_with_mugs,
    prices,
)

# The midnight that ends Dec 31, 2036 in Madrid (UTC+1 in winter).
NEW_YEAR = datetime(2036, 12, 31, 23, tzinfo=UTC)
ENDS = "Ends automatically at the end of Dec 31, 2036 (Europe/Madrid)."
ENDED = (
    "🔖 The sale of Mugs ended as planned: 4 products and 1 variant priced on its own back at "
    "their regular price."
)


@pytest.fixture
async def shop(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop in Madrid with Ada as its admin, on each database."""
    async with ShopHarness(
        tmp_path,
        database_url=seeded_database_url,
        admin_ids=frozenset({ADMIN_ID}),
        shop_timezone="Europe/Madrid",
    ) as h:
        yield h


@pytest.fixture
async def admin(shop: ShopHarness) -> FakeUser:
    return await ada_with_mugs(shop)


async def start(admin: FakeUser, command: str, said: str) -> None:
    """Ada sends `command`, presses ✅ Start sale on its preview, and reads `said`."""
    await admin.send(command)
    preview = await admin.wait_for("on sale at")
    await admin.press("✅ Start sale", message=preview)
    await admin.wait_for(said)


async def stored(shop: ShopHarness) -> dict[str, tuple[int, datetime | None, int | None]]:
    """The category sales stored: category title -> (percent, ends_at, started_by)."""
    async with shop.store.reading() as uow:
        return {
            s.title: (s.percent, s.ends_at, row.started_by)
            for s in await uow.category_sales.running()
            if (row := await uow.session.get(CategorySale, s.category_id)) is not None
        }


async def sale_ends(shop: ShopHarness) -> list[tuple[int | None, dict[str, object] | None]]:
    """Each `sale.end` in the audit log: (actor, details), newest first."""
    async with shop.store.reading() as uow:
        entries: list[AuditEntry] = list(await uow.audit.list_recent())
    return [(e.actor_telegram_id, e.details) for e in entries if e.action == "sale.end"]


def told(admin: FakeUser, text: str) -> int:
    return sum(text in (m.text or "") for m in admin.messages)


def job(shop: ShopHarness, now: datetime) -> asyncio.Future[int]:
    """One run of the job that ends sales, at `now`, as each worker runs it every minute."""
    assert shop.shop is not None
    return asyncio.ensure_future(category_sale.end_due(shop.shop, now=now))


def read_by_both() -> Callable[[CategorySaleRepository, datetime], Awaitable[Sequence[int]]]:
    """The job's read of the sales due, answered to each of two workers only once both have
    read it: neither has ended the sale yet when the other looks."""
    read, both = CategorySaleRepository.due, asyncio.Barrier(2)

    async def due(self: CategorySaleRepository, now: datetime) -> Sequence[int]:
        found = await read(self, now)
        await both.wait()
        return found

    return due


async def test_the_mugs_sale_ends_by_itself_at_the_end_of_its_last_day_once(
    shop: ShopHarness, admin: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The two workers below look for the sales due themselves: the harness's own job (a
    # minute in, then every minute, which a slow run reaches) must not meet them at their
    # barrier.
    shop.without_job("end-sales-due")
    await admin.send("/sale Mugs 20% until=2036-12-31")
    preview = await admin.wait_for("Put Mugs on sale")
    assert (preview.text or "").endswith(f"1 too cheap to take 20% off, left as it is.\n{ENDS}")
    await admin.press("✅ Start sale", message=preview)
    await admin.wait_for(f"left as it is).\n{ENDS}")
    assert {sku: p for sku, p in (await prices(shop)).items() if sku in ON_SALE} == ON_SALE
    await start(admin, "/sale Kitchen 10%", "🔖 Kitchen is on sale")
    assert await stored(shop) == {"Mugs": (20, NEW_YEAR, ADMIN_ID), "Kitchen": (10, None, ADMIN_ID)}

    running = "🔖 Sales running: Mugs −20% until Dec 31, 2036 · Kitchen −10% (no end date)"
    await admin.send("/sale")
    await admin.wait_for(f"{running}\n{USAGE}\nTo change when a running sale ends, send /sale")
    await admin.send("/admin")
    await admin.wait_for(f"{running}\n\nAdmin menu.")

    assert await job(shop, NEW_YEAR - timedelta(seconds=1)) == 0  # 23:59:59 on Dec 31
    assert {sku: p for sku, p in (await prices(shop)).items() if sku in ON_SALE} == ON_SALE

    assert shop.shop is not None
    other_store = Store.from_url(shop.store.engine.url.render_as_string(hide_password=False))
    other: Shop = dataclasses.replace(shop.shop, store=other_store)  # a second worker
    try:
        with monkeypatch.context() as both_read_it:  # each finds the sale due, then both end it
            both_read_it.setattr(CategorySaleRepository, "due", read_by_both())
            both = await asyncio.gather(
                category_sale.end_due(shop.shop, now=NEW_YEAR),
                category_sale.end_due(other, now=NEW_YEAR),
            )
    finally:
        await other_store.close()
    assert sorted(both) == [0, 1]
    await admin.wait_for(ENDED)
    assert {sku: p for sku, p in (await prices(shop)).items() if sku in REGULAR} == REGULAR
    assert await sale_ends(shop) == [(None, {"category": "Mugs", "products": 4, "variants": 1})]
    assert await job(shop, NEW_YEAR + timedelta(minutes=1)) == 0  # a restart, a minute later
    assert told(admin, ENDED) == 1 and len(await sale_ends(shop)) == 1
    assert await stored(shop) == {"Kitchen": (10, None, ADMIN_ID)}  # it runs till /sale end

    await admin.send("/audit")
    log = (await admin.wait_for("Audit log")).text or ""
    assert "shop · ended the sale of Mugs · 4 products, 1 variant priced on its own" in log
    await admin.send("/sale")
    await admin.wait_for("🔖 Sales running: Kitchen −10% (no end date)")


async def test_a_sale_ended_by_hand_leaves_nothing_for_the_job(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await start(admin, "/sale Mugs 20% until=2036-12-31", ENDS)
    await admin.send("/sale end Mugs")
    await admin.press("✅ End sale", message=await admin.wait_for("End the sale of Mugs?"))
    await admin.wait_for("The sale of Mugs has ended")
    assert await stored(shop) == {}
    after = await prices(shop)

    assert await job(shop, NEW_YEAR) == 0
    assert await prices(shop) == after
    assert await sale_ends(shop) == [(ADMIN_ID, {"category": "Mugs", "products": 4, "variants": 1})]
    assert told(admin, "ended as planned") == 0
    await admin.send("/sale")
    await admin.wait_for(USAGE)
    assert "Sales running" not in (admin.last_message.text or "")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/sale Mugs 20% until=2020-01-01", "until= is in the past: the sale would end as soon"),
        (
            "/sale Mugs 20% until=2036-02-30",
            f"until=: “2036-02-30” is not a date like 2026-12-31.\n{USAGE}",
        ),
        ("/sale Mugs 20% until=", "until=: “” is not a date like 2026-12-31."),
        ("/sale Mugs until=2036-12-31", f"Mugs has no sale running that /sale started.\n{USAGE}"),
        ("/sale end Mugs until=2036-12-31", USAGE),
    ],
)
async def test_an_until_that_is_not_a_day_to_come_is_refused_and_starts_nothing(
    shop: ShopHarness, admin: FakeUser, command: str, answer: str
) -> None:
    before = await prices(shop)
    await admin.send(command)
    await admin.wait_for(answer)
    assert await prices(shop) == before and await stored(shop) == {}


async def test_a_preview_whose_last_day_passed_before_start_starts_nothing(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """The button carries the end; one already past (the preview pressed after that
    midnight, or forged) or not a moment at all is refused."""
    await admin.send("/sale Mugs 20% until=2036-12-31")
    preview = await admin.wait_for("Put Mugs on sale")
    _, start = admin.find_button("✅ Start sale", preview)
    assert start.callback_data is not None and start.callback_data.endswith(
        f":{int(NEW_YEAR.timestamp())}"
    )
    before = await prices(shop)
    base = start.callback_data.rsplit(":", 1)[0]
    past = await admin.press_data(
        preview, f"{base}:{int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())}"
    )
    assert past.text == "until= is in the past: the sale would end as soon as it starts."
    assert (await admin.press_data(preview, f"{base}:999999999999")).text == USAGE
    assert await prices(shop) == before and await stored(shop) == {}


async def test_ada_moves_the_end_of_the_running_mugs_sale_then_removes_it(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """The sale runs on, its prices untouched; the job ends it on the new day, not the old."""
    await start(admin, "/sale Mugs 20% until=2036-12-31", ENDS)
    on_sale = await prices(shop)
    await admin.send("/sale Mugs 20% until=2037-01-15")
    await admin.wait_for(
        "Mugs is already on sale.\nTo change when a running sale ends, send "
        "/sale CATEGORY until=2026-12-31 (or until=- for no end date)."
    )

    await admin.send("/sale mugs until=2037-01-15")
    preview = await admin.wait_for("will end at midnight")
    assert preview.text == (
        "🔖 The sale of Mugs (−20%) will end at midnight after Jan 15, 2037 (Europe/Madrid), "
        "instead of at midnight after Dec 31, 2036."
    )
    assert await stored(shop) == {"Mugs": (20, NEW_YEAR, ADMIN_ID)}  # a preview changes nothing
    _, change = admin.find_button("✅ Change end date", preview)
    assert change.callback_data is not None
    await admin.press_button(preview, change)
    await admin.wait_for(
        "🔖 The sale of Mugs (−20%) now ends at midnight after Jan 15, 2037 (Europe/Madrid)."
    )
    later = datetime(2037, 1, 15, 23, tzinfo=UTC)
    assert await stored(shop) == {"Mugs": (20, later, ADMIN_ID)}
    assert await prices(shop) == on_sale
    sam = shop.user(SHOPPER_ID, "Sam")
    await sam.send("/start product_KIT-MUG-CER")
    card = await sam.wait_for("Stoneware Mug 350ml")
    assert "$16.00 · −20% · " in (card.raw_text or "")
    assert "\n⏳ Sale ends Jan 15, 2037\n" in (card.text or "")  # the shop's last day
    again = await admin.press_data(preview, change.callback_data)  # a double tap
    assert again.text == "The sale of Mugs already ends on that day."
    assert await job(shop, NEW_YEAR) == 0 and await prices(shop) == on_sale

    await admin.send("/sale Mugs until=-")
    no_end = await admin.wait_for("will run until /sale end")
    assert no_end.text == (
        "🔖 The sale of Mugs (−20%) will run until /sale end, instead of ending at midnight "
        "after Jan 15, 2037."
    )
    await admin.send("/sale Mugs until=2037-02-01")
    stale = await admin.wait_for("instead of at midnight after Jan 15, 2037")
    _, moved = admin.find_button("✅ Change end date", stale)
    assert moved.callback_data is not None
    await admin.press("✅ Change end date", message=no_end)
    await admin.wait_for("🔖 The sale of Mugs (−20%) now runs until /sale end.")
    pressed = await admin.press_data(stale, moved.callback_data)
    assert pressed.text == (
        "The sale of Mugs has changed since this preview: send /sale to see it now."
    )
    assert await stored(shop) == {"Mugs": (20, None, ADMIN_ID)}
    assert await job(shop, later) == 0 and await prices(shop) == on_sale
    await sam.send("/start product_KIT-MUG-CER")
    card = await sam.wait_for(
        lambda m: m.message_id != card.message_id and "Stoneware" in (m.text or "")
    )
    assert "$16.00 · −20%" in (card.raw_text or "") and "Sale ends" not in (card.text or "")

    await admin.send("/audit")
    log = (await admin.wait_for("Audit log")).text or ""
    moved = "changed the end date of the sale of Mugs · −20%, last day"
    assert f"{moved} Jan 15, 2037 → no end date" in log
    assert f"{moved} Dec 31, 2036 → Jan 15, 2037" in log


async def test_every_worker_runs_the_job_that_ends_sales(shop: ShopHarness) -> None:
    assert "end-sales-due" in {job.name for job in shop.app.job_queue.jobs()}


async def test_a_mug_added_on_a_sale_of_its_own_keeps_it_when_the_mugs_sale_ends(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Ada's Mugs sale runs until Dec 31, 2036; then a catalog file adds a gift mug to Mugs
    on a sale of its own. The Mugs sale did not put it on sale: its card says no end (the
    stoneware mug's does), a new end date of the sale does not take it in, and Ada's
    /sale end Mugs gives back the prices of the sale only, the gift mug keeping its own."""
    await start(admin, "/sale Mugs 20% until=2036-12-31", ENDS)
    gift = "MUG-GFT,Gift Mug,Mug,Mugs,8.00,USD,5,,true,10.00,,,\n"
    await admin.send_document("gift.csv", (HEADER + gift).encode(), "text/csv")
    await admin.wait_for("Imported gift.csv")
    alice = shop.user(SHOPPER_ID, "Alice")
    for sku, end_line in [("KIT-MUG-CER", True), ("MUG-GFT", False)]:
        await alice.send(f"/start product_{sku}")
        card = await alice.wait_for("Add to cart")
        assert ("⏳ Sale ends Dec 31, 2036" in (card.text or "")) is end_line

    await admin.send("/sale Mugs until=2037-01-15")
    await admin.press("✅ Change end date", message=await admin.wait_for("will end at midnight"))
    await admin.wait_for("now ends at midnight")
    await alice.send("/start product_MUG-GFT")
    card = await alice.wait_for("Add to cart")
    assert "Sale ends" not in (card.text or "")

    await admin.send("/sale end Mugs")
    ending = await admin.wait_for("End the sale of Mugs?")
    assert (ending.text or "").startswith(
        "End the sale of Mugs? Regular prices back for 4 products and 1 variant priced on its own:"
    )
    assert "Gift Mug" not in (ending.text or "")
    await admin.press("✅ End sale", message=ending)
    await admin.wait_for("The sale of Mugs has ended")
    after = REGULAR | {"MUG-GFT": (800, 1000)}
    assert {sku: p for sku, p in (await prices(shop)).items() if sku in after} == after


async def test_a_running_sale_with_nothing_of_it_left_on_sale_still_ends_by_hand(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Ada's Mugs sale has no end date; every price it lowered went back since (as /price
    puts them back), and a gift mug on a sale of its own joined Mugs. /sale still lists
    the sale: /sale end Mugs ends it, changing no price, and the list is empty again."""
    await start(admin, "/sale Mugs 20%", "🔖 Mugs is on sale")
    async with shop.store.uow() as uow:
        for table in (Product, ProductVariant):
            await uow.session.execute(
                update(table)
                .where(table.compare_at_price.is_not(None))
                .values(price=table.compare_at_price, compare_at_price=None)
            )
    gift = "MUG-GFT,Gift Mug,Mug,Mugs,8.00,USD,5,,true,10.00,,,\n"
    await admin.send_document("gift.csv", (HEADER + gift).encode(), "text/csv")
    await admin.wait_for("Imported gift.csv")

    await admin.send("/sale end Mugs")
    ending = await admin.wait_for("End the sale of Mugs?")
    assert ending.text == (
        "End the sale of Mugs? Nothing it covers is on sale any more: no price changes, the "
        "sale just ends."
    )
    await admin.press("✅ End sale", message=ending)
    await admin.wait_for("The sale of Mugs has ended: nothing it covers was on sale any more.")
    assert await stored(shop) == {}
    assert (await prices(shop))["MUG-GFT"] == (800, 1000)
    await admin.send("/sale")
    await admin.wait_for(USAGE)
    assert "Sales running" not in (admin.last_message.text or "")  # type: ignore[union-attr]
