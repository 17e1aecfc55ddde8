"""/promo through the stand-in: an admin lists, creates in one line and ends codes (audited);
a wrong line gets every problem named and creates nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.promos import parse_new
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import utcnow
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.conftest import seeded_shop_in


async def test_an_admin_creates_lists_and_ends_a_code(shop: ShopHarness, admin: FakeUser) -> None:
    await admin.send("/promo")
    await admin.wait_for("No promo codes yet")

    await admin.send("/promo new spring 10% min=20.00 until=2099-12-31 uses=100 per=1 cat=Kitchen")
    created = await admin.wait_for("Created SPRING")
    assert "10% off Kitchen" in (created.text or "")
    assert "used 0/100, 1 per customer, min $20.00" in (created.text or "")
    assert "/start promo_SPRING" in (created.text or "")

    await admin.send("/promo new SPRING 5.00")
    await admin.wait_for("The code SPRING exists already")

    await admin.send("/promo")
    listing = await admin.wait_for("Promo codes")
    assert "• SPRING: 10% off Kitchen · " in (listing.text or "")
    await admin.press("End SPRING")
    await admin.wait_for(lambda m: "SPRING: 10% off Kitchen · ended" in (m.text or ""))

    await admin.send("/promo off spring")
    await admin.wait_for("The code SPRING has already ended.")
    async with shop.store.uow() as uow:
        audit = [(e.action, e.target, e.actor_telegram_id) for e in await uow.audit.list_recent()]
    assert audit == [("promo.end", "SPRING", ADMIN_ID), ("promo.create", "SPRING", ADMIN_ID)]


async def test_a_wrong_line_names_every_problem_and_creates_nothing(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/promo new x 120% uses=0 from=tomorrow")
    refused = await admin.wait_for("Nothing was created")
    for problem in ("“x” is not a code", "1% to 100%", "uses=", "from="):
        assert problem in (refused.text or "")
    await admin.send("/promo new")
    await admin.wait_for("Send /promo new CODE 10%")
    async with shop.store.uow() as uow:
        assert await uow.promos.list_all() == []
        assert await uow.audit.list_recent() == []


async def test_a_code_that_could_never_apply_is_refused(shop: ShopHarness, admin: FakeUser) -> None:
    """An end day already gone, or a scope naming what the shop does not have (a typo), would
    make a code no shopper can use: the admin is told, and nothing is created."""
    await admin.send("/promo new OLD 10% until=2020-01-01")
    refused = await admin.wait_for("Nothing was created")
    assert "until= is in the past" in (refused.text or "")

    await admin.send("/promo new TYPO 10% cat=Kitchen,Kitchn sku=kit-mug-cer,MUG-NOPE")
    refused = await admin.wait_for("Nothing was created")
    assert "cat=: no category Kitchn." in (refused.text or "")
    assert "sku=: no product MUG-NOPE." in (refused.text or "")  # the mug's SKU, any case, is

    await admin.send("/promo new WIDE 10% cat=kitchen sku=kit-mug-cer,APP-TEE-ORG-M-OAT")
    await admin.wait_for("Created WIDE")  # a category by any case, a variant's SKU
    async with shop.store.uow() as uow:
        assert [p.code for p in await uow.promos.list_all()] == ["WIDE"]


async def test_a_code_for_the_shops_today_works_today_on_the_shops_clock(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> None:
    """The shop is twelve hours from UTC, so its date is not UTC's: Ada makes a code for the
    shop's today (from= and until= that day), and Sam can use it now. Read as UTC days, the
    code would be over already (west) or not begun yet (east). Its end is the shop's next
    midnight, as the list shows on the shop's clock."""
    zone = "Etc/GMT+12" if utcnow().hour < 12 else "Etc/GMT-12"  # the Etc signs are reversed
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(
        tmp_path,
        standin=standin,
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
        shop_timezone=zone,
    ) as shop:
        admin, shopper = shop.user(ADMIN_ID, "Ada"), shop.user(SHOPPER_ID, "Sam")
        today = datetime.now(ZoneInfo(zone)).date()
        await admin.send(f"/promo new TODAY 10% from={today} until={today}")
        created = await admin.wait_for(
            lambda m: "Created TODAY" in (m.text or "") or "Nothing" in (m.text or "")
        )
        end = today + timedelta(days=1)  # its midnight, written the English way
        ends = f"ends {end:%b} {end.day}, {end.year}, 12:00\u202fAM {ZoneInfo(zone).tzname(None)}"
        assert ends in (created.text or ""), created.text

        await shopper.send("/start promo_TODAY")
        await shopper.wait_for("Code TODAY is saved")


def test_until_in_madrid_ends_at_madrid_midnight() -> None:
    """until=2026-12-31 in Europe/Madrid (UTC+1 in winter) ends at 23:00 UTC, not at UTC's
    midnight an hour later; from= begins at Madrid's midnight."""
    draft = parse_new(
        ["NYE", "10%", "from=2026-12-01", "until=2026-12-31"], "EUR", ZoneInfo("Europe/Madrid")
    )
    assert draft.starts_at == datetime(2026, 11, 30, 23, tzinfo=UTC)
    assert draft.ends_at == datetime(2026, 12, 31, 23, tzinfo=UTC)
