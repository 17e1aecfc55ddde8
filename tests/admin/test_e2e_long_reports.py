"""Reports longer than a Telegram message (4,096 characters) are cut to fit, saying how many
more there are, rather than cut mid-word or refused by Telegram."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.services.sellable import lowest_stock
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Customer, Order, OrderLine, ProductRating, utcnow

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


async def test_stats_of_twenty_long_russian_titles_running_out_fits_one_message(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Twenty products nearly sold out, each titled in 128 characters of Russian (the longest
    of the shop's languages): /stats shortens the titles and stays one message an admin reads
    in Russian, each line with its count left, and counts what it could not list. With SKUs
    of 64 characters too, fewer lines fit, and the rest are counted, not cut off."""
    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.wait_for("говорю")
    title = ("Кружка керамическая ручной работы с глазурью " * 3)[:128]

    async def import_low_stock(sku: str) -> None:
        rows = "".join(
            f"{sku}{n:02d},Mug {n},,Kitchen,5.00,USD,{1 + n % 3},,{title}\n" for n in range(20)
        )
        await admin.send_document("low.csv", (HEADER.strip() + ",title_ru\n" + rows).encode())
        await admin.wait_for("создано 20")

    async def report() -> str:
        await admin.send("/stats")
        text = (await admin.wait_for("Отчёт магазина")).text or ""
        assert len(text) <= LIMIT
        low = text.split("Заканчиваются (доступно ≤ 3):\n", 1)[1].splitlines()
        listed = [line for line in low if line.startswith("• ")]
        counted = re.fullmatch(r"… и ещё (\d+) \(все остатки — в /export\)", low[-1])
        more = int(counted[1]) if counted else 0
        async with shop.store.uow() as uow:
            _, total = await lowest_stock(uow.products, 3, 1)
        assert len(listed) + more == total  # every one listed or counted
        for line in listed:
            assert re.search(r": осталось \d+( \(\d+ в резерве\))?$", line), line
        return text

    await import_low_stock("LOW-")
    text = await report()
    assert "• LOW-00 · Кружка керамическая ручной работы с глазурью Кр…: осталось 1" in text
    assert title not in text

    long_sku = "LONG-SKU-OF-SIXTY-FOUR-CHARACTERS-" + "X" * 28
    await import_low_stock(long_sku)
    async with shop.store.uow() as uow:  # rated and sold too: eleven more lines of them
        customer_id = await uow.session.scalar(select(Customer.id).limit(1))
        sold = Order(customer_id=customer_id, currency="USD", status="paid", paid_at=utcnow())
        for product in await uow.products.list_all():
            if product.sku.startswith(long_sku):
                product.rating_count, product.rating_total = 3, 3 + int(product.sku[-2:]) % 12
                product.reserved = 1  # "(1 held)"
                sold.lines.append(
                    OrderLine(
                        product_id=product.id,
                        sku=product.sku,
                        title=title,
                        unit_price=500,
                        currency="USD",
                        quantity=1,
                    )
                )
                rated = product.id
        uow.session.add(ProductRating(customer_id=customer_id, product_id=rated, stars=5))
        uow.session.add(sold)
    text = await report()
    assert "Худшие оценки:" in text and "Топ товаров (30 дней):" in text
    assert text.count(long_sku) < 5 + 6 + 20  # fewer low-stock lines fit
