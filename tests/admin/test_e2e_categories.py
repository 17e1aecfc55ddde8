"""Categories as admins name them: in any script, and as many as a big shop has."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

HEADER = "sku,title,description,category,price,currency,stock,photo\n"


async def test_categories_named_in_cyrillic_greek_and_chinese_each_get_their_own_button(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    data = (
        HEADER
        + "RU-1,Самовар,,Самовары,50.00,USD,2,\n"
        + "RU-2,Валенки,,Обувь,30.00,USD,2,\n"
        + "GR-1,Amphora,,Αμφορείς,40.00,USD,2,\n"
        + "CN-1,Teapot,,茶具,20.00,USD,2,\n"
    ).encode()
    await admin.send_document("world.csv", data, "text/csv")
    await admin.wait_for("4 created, 0 updated, 0 unchanged")

    await shopper.send("/catalog")
    await shopper.wait_for("Pick a category")
    for category, product in (
        ("Самовары (1)", "Самовар"),
        ("Обувь (1)", "Валенки"),
        ("Αμφορείς (1)", "Amphora"),
        ("茶具 (1)", "Teapot"),
    ):
        await shopper.press(category)
        listing = shopper.last_message
        assert listing is not None
        assert [b.label for b in listing.all_buttons if b.label.startswith(product)]
        await shopper.send("/catalog")
        await shopper.wait_for("Pick a category")


async def _import_many_categories(admin: FakeUser, count: int) -> None:
    """`count` products, each in a category of its own: "Cat 001", "Cat 002", ..."""
    rows = "".join(
        f"MANY-{n},Thing {n:03d},,Cat {n:03d},5.00,USD,9,\n" for n in range(1, 1 + count)
    )

    await admin.send_document("many.csv", (HEADER + rows).encode(), "text/csv")
    await admin.wait_for(f"{count} created, 0 updated, 0 unchanged")


async def test_a_shop_of_130_categories_pages_its_category_keyboard(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    """Telegram refuses a keyboard of more than 100 buttons: the catalog shows 20 a page."""
    await _import_many_categories(admin, 130)  # and the shop's own 7: 137, 7 pages
    await shopper.send("/catalog")
    first = await shopper.wait_for("Pick a category")
    assert "Page 1 of 7" in (first.text or "")
    assert len([b for b in first.all_buttons if b.label.endswith("(5)")]) == 5
    assert "Cat 013 (1)" in shopper.render(first) and "Cat 014 (1)" not in shopper.render(first)
    assert "Prev" not in shopper.render(first)
    for page in range(2, 8):
        await shopper.press("Next ▶")
        shown = shopper.last_message
        assert shown is not None and f"Page {page} of 7" in (shown.text or "")
    last = shopper.last_message
    assert last is not None and "Next ▶" not in shopper.render(last)
    await shopper.press("Cat 130 (1)")
    await shopper.wait_for("Thing 130")
    await shopper.press("⬅ Categories")  # back to the page she came from
    await shopper.wait_for("Page 7 of 7")


async def test_addproduct_pages_130_categories_and_takes_a_typed_one(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await _import_many_categories(admin, 130)
    await admin.send("/addproduct")
    await admin.wait_for("Send the product title")
    await admin.send("Linen Apron")
    await admin.wait_for("Send the description")
    await admin.send("/skip")
    prompt = await admin.wait_for("Pick a category")
    assert "Cat 013" in admin.render(prompt) and "Cat 014" not in admin.render(prompt)
    await admin.press("Next ▶", message=prompt)
    second = await admin.wait_for(lambda m: "Cat 014" in admin.render(m))
    await admin.press("Cat 020", message=second)
    await admin.wait_for("Send the price")
    await admin.send("/cancel")
    await admin.wait_for("Cancelled")

    await admin.send("/addproduct")
    await admin.wait_for("Send the product title")
    await admin.send("Wool Apron")
    await admin.wait_for("Send the description")
    await admin.send("/skip")
    await admin.wait_for("Pick a category")
    await admin.send("Cat 125")  # on page 7: typed, it is the category the shop has
    await admin.wait_for("Send the price")
    await admin.send("9.00")
    await admin.wait_for("how many units")
    await admin.send("3")
    await admin.press("No limit", message=await admin.wait_for("Limit per order?"))
    await admin.wait_for("Send the product photo")
    await admin.send("/skip")
    preview = await admin.wait_for("Preview of the new product")
    assert "\nLimit per order: no limit\n" in (preview.text or "")
    await admin.press("✅ Save", message=preview)
    await admin.wait_for("Saved")
    async with shop.store.uow() as uow:
        apron = await uow.products.get_by_sku("WOOL-APRON")
        other = await uow.products.get_by_sku("MANY-125")
        assert apron is not None and other is not None
        assert apron.category_id == other.category_id
        assert apron.max_per_order is None
