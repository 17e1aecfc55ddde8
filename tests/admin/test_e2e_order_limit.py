"""A per-order limit from the admin's chat: /edit's "Limit per order" (a number, or - for
none; anything else refused and asked again), previewed, saved and audited; the catalog
file's `max_per_order` column (import, /export round trip, a bad value refused on its line,
a file without the column keeping the limit)."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

HEADER = "sku,title,description,category,price,currency,stock,photo"
MUG_ROW = "KIT-MUG-CER,Stoneware Mug 350ml,Mug,Kitchen,16.00,USD,24,photos/kit-mug-cer.png"


async def limits(shop: ShopHarness) -> dict[str, int | None]:
    async with shop.store.reading() as uow:
        return {p.sku: p.max_per_order for p in await uow.products.list_all()}


async def _audit(shop: ShopHarness, action: str) -> list[dict[str, Any] | None]:
    async with shop.store.reading() as uow:
        return [e.details for e in await uow.audit.list_recent() if e.action == action]


async def test_admin_limits_the_mug_to_two_per_order_with_edit_and_lifts_it(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    await admin.send("/edit KIT-MUG-CER")
    card = await admin.wait_for("Which field")
    assert "Limit per order: no limit\n" in (card.text or "")
    await admin.press("Limit per order")
    await admin.wait_for("Send the most one order may have of it")
    for typed in ("0", "-3", "two", "1001", "2.5"):
        await admin.send(typed)
        await admin.wait_for(
            f"'{typed}' is not a limit per order: send a whole number from 1 to 1000 (e.g. 2), "
            "or - for no limit."
        )
    assert (await limits(shop))["KIT-MUG-CER"] is None
    await admin.send("2")
    await admin.wait_for("Change the limit per order of KIT-MUG-CER to: 2 per order?")
    assert (await limits(shop))["KIT-MUG-CER"] is None  # not before Save
    await admin.press("✅ Save")
    await admin.wait_for("Saved: the limit per order of KIT-MUG-CER is now 2 per order.")
    assert (await limits(shop))["KIT-MUG-CER"] == 2
    assert await _audit(shop, "product.edit.max_per_order") == [{"from": None, "to": 2}]

    await shopper.send("/start product_KIT-MUG-CER")
    card = await shopper.wait_for("Stoneware Mug 350ml")
    assert "Limit: 2 per order" in (card.text or "")
    await admin.send("/admin")
    await admin.press("📦 Products", message=await admin.wait_for("Admin menu"))
    await admin.wait_for("Products (30)")
    await admin.press("Next ▶️")
    listing = await admin.wait_for("page 2/2")
    assert "KIT-MUG-CER · Stoneware Mug 350ml · $16.00 · stock 24 · 2 per order\n" in (
        listing.text or ""
    )

    await admin.send("/edit KIT-MUG-CER")
    await admin.wait_for("Limit per order: 2 per order\n")
    await admin.press("Limit per order")
    await admin.wait_for("or - for no limit")
    await admin.send("-")
    await admin.wait_for("Change the limit per order of KIT-MUG-CER to: no limit?")
    await admin.press("✅ Save")
    await admin.wait_for("Saved: the limit per order of KIT-MUG-CER is now no limit.")
    assert (await limits(shop))["KIT-MUG-CER"] is None
    assert (await _audit(shop, "product.edit.max_per_order"))[0] == {"from": 2, "to": None}


async def test_the_refusal_is_in_the_admins_language(shop: ShopHarness, admin: FakeUser) -> None:
    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.send("/edit KIT-MUG-CER")
    await admin.wait_for("Лимит на заказ: без лимита")
    await admin.press("Лимит на заказ")
    await admin.wait_for("или - без лимита")
    await admin.send("0")
    await admin.wait_for("'0' — не лимит на заказ: пришлите целое число от 1 до 1000")


async def test_a_file_limits_the_mug_and_its_export_imports_unchanged(
    shop: ShopHarness, admin: FakeUser
) -> None:
    data = f"{HEADER},max_per_order\n{MUG_ROW},2\n"
    await admin.send_document("limit.csv", data.encode(), "text/csv")
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    assert (await limits(shop))["KIT-MUG-CER"] == 2

    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    by_sku = {r["sku"]: r for r in rows}
    assert by_sku["KIT-MUG-CER"]["max_per_order"] == "2"
    assert by_sku["KIT-FRP-600"]["max_per_order"] == ""  # no limit: an empty cell
    await admin.send_document("catalog.csv", exported.document.data, "text/csv")
    await admin.wait_for("0 created, 0 updated, 30 unchanged")

    # A file from before the column keeps the limit; an empty cell lifts it.
    await admin.send_document("old.csv", f"{HEADER}\n{MUG_ROW}\n".encode(), "text/csv")
    await admin.wait_for("0 created, 0 updated, 1 unchanged")
    assert (await limits(shop))["KIT-MUG-CER"] == 2
    lift = f"{HEADER},max_per_order\n{MUG_ROW},\n"
    await admin.send_document("lift.csv", lift.encode(), "text/csv")
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    assert (await limits(shop))["KIT-MUG-CER"] is None


async def test_a_bad_limit_is_refused_on_its_line_and_nothing_is_imported(
    shop: ShopHarness, admin: FakeUser
) -> None:
    data = (
        f"{HEADER},max_per_order\n{MUG_ROW},0\n"
        "NEW-1,New,,Kitchen,5.00,USD,9,,1001\n"
        "NEW-2,Newer,,Kitchen,5.00,USD,9,,3\n"
    )
    await admin.send_document("limit.csv", data.encode(), "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    rule = "must be a whole number from 1 to 1000 (empty: no limit)"
    assert f"line 2 (KIT-MUG-CER), max_per_order: {rule}, got 0" in text
    assert f"line 3 (NEW-1), max_per_order: {rule}, got 1001" in text
    assert "NEW-2" not in text
    found = await limits(shop)
    assert found["KIT-MUG-CER"] is None and "NEW-2" not in found

    item = '{"sku": "NEW-3", "title": "New", "category": "Kitchen", "price": "5.00", '
    item += '"currency": "USD", "stock": 9, "photo": "", "max_per_order": 2}'
    await admin.send_document("limit.json", f"[{item}]".encode(), "application/json")
    await admin.wait_for("1 created, 0 updated, 0 unchanged")
    assert (await limits(shop))["NEW-3"] == 2


async def test_a_tee_is_limited_on_its_own_row_never_on_a_sizes(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """The limit counts every size together, so it goes on the product's row; one on a
    variant's row is refused, naming the variant, rather than dropped unseen."""
    header = f"{HEADER},options,variant_of,values,max_per_order\n"
    tee = "TEE-X,Tee,,Merch,24.00,USD,,,Size: S|M,,,2\n"
    sizes = "TEE-X-S,,,,,,3,,,TEE-X,Size: S,{limit}\nTEE-X-M,,,,,,3,,,TEE-X,Size: M,\n"
    await admin.send_document(
        "tee.csv", (header + tee + sizes.format(limit=5)).encode(), "text/csv"
    )
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert (
        "line 2 (TEE-X), variants: TEE-X-S: max_per_order: a limit per order counts all the "
        "variants together: set it on the product"
    ) in text
    assert "TEE-X" not in await limits(shop)

    await admin.send_document(
        "tee.csv", (header + tee + sizes.format(limit="")).encode(), "text/csv"
    )
    await admin.wait_for("1 created, 0 updated")
    assert (await limits(shop))["TEE-X"] == 2
