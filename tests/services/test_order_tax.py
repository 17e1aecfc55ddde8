"""VAT included in prices, on SQLite and PostgreSQL: a product's own rate from catalog files
(kept when a file leaves the column out, refused on a variant or when not a percent), and the
tax place_order stores once on every line and the order, with a gift card bought untaxed."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.services import cart, checkout
from bot.services.checkout import review_cart
from bot.store.catalog_file import CatalogError, parse_csv, parse_json, rows_to_csv, upsert_rows
from bot.store.uow import Store
from bot.tax import RateTax
from tests.services.conftest import Shopfront

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
TAXED = Settings(bot_token="1:test", payment_provider_token="TEST", tax_rate_bp=2000)
MUG, BOOK, GIFT = "KIT-MUG-CER", "STA-NTB-A5D", "DIG-GFT-025"  # $16.00, $18.00, $25.00
ROW: dict[str, Any] = {
    "sku": "BOOK",
    "title": "A Book",
    "description": "",
    "category": "Books",
    "price": "10.00",
    "currency": "USD",
    "stock": 4,
    "photo": "",
}


async def _rates(store: Store) -> dict[str, int | None]:
    async with store.reading() as uow:
        return {p.sku: p.tax_rate_bp for p in await uow.products.list_all()}


async def _import(store: Store, rows: Any) -> None:
    async with store.uow() as uow:
        await upsert_rows(uow, rows)


async def test_a_products_own_rate_comes_from_its_file_and_goes_back_out(store: Store) -> None:
    await _import(store, parse_json(json.dumps([{**ROW, "tax_rate": "5"}, {**ROW, "sku": "PEN"}])))
    assert await _rates(store) == {"BOOK": 500, "PEN": None}  # empty: the shop's TAX_RATE
    header = "sku,title,description,category,price,currency,stock,photo\n"
    await _import(store, parse_csv(header + "BOOK,A Book,,Books,10.00,USD,4,\n"))
    assert await _rates(store) == {"BOOK": 500, "PEN": None}  # a file without the column
    async with store.reading() as uow:
        products = await uow.products.list_all()
        taxed, plain = rows_to_csv(products, taxed=True), rows_to_csv(products)
    assert taxed.decode().splitlines()[0].endswith(",max_per_order,tiers,tax_rate")
    assert ",5\r\n" in taxed.decode() and "tax_rate" not in plain.decode()
    await _import(store, parse_csv(taxed.replace(b",5\r\n", b",7.7\r\n")))
    assert await _rates(store) == {"BOOK": 770, "PEN": None}

    tee = {
        **{k: v for k, v in ROW.items() if k != "stock"},
        "sku": "TEE",
        "options": {"Size": ["M"]},
        "variants": [{"sku": "TEE-M", "values": {"Size": "M"}, "stock": 1, "tax_rate": "5"}],
    }
    with pytest.raises(CatalogError) as refused:
        parse_json(
            json.dumps([{**ROW, "tax_rate": "120"}, {**ROW, "sku": "X", "tax_rate": "5%%"}, tee])
        )
    said = str(refused.value)
    assert "3 problem(s)" in said
    assert "line 1 (BOOK), tax_rate: '120' is not a percent from 0 to 100" in said
    assert "'5%%' is not a percent" in said
    assert "TEE-M: tax_rate: the variants are taxed at their product's rate" in said


async def test_the_order_keeps_the_tax_of_each_line_once_and_a_gift_card_none(
    shopfront: Shopfront,
) -> None:
    await shopfront.update_product(BOOK, tax_rate_bp=500)
    async with shopfront.store.uow() as uow:
        for sku in (MUG, BOOK, GIFT):
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            await cart.add_to_cart(uow, shopfront.customer_id, product.id, 1)
    async with shopfront.store.uow() as uow:
        review = await review_cart(uow, shopfront.customer_id, "USD", tax_rate_bp=2000)
        assert review.taxes == (RateTax(2000, 267), RateTax(500, 86))  # what the summary says
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, TAXED, NOW)
    assert placed.order.taxes == review.taxes and placed.order.tax_label == "VAT"
    await shopfront.update_product(BOOK, tax_rate_bp=None)  # later changes leave it as it was
    async with shopfront.store.reading() as uow:
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None
        assert [(ln.sku, ln.tax_rate_bp, ln.tax) for ln in order.lines] == [
            (MUG, 2000, 267),
            (BOOK, 500, 86),
            (GIFT, None, 0),  # a voucher: taxed when it is spent
        ]
        assert (order.tax_label, order.tax_rate_bp, order.tax_total) == ("VAT", 2000, 353)
        assert order.total == 1600 + 1800 + 2500  # prices and totals do not change


async def test_a_shop_without_tax_rate_keeps_no_tax(shopfront: Shopfront) -> None:
    async with shopfront.store.uow() as uow:
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None
        await cart.add_to_cart(uow, shopfront.customer_id, mug.id, 2)
        untaxed = replace(TAXED, tax_rate_bp=None)
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, untaxed, NOW)
    assert (placed.order.tax_label, placed.order.taxes, placed.order.tax_total) == (None, (), 0)
