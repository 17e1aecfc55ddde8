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
