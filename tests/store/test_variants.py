"""Products with variants: catalog files (JSON and CSV) and per-variant stock on a real
database. A variant has its own SKU, stock and holds; its product is sold only through it."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.config import Settings
from bot.i18n import translator
from bot.services import cart as carts
from bot.services import catalog, checkout
from bot.services.errors import OutOfStock, VariantUnavailable
from bot.store.catalog_file import (
    CatalogError,
    parse_csv,
    parse_json,
    rows_to_csv,
    rows_to_json,
    upsert_rows,
)
from bot.store.uow import Store
from tests.store.test_bulk_catalog import _alembic

TEE: dict[str, Any] = {
    "sku": "TEE",
    "title": "Organic Tee",
    "description": "Soft cotton",
    "category": "Clothing",
    "price": "25.00",
    "currency": "USD",
    "photo": "photos/tee.png",
    "options": {"Size": ["S", "M", "L"], "Colour": ["Oat", "Charcoal"]},
    "variants": [
        {"sku": "TEE-S-OAT", "values": {"Size": "S", "Colour": "Oat"}, "stock": 0},
        {"sku": "TEE-M-OAT", "values": {"Size": "M", "Colour": "Oat"}, "stock": 5},
        {
            "sku": "TEE-L-CHA",
            "values": {"Size": "L", "Colour": "Charcoal"},
            "stock": 2,
            "price": "27.00",
            "photo": "photos/tee-charcoal.png",
        },
    ],
}
MUG: dict[str, Any] = {
    "sku": "MUG",
    "title": "Mug",
    "description": "A mug",
    "category": "Kitchen",
    "price": "12.50",
    "currency": "USD",
    "stock": 3,
    "photo": "",
}


def _tee(**changes: Any) -> dict[str, Any]:
    tee = copy.deepcopy(TEE)
    tee.update(changes)
    return tee


async def _import(store: Store, items: list[dict[str, Any]]) -> Any:
    async with store.uow() as uow:
        return await upsert_rows(uow, parse_json(json.dumps(items)))


def test_a_product_declares_options_and_lists_its_variants() -> None:
    tee, mug = parse_json(json.dumps([TEE, MUG]))
    assert tee.options == (("Size", ("S", "M", "L")), ("Colour", ("Oat", "Charcoal")))
    assert [(v.sku, v.values, v.stock, v.price) for v in tee.variants] == [
        ("TEE-S-OAT", (("Size", "S"), ("Colour", "Oat")), 0, None),
        ("TEE-M-OAT", (("Size", "M"), ("Colour", "Oat")), 5, None),
        ("TEE-L-CHA", (("Size", "L"), ("Colour", "Charcoal")), 2, 2700),
    ]
    assert tee.variants[2].photo == "photos/tee-charcoal.png"
    assert mug.options == () and mug.variants == ()


def test_every_problem_with_variants_is_named_at_once() -> None:
    variants = copy.deepcopy(TEE["variants"])
    variants[0]["values"] = {"Size": "XXL", "Colour": "Oat"}  # unknown value
    variants[1]["values"] = {"Size": "L", "Colour": "Charcoal"}  # repeats TEE-L-CHA
    variants.append({"sku": "TEE-X", "values": {"Size": "M", "Fit": "Slim"}, "stock": 1})
    variants.append({"sku": "MUG", "values": {"Size": "S", "Colour": "Charcoal"}, "stock": 1})
    variants.append({"sku": "TEE-Y", "values": {"Size": "S", "Colour": "Oat"}, "stock": -2})
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([MUG, _tee(variants=variants)]))
    text = str(caught.value)
    assert "TEE-S-OAT: Size 'XXL' is not one of S, M, L" in text
    assert "Size: L; Colour: Charcoal repeats variant" in text
    assert "TEE-X: no option Fit" in text and "TEE-X: no value for Colour" in text
    assert "duplicate SKU MUG, first seen on line 1" in text
    assert "TEE-Y: stock: must be a whole number" in text
    assert all(e.line == 2 and e.sku == "TEE" for e in caught.value.errors)
    russian = "\n".join(e.said(translator("ru")) for e in caught.value.errors)  # an admin's
    assert "TEE-X: нет значения для Colour" in russian and "TEE-Y: stock: должно быть" in russian
    assert "повторяется SKU MUG, впервые в строке 1" in russian


def test_a_variant_sku_used_twice_across_products_is_refused() -> None:
    other = _tee(sku="TEE2", variants=[dict(TEE["variants"][1])])
    with pytest.raises(CatalogError, match="duplicate SKU TEE-M-OAT, first seen on line 1"):
        parse_json(json.dumps([TEE, other]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": {"Size": "S, M"}}, "give a list of 1 to 20 values"),
        ({"options": {"Size": ["S", "S"]}}, "a value is listed twice"),
        ({"options": {"Si;ze": ["S"]}}, "none of ; : |"),
        ({"variants": []}, "needs a list of variants"),
        ({"stock": 4}, "keeps its stock on each variant"),
    ],
)
def test_bad_options_are_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_json(json.dumps([_tee(**change)]))


CSV = (
    "sku,title,description,category,price,currency,stock,photo,active,digital,download,"
    "options,variant_of,values\n"
    "MUG,Mug,A mug,Kitchen,12.50,USD,3,,,,,,,\n"
    "TEE,Organic Tee,Soft cotton,Clothing,25.00,USD,,photos/tee.png,,,,"
    "Size: S|M|L; Colour: Oat|Charcoal,,\n"
    "TEE-M-OAT,,,,,,5,,,,,,TEE,Size: M; Colour: Oat\n"
    "TEE-L-CHA,,,,27.00,,2,photos/tee-charcoal.png,,,,,TEE,Size: L; Colour: Charcoal\n"
)


def test_csv_has_one_row_per_variant_after_its_product() -> None:
    mug, tee = parse_csv(CSV)
    assert mug.variants == ()
    assert tee.options == (("Size", ("S", "M", "L")), ("Colour", ("Oat", "Charcoal")))
    assert [(v.sku, v.stock, v.price, v.photo) for v in tee.variants] == [
        ("TEE-M-OAT", 5, None, None),
        ("TEE-L-CHA", 2, 2700, "photos/tee-charcoal.png"),
    ]


def test_csv_variant_rows_are_checked_like_json() -> None:
    bad = CSV.replace("TEE,Size: M; Colour: Oat", "TEE,Size: XL; Colour: Oat")
    bad += "LOST-1,,,,,,1,,,,,,NOPE,Size: M\n"
    with pytest.raises(CatalogError) as caught:
        parse_csv(bad)
    text = str(caught.value)
    assert "TEE-M-OAT: Size 'XL' is not one of S, M, L" in text
    assert "line 6 (LOST-1), variant_of: no product NOPE with options" in text


async def _imports_unchanged(store: Store, as_csv: bytes, as_json: bytes) -> None:
    """An export (CSV and JSON) imports changing nothing, and exports the same again."""
    for exported in (parse_csv(as_csv), parse_json(as_json)):
        async with store.uow() as uow:
            again = await upsert_rows(uow, exported)
        assert again.updated == [] and sorted(again.unchanged) == ["MUG", "TEE"]
    async with store.uow() as uow:
        assert rows_to_csv(await uow.products.list_all()) == as_csv


async def test_import_stores_variants_and_export_round_trips(store: Store) -> None:
    report = await _import(store, [MUG, TEE])
    assert sorted(report.created) == ["MUG", "TEE"]
    async with store.uow() as uow:
        tee = await uow.products.get_by_sku("TEE")
        assert tee is not None and tee.has_variants and tee.stock == 0
        variants = await uow.products.variants_of(tee.id)
        assert [(v.sku, v.label, v.stock, v.price) for v in variants] == [
            ("TEE-S-OAT", "S / Oat", 0, None),
            ("TEE-M-OAT", "M / Oat", 5, None),
            ("TEE-L-CHA", "L / Charcoal", 2, 2700),
        ]
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    from_csv = parse_csv(as_csv)
    # A CSV always has the translation columns, here all empty ("": none), where the JSON
    # says nothing.
    for r in from_csv:
        assert r.translations is not None and r.category_translations is not None
        assert not any(text for fields in r.translations.values() for text in fields.values())
        assert not any(r.category_translations.values())
    untranslated = [replace(r, translations=None, category_translations=None) for r in from_csv]
    assert untranslated == parse_json(json.dumps([MUG, TEE]))
    assert parse_json(as_json) == parse_json(json.dumps([MUG, TEE]))
    await _imports_unchanged(store, as_csv, as_json)


RUSSIAN_OPTIONS = {"Размер": ["S", "M", "L"], "Цвет": ["Овсяный", "Графитовый"]}


async def _tee_in(store: Store, language: str) -> tuple[str, list[str]]:
    """The tee's card as a reader of `language` sees it: the chosen variant and its buttons."""
    tr = translator(language)
    async with store.uow() as uow:
        tee = await uow.products.get_by_sku("TEE")
        assert tee is not None
        card = await catalog.product_card(uow, tee.id)
    assert card is not None
    buttons = [
        tr.option(c.value, card.translations, row.name) for row in card.options for c in row.choices
    ]
    return tr.label(card.variant_label, card.translations), buttons


async def test_translated_options_import_export_and_round_trip(store: Store) -> None:
    """`options_ru` names the tee's options in Russian, in their order: kept by the English
    names and values, shown to a Russian reader, written back by an export (CSV and JSON)
    that imports unchanged."""
    await _import(store, [MUG, _tee(options_ru=RUSSIAN_OPTIONS, title_ru="Футболка")])
    assert await _tee_in(store, "ru") == (
        "M / Овсяный",
        ["S", "M", "L", "Овсяный", "Графитовый"],
    )
    assert await _tee_in(store, "es") == ("M / Oat", ["S", "M", "L", "Oat", "Charcoal"])
    async with store.uow() as uow:
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    assert "Размер: S|M|L; Цвет: Овсяный|Графитовый" in as_csv.decode()
    tee = next(item for item in json.loads(as_json) if item["sku"] == "TEE")
    assert tee["options_ru"] == RUSSIAN_OPTIONS and "options_es" not in tee
    await _imports_unchanged(store, as_csv, as_json)


async def test_a_file_without_options_ru_keeps_them_and_an_empty_one_removes_them(
    store: Store,
) -> None:
    await _import(store, [_tee(options_ru=RUSSIAN_OPTIONS, title_ru="Футболка")])
    more_sizes = {"Size": ["S", "M", "L", "XL"], "Colour": ["Oat", "Charcoal"]}
    extra = {"sku": "TEE-XL-OAT", "values": {"Size": "XL", "Colour": "Oat"}, "stock": 1}
    variants = [*TEE["variants"], extra]
    await _import(store, [_tee(options=more_sizes, variants=variants)])  # no options_ru: kept
    assert await _tee_in(store, "ru") == (
        "M / Овсяный",
        ["S", "M", "L", "XL", "Овсяный", "Графитовый"],
    )
    await _import(store, [_tee(options_ru="")])
    assert await _tee_in(store, "ru") == ("M / Oat", ["S", "M", "L", "Oat", "Charcoal"])
    async with store.uow() as uow:
        tee = await uow.products.get_by_sku("TEE")
        assert tee is not None and tee.translations == {"ru": {"title": "Футболка"}}


async def test_a_colour_named_as_another_colours_spanish_still_round_trips(
    store: Store,
) -> None:
    """Charcoal reads "Carbón" in Spanish; a later file (no `options_es`) adds a colour the
    shop calls "Carbón" itself, which Spanish leaves as it is. The export's `options_es`
    says "Carbón" twice, once translated and once as the English, and imports unchanged."""
    spanish = {"Talla": ["S", "M", "L"], "Color": ["Avena", "Carbón"]}
    await _import(store, [MUG, _tee(options_es=spanish)])
    colours = {"Size": ["S", "M", "L"], "Colour": ["Oat", "Charcoal", "Carbón"]}
    carbon = {"sku": "TEE-M-CAR", "values": {"Size": "M", "Colour": "Carbón"}, "stock": 1}
    await _import(store, [MUG, _tee(options=colours, variants=[*TEE["variants"], carbon])])
    assert (await _tee_in(store, "es"))[1] == ["S", "M", "L", "Avena", "Carbón", "Carbón"]
    async with store.uow() as uow:
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    assert "Talla: S|M|L; Color: Avena|Carbón|Carbón" in as_csv.decode()
    await _imports_unchanged(store, as_csv, as_json)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"options_ru": {"Размер": ["S", "M", "L"]}},
            "options_ru: name the same options in the same order, each with as many values: "
            "Size: S|M|L; Colour: Oat|Charcoal",
        ),
        (
            {"options_es": {"Talla": ["S", "M"], "Color": ["Avena", "Carbón"]}},
            "options_es: name the same options",
        ),
        (
            {"options_ru": {"Размер": ["S", "M", "L"], "Цвет": ["Овсяный", "Овсяный"]}},
            "options_ru: Цвет: a value is listed twice",
        ),
        (
            {"options_ru": {"Размер": ["S", "M", "L"], "Цвет": ["Овсяный", "Графит|овый"]}},
            "options_ru: Цвет: 'Графит|овый': 1-32 characters",
        ),
    ],
)
def test_bad_translated_options_are_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)):
        parse_json(json.dumps([_tee(**change)]))


def test_options_ru_on_a_product_without_options_is_refused() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([MUG | {"options_ru": {"Цвет": ["Белый"]}}]))
    assert "line 1 (MUG), options_ru: the row declares no options to translate" in str(caught.value)


async def test_reimport_updates_adds_and_removes_variants(store: Store) -> None:
    await _import(store, [TEE])
    variants = copy.deepcopy(TEE["variants"][1:])
    variants[0]["stock"] = 9
    variants.append({"sku": "TEE-S-CHA", "values": {"Size": "S", "Colour": "Charcoal"}, "stock": 1})
    report = await _import(store, [_tee(variants=variants)])
    assert report.updated == ["TEE"]
    async with store.uow() as uow:
        tee = await uow.products.get_by_sku("TEE")
        assert tee is not None
        found = await uow.products.variants_of(tee.id)
        assert [(v.sku, v.stock) for v in found] == [
            ("TEE-M-OAT", 9),
            ("TEE-L-CHA", 2),
            ("TEE-S-CHA", 1),
        ]


async def test_skus_stay_unique_across_products_and_variants_in_the_shop(store: Store) -> None:
    """Each clash is named on its line of the file, as every other problem is."""
    await _import(store, [MUG, TEE])
    clash = dict(MUG, sku="TEE-M-OAT")
    with pytest.raises(CatalogError, match=r"line 2 \(TEE-M-OAT\), sku: SKU already used by a"):
        await _import(store, [MUG, clash])
    steal = _tee(sku="TEE2", variants=[dict(TEE["variants"][1])])
    taken = r"line 2 \(TEE2\), variants: TEE-M-OAT: SKU already used by a variant of another"
    with pytest.raises(CatalogError, match=taken):
        await _import(store, [MUG, steal])
    mug_variant = _tee(sku="TEE3", variants=[dict(TEE["variants"][1], sku="MUG")])
    with pytest.raises(CatalogError, match=r"line 1 \(TEE3\), variants: MUG: SKU already used"):
        await _import(store, [mug_variant])


async def _shop_with_tee(store: Store, customers: int = 1) -> tuple[int, dict[str, int], list[int]]:
    await _import(store, [TEE])
    async with store.uow() as uow:
        tee = await uow.products.get_by_sku("TEE")
        assert tee is not None
        variants = {v.sku: v.id for v in await uow.products.variants_of(tee.id)}
        ids = []
        for n in range(customers):
            customer = await uow.customers.get_or_create(5000 + n, first_name=f"Shopper {n}")
            ids.append(customer.id)
    return tee.id, variants, ids


async def test_a_variant_is_added_and_checked_against_its_own_stock(store: Store) -> None:
    tee, variants, (customer,) = await _shop_with_tee(store)
    async with store.uow() as uow:
        change = await carts.add_to_cart(uow, customer, tee, 2, variant_id=variants["TEE-M-OAT"])
        assert (change.title, change.unit_price) == ("Organic Tee - M / Oat", 2500)
        big = await carts.add_to_cart(uow, customer, tee, 1, variant_id=variants["TEE-L-CHA"])
        assert (big.title, big.unit_price) == ("Organic Tee - L / Charcoal", 2700)
    async with store.uow() as uow:
        with pytest.raises(OutOfStock) as caught:
            await carts.add_to_cart(uow, customer, tee, 1, variant_id=variants["TEE-S-OAT"])
        assert caught.value.shortages[0].title == "Organic Tee - S / Oat"
        with pytest.raises(VariantUnavailable):
            await carts.add_to_cart(uow, customer, tee, 1)  # no variant chosen
        with pytest.raises(VariantUnavailable):
            await carts.add_to_cart(uow, customer, tee, 1, variant_id=99999)  # forged
    async with store.uow() as uow:
        cart = await carts.view_cart(uow, customer, "USD")
    assert [(ln.title, ln.quantity, ln.sku) for ln in cart.lines] == [
        ("Organic Tee - M / Oat", 2, "TEE-M-OAT"),
        ("Organic Tee - L / Charcoal", 1, "TEE-L-CHA"),
    ]
    assert cart.total == 2 * 2500 + 2700


async def test_shoppers_racing_for_a_variant_never_oversell_it(store: Store) -> None:
    """Twelve shoppers each reserve one "M / Oat" (five in stock) at once: five succeed, on
    SQLite (writers queue) and on PostgreSQL (they race in the conditional UPDATE)."""
    tee, variants, _ = await _shop_with_tee(store)
    medium, large = variants["TEE-M-OAT"], variants["TEE-L-CHA"]

    async def one_shopper() -> bool:
        async with store.uow() as uow:
            return await uow.products.reserve(tee, 1, medium)

    results = await asyncio.gather(*(one_shopper() for _ in range(12)))
    assert results.count(True) == 5
    async with store.uow() as uow:
        found = {v.id: v for v in await uow.products.variants_of(tee)}
        assert (found[medium].stock, found[medium].reserved) == (5, 5)
        assert (found[large].stock, found[large].reserved) == (2, 0)  # untouched
        assert not await uow.products.sell_unreserved(tee, 1, medium)
        assert await uow.products.sell_reserved(tee, 5, medium)
        assert not await uow.products.release(tee, 1, medium)


@pytest.mark.postgres
async def test_variant_reservations_race_on_postgres(pg_url: str) -> None:
    """Everyone reads "5 available" first, then all reserve at the same moment."""
    store = Store.from_url(pg_url)
    await store.migrate()
    try:
        tee, variants, _ = await _shop_with_tee(store)
        medium = variants["TEE-M-OAT"]
        everyone_has_read = asyncio.Barrier(12)

        async def one_shopper() -> bool:
            async with store.uow() as uow:
                variant = await uow.products.get_variant(medium)
                assert variant is not None and variant.available == 5
                await everyone_has_read.wait()
                return await uow.products.reserve(tee, 1, medium)

        results = await asyncio.gather(*(one_shopper() for _ in range(12)))
        assert results.count(True) == 5
        async with store.uow() as uow:
            variant = await uow.products.get_variant(medium)
            assert variant is not None and (variant.stock, variant.reserved) == (5, 5)
    finally:
        await store.close()


async def test_a_hidden_product_holds_none_of_its_variants(store: Store) -> None:
    tee, variants, _ = await _shop_with_tee(store)
    await _import(store, [_tee(active=False)])
    async with store.uow() as uow:
        assert not await uow.products.reserve(tee, 1, variants["TEE-M-OAT"])


async def test_search_finds_a_product_by_its_variants_values_and_follows_reimports(
    store: Store,
) -> None:
    await _import(store, [MUG, TEE])

    async def titles(query: str) -> list[str]:
        async with store.uow() as uow:
            return [item.title for item in (await catalog.search(uow, query)).items]

    assert await titles("tee charcoal") == ["Organic Tee"]
    assert await titles("oat") == ["Organic Tee"]
    only_oat = [v for v in TEE["variants"] if v["values"]["Colour"] == "Oat"]
    await _import(store, [_tee(variants=only_oat)])
    assert await titles("charcoal") == []  # no Charcoal variant left: the index follows
    assert await titles("tee oat") == ["Organic Tee"]
    async with store.uow() as uow:
        page = await catalog.search(uow, "tee")
    assert [(i.title, i.available) for i in page.items] == [("Organic Tee", 5)]  # summed


async def test_migration_0011_goes_down_and_up_again(store: Store) -> None:
    """One step down (variants and variant ids go) and back: plain products keep selling and
    searching, and a catalog with variants imports again."""
    await _import(store, [MUG, TEE])
    await _alembic(store, "downgrade", "0010_promo_tips_notes")  # below variants (and languages)
    async with store.engine.connect() as conn:
        await conn.execute(text("SELECT sku, stock FROM products"))  # still there
    await store.migrate()
    async with store.uow() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None and await uow.products.reserve(mug.id, 1)
        assert [item.title for item in (await catalog.search(uow, "mug")).items] == ["Mug"]
    await _import(store, [MUG, TEE])
    async with store.uow() as uow:
        assert [item.title for item in (await catalog.search(uow, "charcoal")).items] == [
            "Organic Tee"
        ]


async def test_an_order_holds_each_variant_and_a_released_hold_gives_each_back(
    store: Store,
) -> None:
    """Checkout holds the variants' own stock (the product's stays 0) and names them on the
    order's lines; cancelling the invoice gives each variant its units back, and a variant
    that sold out meanwhile is named when checking out again."""
    tee, variants, (customer,) = await _shop_with_tee(store)
    medium, large = variants["TEE-M-OAT"], variants["TEE-L-CHA"]
    settings = Settings(bot_token="1:test", payment_provider_token="TEST")
    async with store.uow() as uow:
        await carts.add_to_cart(uow, customer, tee, 2, variant_id=medium)
        await carts.add_to_cart(uow, customer, tee, 2, variant_id=large)
        placed = await checkout.place_order(uow, customer, 5000, settings, datetime.now(UTC))
    assert [(line.sku, line.title, line.quantity) for line in placed.order.lines] == [
        ("TEE-M-OAT", "Organic Tee - M / Oat", 2),
        ("TEE-L-CHA", "Organic Tee - L / Charcoal", 2),
    ]
    assert placed.order.items_total == 2 * 2500 + 2 * 2700
    assert placed.photo_url == "photos/tee.png"

    async def held() -> dict[str, tuple[int, int]]:
        async with store.uow() as uow:
            product = await uow.products.get(tee)
            assert product is not None and (product.stock, product.reserved) == (0, 0)
            return {v.sku: (v.stock, v.reserved) for v in await uow.products.variants_of(tee)}

    assert (await held())["TEE-M-OAT"] == (5, 2) and (await held())["TEE-L-CHA"] == (2, 2)
    async with store.uow() as uow:
        released = await checkout.release_open_holds(uow, customer, 5000, "cancelled")
    assert len(released) == 1
    assert (await held())["TEE-M-OAT"] == (5, 0) and (await held())["TEE-L-CHA"] == (2, 0)

    async with store.uow() as uow:
        assert await uow.products.set_stock(tee, 1, large)  # one left of the two in the cart
    async with store.uow() as uow:
        with pytest.raises(OutOfStock) as caught:
            await checkout.place_order(uow, customer, 5000, settings, datetime.now(UTC))
    assert [(s.title, s.available) for s in caught.value.shortages] == [
        ("Organic Tee - L / Charcoal", 1)
    ]


async def test_a_product_or_variant_is_found_by_its_sku_in_any_case(store: Store) -> None:
    """Stored as written (Mug-Blue, tee-s-oat); an admin types them as they like."""
    tee = _tee(sku="Tee", variants=[{**TEE["variants"][0], "sku": "tee-s-oat"}])
    await _import(store, [{**MUG, "sku": "Mug-Blue"}, tee])
    async with store.uow() as uow:
        for typed in ("Mug-Blue", "mug-blue", " MUG-BLUE "):
            found = await uow.products.find_by_sku(typed)
            assert found is not None and found.sku == "Mug-Blue", typed
        for typed in ("tee-s-oat", "TEE-S-OAT", "Tee-S-Oat"):
            variant = await uow.products.find_variant_by_sku(typed)
            assert variant is not None and variant.sku == "tee-s-oat", typed
        assert await uow.products.find_by_sku("mug-red") is None
        assert await uow.products.find_variant_by_sku("mug-blue") is None


async def _plan_of(store: Store, statement: str, params: Any) -> str:
    """How the database would run `statement` (a sequential scan made dearest on PostgreSQL,
    as at 100,000 products, where a handful of rows would be scanned anyway)."""
    async with store.engine.connect() as conn:
        if store.engine.dialect.name == "postgresql":
            await conn.exec_driver_sql("SET enable_seqscan = off")
            rows = await conn.exec_driver_sql("EXPLAIN " + statement, params)
        else:
            rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
        return " ".join(str(value) for row in rows for value in row)


async def test_an_sku_typed_in_another_case_is_looked_up_in_an_index_not_by_a_scan(
    store: Store,
) -> None:
    """mug-blue for Mug-Blue, TEE-S-OAT for tee-s-oat: not the spelling stored, so the SKU
    index misses; the lookup then reads the index on upper(sku) (migration 0024) instead of
    comparing every SKU in upper case (10-20 ms at 100,000 products), on both databases."""
    tee = _tee(sku="Tee", variants=[{**TEE["variants"][0], "sku": "tee-s-oat"}])
    await _import(store, [{**MUG, "sku": "Mug-Blue"}, tee])
    ran: list[tuple[str, Any]] = []

    def seen(*args: Any) -> None:
        statement, params = args[2], args[3]
        if "upper(" in statement.lower():
            ran.append((statement, params))

    event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with store.uow() as uow:
            assert (await uow.products.find_by_sku("mug-blue")) is not None
            assert (await uow.products.find_variant_by_sku("TEE-S-OAT")) is not None
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", seen)
    products, variants = [await _plan_of(store, *statement) for statement in ran]
    assert "ix_products_sku_upper" in products, products
    assert "ix_product_variants_sku_upper" in variants, variants


async def test_in_stock_only_keeps_a_tee_whose_own_stock_is_zero_but_a_size_is_left(
    store: Store,
) -> None:
    sold_out_tee = _tee(
        sku="TEE2",
        title="Plain Tee",
        variants=[{"sku": "TEE2-S", "values": {"Size": "S", "Colour": "Oat"}, "stock": 0}],
    )
    await _import(store, [TEE, sold_out_tee])
    async with store.uow() as uow:
        (clothing,) = await catalog.list_categories(uow)
        page = await catalog.category_page(uow, clothing.id, 0, in_stock=True)
    assert [(i.title, i.available) for i in page.items] == [("Organic Tee", 7)]
    assert page.total == 1


async def test_a_colour_with_a_slash_in_its_name_reads_in_russian_on_the_order_line(
    store: Store,
) -> None:
    """The tee also comes in "Black / White" ("Чёрно-белый" in Russian). A Russian shopper
    who ordered it reads the whole colour in Russian on the card and on the order's line,
    not "Black / White" split in two and left in English."""
    bicolour = {"sku": "TEE-M-BW", "values": {"Size": "M", "Colour": "Black / White"}, "stock": 3}
    options = {"Size": ["S", "M", "L"], "Colour": ["Oat", "Charcoal", "Black / White"]}
    russian = {"Размер": ["S", "M", "L"], "Цвет": ["Овсяный", "Графитовый", "Чёрно-белый"]}
    tee = _tee(
        options=options,
        options_ru=russian,
        variants=[*TEE["variants"], bicolour],
        title_ru="Футболка",
    )
    await _import(store, [tee])
    settings = Settings(bot_token="1:test", payment_provider_token="TEST")
    async with store.uow() as uow:
        product = await uow.products.get_by_sku("TEE")
        assert product is not None
        variant = next(v for v in await uow.products.variants_of(product.id) if v.sku == "TEE-M-BW")
        customer = await uow.customers.get_or_create(5000, first_name="Olga")
        await carts.add_to_cart(uow, customer.id, product.id, 1, variant_id=variant.id)
        placed = await checkout.place_order(uow, customer.id, 5000, settings, datetime.now(UTC))
    (line,) = placed.order.lines
    ru = translator("ru")
    assert ru.name(line.title, line.translations) == "Футболка - M / Чёрно-белый"
    assert ru.label("M / Black / White", product.translations) == "M / Чёрно-белый"


async def test_an_export_after_a_file_added_a_size_without_options_ru_imports_unchanged(
    store: Store,
) -> None:
    """The tee's options have their Russian; a later file adds XL without `options_ru` (the
    colours keep their Russian, XL has none). The export writes XL in `options_ru` as it is,
    and importing it, once or twice, reports the tee unchanged."""
    await _import(store, [MUG, _tee(options_ru=RUSSIAN_OPTIONS, title_ru="Футболка")])
    more_sizes = {"Size": ["S", "M", "L", "XL"], "Colour": ["Oat", "Charcoal"]}
    extra = {"sku": "TEE-XL-OAT", "values": {"Size": "XL", "Colour": "Oat"}, "stock": 1}
    await _import(store, [MUG, _tee(options=more_sizes, variants=[*TEE["variants"], extra])])
    async with store.uow() as uow:
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    assert "Размер: S|M|L|XL; Цвет: Овсяный|Графитовый" in as_csv.decode()
    await _imports_unchanged(store, as_csv, as_json)
    await _imports_unchanged(store, as_csv, as_json)
    assert await _tee_in(store, "ru") == (
        "M / Овсяный",
        ["S", "M", "L", "XL", "Овсяный", "Графитовый"],
    )
