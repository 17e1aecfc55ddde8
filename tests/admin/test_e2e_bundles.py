"""Sets from the admin's chat: /bundle makes a product a set of its parts, shows them and
sells it as itself again; what cannot make a set is refused in her language, each change is
audited as product.bundle, and a shopper is refused the command."""

from __future__ import annotations

import csv
import io

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Product

SET, KETTLE, MUG = "KIT-TEA-SET", "KIT-KTL-GOO", "KIT-MUG-CER"


async def add_tea_set(shop: ShopHarness) -> None:
    """A product to make a set: the tea set, $68.00, no stock of its own."""
    async with shop.store.uow() as uow:
        kettle = await uow.products.get_by_sku(KETTLE)
        assert kettle is not None
        await uow.products.add(
            Product(
                sku=SET,
                title="Tea set",
                description="A kettle and two mugs",
                category_id=kettle.category_id,
                price=6800,
                currency="USD",
                stock=0,
            )
        )


async def _parts(shop: ShopHarness) -> list[dict[str, int]] | None:
    async with shop.store.reading() as uow:
        product = await uow.products.get_by_sku(SET)
        assert product is not None
        return product.bundle


async def test_ada_makes_the_tea_set_shows_it_and_ends_it_and_each_change_is_audited(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await add_tea_set(shop)
    await admin.send(f"/bundle {SET}")
    await admin.wait_for(f"{SET} is no set. /bundle {SET} KIT-KTL-GOO:1 KIT-MUG-CER:2 makes it")

    await admin.send(f"/bundle {SET.lower()} {KETTLE}:1 {MUG.lower()}:2")
    said = await admin.wait_for(f"{SET} is a set of:")
    assert (said.text or "").endswith(
        f"• 1 × Gooseneck Kettle 1L ({KETTLE})\n• 2 × Stoneware Mug 350ml ({MUG})"
    )
    assert len(await _parts(shop) or []) == 2
    await admin.send(f"/bundle {SET}")
    await admin.wait_for(lambda m: (m.text or "") == (said.text or ""), include_existing=False)

    await admin.send("/admin")
    await admin.press("📦 Products", message=await admin.wait_for("Admin menu"))
    listing = (await admin.wait_for("Products (31)")).text or ""
    if SET not in listing:
        await admin.press("Next ▶️")
        listing = (await admin.wait_for("page 2/3")).text or ""
    assert f"{SET} · Tea set · $68.00 · stock 0 · 🧺 set of 3\n" in listing

    await admin.send(f"/stock {SET} 5")
    await admin.wait_for(f"{SET} is a set: its stock is its parts'.")

    await admin.send(f"/bundle {SET} off")
    await admin.wait_for(f"{SET} is no set any more: it is sold as itself.")
    assert await _parts(shop) is None
    async with shop.store.reading() as uow:
        audited = [
            (e.target, e.details)
            for e in await uow.audit.list_recent()
            if e.action == "product.bundle"
        ]
    assert audited == [
        (SET, {"bundle_was": f"{KETTLE}:1 {MUG}:2", "bundle": "-"}),
        (SET, {"bundle_was": "-", "bundle": f"{KETTLE}:1 {MUG}:2"}),
    ]
    await admin.send("/audit")
    await admin.wait_for(f"changed the parts of the set {SET}")


async def test_what_cannot_make_a_set_is_refused_saying_why(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await add_tea_set(shop)
    refusals = {
        f"{KETTLE}:1 NOPE-1:2": "NOPE-1",
        f"{SET}:1": "A set cannot contain itself (KIT-TEA-SET).",
        "DIG-GFT-025:1": "DIG-GFT-025 sells gift cards: a set cannot contain one.",
        "APP-TEE-ORG:1": "APP-TEE-ORG is sold as variants: a set contains plain products.",
        f"{MUG}:0": "Write the parts as SKU:QUANTITY",
        f"{MUG}:100": "Write the parts as SKU:QUANTITY",
        f"{MUG}": "Write the parts as SKU:QUANTITY",
        f"{MUG}:1 {MUG.lower()}:2": "Name each part once",
    }
    for parts, says in refusals.items():
        await admin.send(f"/bundle {SET} {parts}")
        await admin.wait_for(says)
    assert await _parts(shop) is None  # nothing refused changed it
    await admin.send(f"/bundle {SET} {KETTLE}:1 {MUG}:2")
    await admin.wait_for(f"{SET} is a set of:")
    await admin.send(f"/bundle STA-PEN-FTN {SET}:1")
    await admin.wait_for("KIT-TEA-SET is a set itself: a set cannot contain a set.")
    await admin.send("/bundle")
    await admin.wait_for("Send /bundle SKU PART:1 PART:2")


async def test_a_shopper_is_refused_bundle(shop: ShopHarness, shopper: FakeUser) -> None:
    await add_tea_set(shop)
    await shopper.send(f"/bundle {SET} {KETTLE}:1")
    await shopper.wait_for("for the shop's admins only")
    assert await _parts(shop) is None


BUNDLE_HEADER = "sku,title,description,category,price,currency,stock,photo,bundle\n"
SET_ROW = f"{SET},Tea set,A kettle and two mugs,Kitchen,68.00,USD,0,"
BREW_ROW = "KIT-BRW-SET,Brew set,A press and a mug,Kitchen,40.00,USD,0,"


async def test_a_catalog_file_makes_sets_and_the_export_writes_them_back(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A file's bundle column names parts in the shop (and in the same file); /export writes
    it back and importing that export changes nothing; a bad row refuses the whole file."""
    await admin.send_document(
        "sets.csv",
        (
            BUNDLE_HEADER
            + SET_ROW
            + f",{KETTLE}:1 {MUG}:2\n"
            + BREW_ROW
            + ",KIT-FRP-600:1 kit-mug-cer:1\n"
        ).encode(),
        "text/csv",
    )
    await admin.wait_for("2 created, 0 updated, 0 unchanged")
    assert len(await _parts(shop) or []) == 2
    await admin.send(f"/bundle {SET}")
    await admin.wait_for(f"• 2 × Stoneware Mug 350ml ({MUG})")

    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    bundles = {r["sku"]: r["bundle"] for r in rows if r["bundle"]}
    assert bundles == {SET: f"{KETTLE}:1 {MUG}:2", "KIT-BRW-SET": f"KIT-FRP-600:1 {MUG}:1"}
    await admin.send_document("catalog.csv", exported.document.data, "text/csv")
    await admin.wait_for("0 created, 0 updated, 32 unchanged")

    refused = {
        f"{SET_ROW},NOPE-9:1": "no product has SKU NOPE-9",
        f"{SET_ROW},KIT-BRW-SET:1": "KIT-BRW-SET is a set itself: a set cannot contain a set.",
        f"{SET_ROW},DIG-GFT-025:1": "DIG-GFT-025 sells gift cards",
        f"{SET_ROW},{MUG}:0": "Write the parts as SKU:QUANTITY",
        f"{SET_ROW.replace(',0,', ',5,')},{MUG}:2": "a set keeps no stock of its own",
    }
    for row, says in refused.items():
        await admin.send_document(
            "sets.csv",
            (BUNDLE_HEADER + row + "\n" + BREW_ROW + ",KIT-FRP-600:2\n").encode(),
            "text/csv",
        )
        said = (await admin.wait_for("Nothing was imported")).text or ""
        assert f"({SET}), " in said and says in said, row
    assert len(await _parts(shop) or []) == 2  # all or nothing: the brew set kept its parts
    async with shop.store.reading() as uow:
        brew = await uow.products.get_by_sku("KIT-BRW-SET")
        assert brew is not None and [p["quantity"] for p in brew.bundle or []] == [1, 1]

    await admin.send_document(
        "sets.csv", (BUNDLE_HEADER + SET_ROW + ",\n").encode(), "text/csv"
    )  # an empty cell: sold as itself again
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    assert await _parts(shop) is None
