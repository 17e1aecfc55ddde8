"""Reports longer than a Telegram message (4,096 characters) are cut to fit, saying how many
more there are, rather than cut mid-word or refused by Telegram."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

HEADER = "sku,title,description,category,price,currency,stock,photo\n"
LIMIT = 4096


def _file(stock: int) -> bytes:
    rows = "".join(
        f"LONG-REPORT-PRODUCT-{n:04d},Thing {n},,Bulk,5.00,USD,{stock},\n" for n in range(600)
    )
    return (HEADER + rows).encode()


async def test_the_report_of_a_big_import_lists_what_fits_and_counts_the_rest(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document("many.csv", _file(stock=50), "text/csv")
    report = await admin.wait_for("600 created, 0 updated, 0 unchanged")
    text = report.text or ""
    assert len(text) <= LIMIT
    assert "Created: LONG-REPORT-PRODUCT-0000, LONG-REPORT-PRODUCT-0001," in text
    last = text.rsplit(", ", 1)[-1]
    assert last.startswith("… and ") and last.endswith(" more"), last
    shown = text.count("LONG-REPORT-PRODUCT-")
    assert last == f"… and {600 - shown} more"


async def test_a_low_stock_alert_for_hundreds_of_products_fits_one_message(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document("many.csv", _file(stock=50), "text/csv")
    await admin.wait_for("600 created")
    await admin.send_document("low.csv", _file(stock=1), "text/csv")
    await admin.wait_for("0 created, 600 updated")
    alert = await admin.wait_for("Low stock")
    text = alert.text or ""
    assert len(text) <= LIMIT
    lines = text.splitlines()
    assert lines[1] == "• LONG-REPORT-PRODUCT-0000 · Thing 0: 1 left"
    shown = sum(line.startswith("• ") for line in lines)
    assert lines[-1] == f"… and {600 - shown} more"
