"""An admin runs the catalog from the chat: prices, stock, visibility, new and edited products."""

from __future__ import annotations

from bot.callback_data import AdminProducts, FlowConfirm, FlowPickField, decode
from bot.services.admin_flows import new_flow, write_flow
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.store.models import Product
from tests.admin.conftest import ADMIN_ID


async def product(shop: ShopHarness, sku: str) -> Product:
    async with shop.store.uow() as uow:
        found = await uow.products.get_by_sku(sku)
        assert found is not None
        return found


async def audit_actions(shop: ShopHarness) -> list[tuple[int | None, str, str | None]]:
    async with shop.store.uow() as uow:
        return [(e.actor_telegram_id, e.action, e.target) for e in await uow.audit.list_recent()]


async def test_admin_menu_opens_products_list(admin: FakeUser) -> None:
    await admin.send("/admin")
    await admin.wait_for("Admin menu")
    await admin.press("📦 Products")
    listing = await admin.wait_for("Products (30)")
    assert "COF-ESP-250" in (listing.text or "")
    await admin.press("Next ▶️")
    second = await admin.wait_for("page 2/2")
    assert "COF-ESP-250" not in (second.text or "")
    await admin.press("◀️ Previous")
    again = await admin.wait_for("page 1/2")
    assert again.text == listing.text


async def test_a_product_list_button_from_an_older_list_says_so_and_shows_the_first_page(
    admin: FakeUser,
) -> None:
    """Page buttons name the product a page starts after; one made before that (it named a
    page number alone) or forged (a product the shop never had) gets a clear answer."""
    await admin.send("/admin")
    await admin.wait_for("Admin menu")
    await admin.press("📦 Products")
    await admin.wait_for("Products (30)")
    for data in ["1:APL:1", AdminProducts(1, after_id=999_999).encode()]:
        await admin.press("Next ▶️")
        second = await admin.wait_for("page 2/2")
        answer = await admin.press_data(second, data)
        assert answer.text == "That page of the list is out of date: here is the first page."
        await admin.wait_for("page 1/2")


async def test_price_is_set_and_bad_prices_are_explained(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/price KIT-MUG-CER 14.50")
    await admin.wait_for("KIT-MUG-CER now costs $14.50")
    assert (await product(shop, "KIT-MUG-CER")).price == 1450

    for bad, expected in [
        ("/price KIT-MUG-CER -3", "cannot be negative"),
        ("/price KIT-MUG-CER abc", "is not an amount"),
        ("/price KIT-MUG-CER 1.234", "more than 2 decimals"),
        ("/price NOPE-1 3.00", "no product with SKU 'NOPE-1'"),
        ("/price KIT-MUG-CER", "Send /price SKU AMOUNT"),
        ("/price KIT-MUG-CER 0", "must be more than 0"),
        ("/price KIT-MUG-CER 99999999999999999999999", "can be at most 10000.00 USD"),
        ("/price KIT-MUG-CER 92233720368547758.07", "can be at most 10000.00 USD"),
    ]:
        await admin.send(bad)
        await admin.wait_for(expected)
    assert (await product(shop, "KIT-MUG-CER")).price == 1450
    assert (ADMIN_ID, "product.price", "KIT-MUG-CER") in await audit_actions(shop)


async def test_a_price_above_what_telegram_takes_in_one_payment_is_refused_when_set(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Telegram takes at most about US$10,000 in one payment: a mug priced above it could
    never be paid, so /price and /edit refuse it when it is set, not only the total at Pay."""
    await admin.send("/price KIT-MUG-CER 10000.01")
    await admin.wait_for(
        "A price can be at most 10000.00 USD, the most Telegram takes in one payment; "
        "10000.01 is more."
    )
    assert (await product(shop, "KIT-MUG-CER")).price == 1600
    await admin.send("/price KIT-MUG-CER 10000")
    await admin.wait_for("KIT-MUG-CER now costs $10,000.00")

    await _edit_price(admin, "KIT-MUG-CER")
    await admin.send("12000")
    await admin.wait_for("the most Telegram takes in one payment; 12000.00 is more")
    assert (await product(shop, "KIT-MUG-CER")).price == 1_000_000


async def test_stock_is_set_adjusted_never_below_reserved_and_alerts_admins(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/stock KIT-MUG-CER 10")
    await admin.wait_for("stock: 24 → 10")
    await admin.send("/stock KIT-MUG-CER +5")
    await admin.wait_for("stock: 10 → 15")
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        assert await uow.products.reserve(mug.id, 4)
    await admin.send("/stock KIT-MUG-CER 3")
    await admin.wait_for("4 units are held by unpaid invoices")
    await admin.send("/stock KIT-MUG-CER -12")
    await admin.wait_for("cannot go to 3")
    assert (await product(shop, "KIT-MUG-CER")).stock == 15
    await admin.send("/stock KIT-MUG-CER -x")
    await admin.wait_for("is not a quantity")
    await admin.send("/stock KIT-MUG-CER +99999999999999999999")  # no traceback
    await admin.wait_for("99999999999999999999 is more than 1000000")
    await admin.send("/stock KIT-MUG-CER +999999")
    await admin.wait_for("15 + 999999 would be 1000014, more than 1000000")

    await admin.send("/stock KIT-MUG-CER 6")  # 6 on hand, 4 held: 2 available ≤ threshold 3
    await admin.wait_for("stock: 15 → 6")
    await admin.wait_for("Low stock")
    assert (await product(shop, "KIT-MUG-CER")).stock == 6


async def test_hide_and_show(shop: ShopHarness, admin: FakeUser) -> None:
    await admin.send("/hide KIT-MUG-CER")
    await admin.wait_for("is hidden from shoppers")
    assert not (await product(shop, "KIT-MUG-CER")).is_active
    await admin.send("/show kit-mug-cer")
    await admin.wait_for("is back in the catalog")
    assert (await product(shop, "KIT-MUG-CER")).is_active
    actions = [a for _, a, _ in await audit_actions(shop)]
    assert "product.hide" in actions and "product.show" in actions


async def test_addproduct_walks_through_every_field_and_refuses_bad_input(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/addproduct")
    await admin.wait_for("Send the product title")
    await admin.send_photo()
    await admin.wait_for("That is a photo, but I need the title as text")
    await admin.send("A" * 129)
    await admin.wait_for("129 characters; at most 128 are allowed.")
    await admin.send("Linen\x00Apron")
    await admin.wait_for("Control characters such as U+0000 are not allowed.")
    await admin.send("Linen Apron")
    await admin.wait_for("Send the description")
    await admin.send("word " * 200)  # a file's description may be no longer either
    await admin.wait_for("999 characters; at most 800 are allowed.")
    await admin.send("Washed linen, one size.")
    category_prompt = await admin.wait_for("Pick a category")
    await admin.press("Kitchen", message=category_prompt)
    await admin.wait_for("Send the price")
    await admin.send("-4")
    await admin.wait_for("cannot be negative")
    await admin.send("12.345")
    await admin.wait_for("more than 2 decimals")
    await admin.send("24.00")
    await admin.wait_for("how many units")
    await admin.send("ten")
    await admin.wait_for("not a whole number")
    await admin.send("7")
    await admin.wait_for("(6/7) Limit per order? Send a number from 1 to 1000, or tap No limit.")
    await admin.send("1001")
    await admin.wait_for("'1001' is not a limit per order: send a whole number from 1 to 1000")
    await admin.send("2")
    await admin.wait_for("(7/7) Send the product photo")
    await admin.send("here it is")
    await admin.wait_for("I need a photo here")
    await admin.send_photo()
    preview = await admin.wait_for("Preview of the new product")
    assert preview.photo is not None
    assert "Linen Apron" in (preview.text or "") and "$24.00" in (preview.text or "")
    assert "\nLimit per order: 2 per order\n" in (preview.text or "")
    async with shop.store.uow() as uow:
        assert await uow.products.get_by_sku("LINEN-APRON") is None  # nothing before Save
    await admin.press("✅ Save")
    await admin.wait_for("Saved LINEN-APRON")
    apron = await product(shop, "LINEN-APRON")
    assert (apron.price, apron.stock, apron.description) == (2400, 7, "Washed linen, one size.")
    assert apron.max_per_order == 2
    assert apron.photo_file_id and apron.photo == apron.photo_file_id
    assert (ADMIN_ID, "product.create", "LINEN-APRON") in await audit_actions(shop)

    answer = await admin.press("✅ Save", message=preview)  # a second tap saves nothing more
    assert answer.text and "over" in answer.text
    async with shop.store.uow() as uow:
        assert await uow.products.get_by_sku("LINEN-APRON-2") is None


async def test_addproduct_survives_a_restart_and_cancel_stops_it(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/addproduct")
    await admin.wait_for("Send the product title")
    await admin.send("Tea Towel")
    await admin.wait_for("Send the description")
    await shop.restart()
    await admin.send("/skip")
    await admin.wait_for("Pick a category")
    await admin.send("Textiles")
    await admin.wait_for("Send the price")
    await admin.send("/cancel")
    await admin.wait_for("Cancelled. Nothing was changed.")
    await admin.send("9.00")  # no flow any more: the shop treats it as ordinary chat
    await shop.until_idle()
    async with shop.store.uow() as uow:
        assert await uow.products.get_by_sku("TEA-TOWEL") is None


async def _edit_price(admin: FakeUser, sku: str) -> None:
    """The admin opens /edit of `sku` and chooses its price: her next message is the price."""
    await admin.send(f"/edit {sku}")
    await admin.wait_for("Which field")
    await admin.press("Price")
    await admin.wait_for("Send the price")


async def test_edit_changes_one_field_after_a_preview(shop: ShopHarness, admin: FakeUser) -> None:
    await admin.send("/edit NOPE")
    await admin.wait_for("no product with SKU 'NOPE'")
    await _edit_price(admin, "KIT-MUG-CER")
    await admin.send("abc")
    await admin.wait_for("is not an amount")
    await admin.send("18")
    await admin.wait_for("Change the price of KIT-MUG-CER to: $18.00?")
    assert (await product(shop, "KIT-MUG-CER")).price == 1600
    await admin.press("✅ Save")
    await admin.wait_for("is now $18.00")
    assert (await product(shop, "KIT-MUG-CER")).price == 1800

    await admin.send("/edit KIT-MUG-CER")
    await admin.wait_for("Which field")
    await admin.press("Photo")
    await admin.send_photo()
    await admin.wait_for("Change the photo")
    await admin.press("✅ Save")
    await admin.wait_for("is now a photo")
    assert (await product(shop, "KIT-MUG-CER")).photo_file_id


async def test_stats_and_export_from_the_menu(shop: ShopHarness, admin: FakeUser) -> None:
    await admin.send("/stock KIT-MUG-CER 1")
    await admin.wait_for("stock: 24 → 1")
    await admin.send("/stats")
    report = await admin.wait_for("Shop report")
    text = report.text or ""
    assert "Today: $0.00 revenue, 0 orders" in text and "30 days:" in text
    assert "KIT-MUG-CER · Stoneware Mug 350ml: 1 left" in text
    await admin.send("/admin")
    await admin.wait_for("Admin menu")
    await admin.press("📊 Reports")
    await admin.wait_for("Shop report")
    await admin.press("⬇️ Export catalog")
    await admin.wait_for(lambda m: m.document is not None)


def labels(message: Message) -> list[str]:
    return [b.label for b in message.all_buttons]


async def test_edit_of_a_tee_sold_in_sizes_offers_no_stock_and_says_where_each_size_is_stocked(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/edit APP-TEE-ORG")
    card = await admin.wait_for("Which field")
    text = card.text or ""
    assert "Stock: 26 in 6 variants (0 held)" in text and "/stock APP-TEE-ORG-S-OAT 10" in text
    assert "APP-TEE-ORG-L-CHA: $26.00" in text  # the one size priced on its own
    assert "Stock" not in labels(card) and "Price" in labels(card)

    flow_id = decode(card.all_buttons[0].callback_data)
    assert isinstance(flow_id, FlowPickField)
    await admin.press_data(card, FlowPickField(flow_id.flow_id, "stock").encode())  # forged
    refusal = await admin.wait_for("sold as variants, each with its own stock")
    assert "/stock APP-TEE-ORG-S-OAT 10" in (refusal.text or "")
    assert "Stock" not in labels(refusal) and "Price" in labels(refusal)

    await admin.press("Price", message=refusal)
    await admin.send("20")
    preview = await admin.wait_for("Change the price of APP-TEE-ORG to: $20.00?")
    assert "APP-TEE-ORG-L-CHA ($26.00) keeps its own price" in (preview.text or "")
    await admin.press("✅ Save")
    await admin.wait_for("is now $20.00")
    assert (await product(shop, "APP-TEE-ORG")).price == 2000


async def test_a_stock_edit_left_open_on_a_tee_sold_in_sizes_is_refused_at_save_not_looped(
    shop: ShopHarness, admin: FakeUser
) -> None:
    async with shop.store.uow() as uow:  # an edit opened before the tee was sold in sizes
        flow = new_flow("edit", step="value", field="stock", sku="APP-TEE-ORG")
        await write_flow(uow, ADMIN_ID, flow)
    await admin.send("5")
    await admin.wait_for("Change the stock of APP-TEE-ORG to: 5?")
    await admin.press("✅ Save")
    refusal = await admin.wait_for("sold as variants, each with its own stock")
    assert "Press Save" not in (refusal.text or "") and "Pick a field" in (refusal.text or "")
    assert "Stock" not in labels(refusal) and "Title" in labels(refusal)
    await admin.press("Title", message=refusal)
    await admin.send("Organic Tee, heavyweight")
    await admin.wait_for("Change the title")
    await admin.press("✅ Save")
    await admin.wait_for("is now Organic Tee, heavyweight")
    tee = await product(shop, "APP-TEE-ORG")
    async with shop.store.uow() as uow:
        sizes = await uow.products.variants_of(tee.id)
        assert [v.stock for v in sizes] == [6, 8, 0, 4, 5, 3]


async def test_a_refusal_at_save_asks_again_or_ends_the_edit(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/edit KIT-MUG-CER")
    await admin.press("Stock", message=await admin.wait_for("Which field"))
    await admin.send("10")
    await admin.wait_for("Change the stock of KIT-MUG-CER to: 10?")
    mug = await product(shop, "KIT-MUG-CER")
    async with shop.store.uow() as uow:  # meanwhile shoppers' invoices hold 15 of the 24
        assert await uow.products.reserve(mug.id, 15)
    await admin.press("✅ Save")
    await admin.wait_for("15 units are held by unpaid invoices")
    await admin.send("20")
    await admin.press("✅ Save", message=await admin.wait_for("to: 20?"))
    saved = await admin.wait_for("is now 20")

    async with shop.store.uow() as uow:  # an edit whose product is gone by the time of Save
        flow = new_flow("edit", step="preview", field="title", value="Gone", sku="GONE-1")
        await write_flow(uow, ADMIN_ID, flow)
    await admin.press_data(saved, FlowConfirm(flow["id"]).encode())
    await admin.wait_for("There is no product with SKU 'GONE-1'")
    answer = await admin.press_data(saved, FlowConfirm(flow["id"]).encode())
    assert answer.text and "over" in answer.text


async def test_commands_find_an_sku_stored_in_lower_case_typed_in_any_case(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A file matches SKUs without case, and so do /price, /stock, /hide, /show and /edit."""
    data = (
        b"sku,title,description,category,price,currency,stock,photo,options,variant_of,values\n"
        b"Mug-Blue,Blue mug,,Kitchen,5.00,USD,3,,,,\n"
        b"jp-tee,Tee,,Clothing,9.00,USD,,,Size: S,,\n"
        b"jp-tee-s,,,,,,1,,,jp-tee,Size: S\n"
    )
    await admin.send_document("mixed.csv", data, "text/csv")
    await admin.wait_for("2 created")
    await admin.send("/price mug-blue 6")
    await admin.wait_for("Mug-Blue now costs $6.00")
    await admin.send("/stock MUG-BLUE 4")
    await admin.wait_for("stock: 3 → 4")
    await admin.send("/hide mug-BLUE")
    await admin.wait_for("is hidden from shoppers")
    await admin.send("/show Mug-blue")
    await admin.wait_for("is back in the catalog")
    await admin.send("/stock JP-TEE-S 7")
    await admin.wait_for("stock: 1 → 7")
    await admin.send("/edit mug-blue")
    await admin.wait_for("Which field")
    mug = await product(shop, "Mug-Blue")
    assert (mug.price, mug.stock, mug.is_active) == (600, 4, True)


async def test_stock_in_digits_other_than_0_to_9_is_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Arabic-Indic ١٢ reads as 12 to Python; a stock is written in 0-9, here and in files."""
    await admin.send("/stock KIT-MUG-CER \u0661\u0662")
    await admin.wait_for("'\u0661\u0662' is not a quantity")
    await admin.send("/stock KIT-MUG-CER +\u0661")
    await admin.wait_for("is not a quantity")
    assert (await product(shop, "KIT-MUG-CER")).stock == 24
