"""A catalog file that leaves columns out changes only what it names: a missing column never
resets a field the shop has (visibility, digital goods, translations, variants)."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

HEADER = "sku,title,description,category,price,currency,stock,photo"
MUG = "KIT-MUG-CER,Stoneware Mug 350ml,Mug,Kitchen,17.00,USD,24,photos/kit-mug-cer.png"
GUIDE = "DIG-GDE-BRW,Home Brewing Guide (PDF),Guide,Digital,9.00,USD,9999,photos/dig-gde-brw.png"


async def test_a_file_without_active_digital_or_download_keeps_them_as_stored(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/hide KIT-MUG-CER")
    await admin.wait_for("hidden from shoppers")
    data = f"{HEADER}\n{MUG}\n{GUIDE}\n".encode()
    await admin.send_document("prices.csv", data, "text/csv")
    await admin.wait_for("0 created, 2 updated, 0 unchanged")
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        guide = await uow.products.get_by_sku("DIG-GDE-BRW")
    assert mug is not None and (mug.price, mug.is_active) == (1700, False)
    assert guide is not None and guide.is_digital
    assert guide.download == "downloads/dig-gde-brw.pdf"


async def test_a_file_with_russian_titles_only_keeps_the_spanish_ones(
    shop: ShopHarness, admin: FakeUser
) -> None:
    data = f"{HEADER},title_ru,category_ru\n{MUG},Кружка большая,Посуда\n".encode()
    await admin.send_document("russian.csv", data, "text/csv")
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        kitchen = await uow.categories.get(mug.category_id)
    assert mug.translations == {
        "ru": {"title": "Кружка большая"},
        "es": {"title": "Taza de gres 350 ml"},
    }
    assert kitchen is not None and kitchen.translations == {"ru": "Посуда", "es": "Cocina"}
    sofia = shop.user(1002, "Sofía", language_code="es")
    await sofia.send("/start product_KIT-MUG-CER")
    await sofia.wait_for("Taza de gres 350 ml")


async def test_a_file_without_the_options_column_is_refused_for_a_product_with_variants(
    shop: ShopHarness, admin: FakeUser
) -> None:
    tee = "APP-TEE-ORG,Organic Tee,Tee,Merch,25.00,USD,10,photos/app-tee-org.png"
    await admin.send_document("tee.csv", f"{HEADER}\n{tee}\n".encode(), "text/csv")
    refusal = await admin.wait_for("Nothing was imported")
    assert "line 2 (APP-TEE-ORG), options:" in (refusal.text or "")
    assert "which would remove its variants (6)" in (refusal.text or "")
    async with shop.store.uow() as uow:
        tee_product = await uow.products.get_by_sku("APP-TEE-ORG")
        assert tee_product is not None and tee_product.price == 2400
        assert len(await uow.products.variants_of(tee_product.id)) == 6


async def test_a_file_with_a_download_column_and_no_digital_column_updates_a_digital_product(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """The guide is digital already: a file giving its new download, without a digital
    column, keeps it digital and takes the download. The same file naming a download for the
    mug, or for a new product, is refused: neither is digital."""
    url = "https://example.com/brewing-guide-v2.pdf"
    data = f"{HEADER},download\n{GUIDE},{url}\n".encode()
    await admin.send_document("guide.csv", data, "text/csv")
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    async with shop.store.uow() as uow:
        guide = await uow.products.get_by_sku("DIG-GDE-BRW")
    assert guide is not None and guide.is_digital and guide.download == url

    new = "DIG-NEW-1,New Guide,Guide,Digital,4.00,USD,10,"
    data = f"{HEADER},download\n{GUIDE},{url}\n{MUG},{url}\n{new},{url}\n".encode()
    await admin.send_document("mixed.csv", data, "text/csv")
    refusal = await admin.wait_for("Nothing was imported")
    text = refusal.text or ""
    assert "line 3 (KIT-MUG-CER), download: only digital products have a download" in text, text
    assert "line 4 (DIG-NEW-1), download: only digital products have a download" in text, text
    assert "DIG-GDE-BRW" not in text, text
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None and mug.download is None
        assert await uow.products.get_by_sku("DIG-NEW-1") is None
