"""data/catalog-stars.json: a shop in Telegram Stars can sell every product it lists."""

from __future__ import annotations

import struct

from bot.store.catalog_file import load_file
from tests.conftest import PROJECT_ROOT

STARS_CATALOG = PROJECT_ROOT / "data" / "catalog-stars.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_stars_catalog_loads_and_sells_only_digital_goods_in_stars() -> None:
    rows = load_file(STARS_CATALOG)
    assert len(rows) >= 8
    assert len({r.category for r in rows}) >= 2
    # Stars invoices carry one price and ask for no shipping: only digital goods, only XTR.
    assert {r.currency for r in rows} == {"XTR"}
    assert all(r.digital and r.active for r in rows)
    assert all(r.price > 0 and r.stock > 0 and r.title and r.description for r in rows)


def test_every_stars_product_has_a_small_png_photo() -> None:
    for row in load_file(STARS_CATALOG):
        path = STARS_CATALOG.parent / row.photo
        assert path.is_file(), row.sku
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), row.sku
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (160, 160), row.sku
        assert len(data) < 16_000, row.sku
