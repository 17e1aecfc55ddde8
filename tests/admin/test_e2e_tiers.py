"""Quantity tiers from the admin's chat: /tiers sets, shows and ends a product's volume
discounts ("3:10% 6:15%", commas or spaces), refuses what would not give more for more with
the rule in her language, audits each change as product.tiers, /edit shows them, and a
catalog file carries them in and /export writes them back."""

from __future__ import annotations

import csv
import io

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

MUG = "KIT-MUG-CER"
REFUSED = "Write tiers as QUANTITY:PERCENT%"
HEADER = "sku,title,description,category,price,currency,stock,photo,tiers\n"
MUG_ROW = "KIT-MUG-CER,Stoneware Mug 350ml,Mug,Kitchen,16.00,USD,24,photos/kit-mug-cer.png"


async def _stored(shop: ShopHarness, sku: str = MUG) -> str | None:
    async with shop.store.reading() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        return product.tiers


async def test_ada_sets_shows_and_ends_the_mugs_tiers_and_each_change_is_audited(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send(f"/tiers {MUG}")
    await admin.wait_for(f"{MUG} has no quantity tiers. /tiers {MUG} 3:10% 6:15% sets some.")

    await admin.send(f"/tiers {MUG} 3:10% 6:15%")
    await admin.wait_for(f"{MUG}: 📦 Buy 3+: −10% · 6+: −15%")
    assert await _stored(shop) == "3:10,6:15"
    await admin.send(f"/tiers {MUG.lower()} 2:5,4:10%")  # commas, any case of the SKU
    await admin.wait_for(f"{MUG}: 📦 Buy 2+: −5% · 4+: −10%")
    assert await _stored(shop) == "2:5,4:10"

    await admin.send("/admin")
    await admin.press("📦 Products", message=await admin.wait_for("Admin menu"))
    await admin.wait_for("Products (30)")
    await admin.press("Next ▶️")
    listing = (await admin.wait_for("page 2/2")).text or ""
    assert f"{MUG} · Stoneware Mug 350ml · $16.00 · stock 24 · 📦 2+: −5%, 4+: −10%\n" in listing

    await admin.send(f"/edit {MUG}")
    card = await admin.wait_for("Which field")
    assert f"Quantity tiers: 2+: −5% · 4+: −10% (/tiers {MUG})\n" in (card.text or "")

    await admin.send(f"/tiers {MUG} off")
    await admin.wait_for(f"{MUG} has no quantity tiers any more.")
    assert await _stored(shop) is None
    async with shop.store.reading() as uow:
        audited = [
            (e.target, e.details)
            for e in await uow.audit.list_recent()
            if e.action == "product.tiers"
        ]
    assert audited == [
        (MUG, {"tiers_was": "2:5,4:10", "tiers": "-"}),
        (MUG, {"tiers_was": "3:10,6:15", "tiers": "2:5,4:10"}),
        (MUG, {"tiers_was": "-", "tiers": "3:10,6:15"}),
    ]
    await admin.send("/audit")
    assert "changed the quantity tiers of KIT-MUG-CER" in (
        (await admin.wait_for("quantity tiers")).text or ""
    )


async def test_tiers_that_do_not_give_more_for_more_are_refused_saying_the_rule(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send(f"/tiers {MUG} 3:10%")
    await admin.wait_for(f"{MUG}: 📦 Buy 3+: −10%")
    for wrong in ("1:10%", "3:95%", "3:0%", "3:10% 2:15%", "3:10% 6:10%", "3:ten", "3-10%"):
        await admin.send(f"/tiers {MUG} {wrong}")
        said = (await admin.wait_for(REFUSED)).text or ""
        assert "quantities from 2 up, percents from 1 to 90" in said, wrong
    assert await _stored(shop) == "3:10"  # nothing refused changed them

    async with shop.store.uow() as uow:  # the notebook sells gift cards from now on
        card = await uow.products.get_by_sku("STA-NTB-A5D")
        assert card is not None
        card.is_digital, card.download = True, "giftcode"
    await admin.send("/tiers STA-NTB-A5D 3:10%")
    await admin.wait_for("STA-NTB-A5D sells gift cards, each worth the price paid for it")
    assert await _stored(shop, "STA-NTB-A5D") is None

    await admin.send("/tiers NOPE 3:10%")
    await admin.wait_for("There is no product with SKU 'NOPE'")
    await admin.send("/tiers")
    await admin.wait_for("Send /tiers SKU 3:10% 6:15% for volume discounts")

    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.send(f"/tiers {MUG} 3:10% 6:5%")
    await admin.wait_for("Пишите скидки как КОЛИЧЕСТВО:ПРОЦЕНТ%")


async def test_a_catalog_file_sets_the_tiers_and_the_export_writes_them_back(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document(
        "tiers.csv", (HEADER + MUG_ROW + ",3:10% 6:15%\n").encode(), "text/csv"
    )
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    assert await _stored(shop) == "3:10,6:15"

    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    assert next(r for r in rows if r["sku"] == MUG)["tiers"] == "3:10,6:15"
    assert {r["tiers"] for r in rows if r["sku"] != MUG} == {""}
    await admin.send_document("catalog.csv", exported.document.data, "text/csv")
    await admin.wait_for("0 created, 0 updated, 30 unchanged")

    await admin.send_document(
        "tiers.csv", (HEADER + MUG_ROW + ",6:15% 3:10%\n").encode(), "text/csv"
    )
    said = (await admin.wait_for("Nothing was imported")).text or ""
    assert f"line 2 ({MUG}), tiers: {REFUSED}" in said
    assert await _stored(shop) == "3:10,6:15"
