"""Variant options in the shopper's language: Ada imports a tote in Red and Blue with its
colours in Russian and Spanish (`options_ru`, `options_es`); Masha, whose Telegram speaks
Russian, picks "Красный" on its card and reads it in her cart, on the invoice, the receipt
and her orders, and finds the tote by that word. A row whose Russian names other options
than its English is refused, in the admin's language."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.admin.conftest import open_detail
from tests.admin.test_e2e_admin_languages import _russian
from tests.e2e.shopper import screen

TOTE_CSV = (
    "sku,title,description,category,price,currency,stock,photo,options,variant_of,values,"
    "title_ru,options_ru,options_es\n"
    "BAG-TOTE,Canvas Tote,Sturdy canvas,Bags,12.00,USD,,,Colour: Red|Blue,,,Холщовая сумка,"
    "Цвет: Красный|Синий,Color: Rojo|Azul\n"
    "BAG-TOTE-RED,,,,,,5,,,BAG-TOTE,Colour: Red,,,\n"
    "BAG-TOTE-BLU,,,,,,4,,,BAG-TOTE,Colour: Blue,,,\n"
)


async def _tote_for(shop: ShopHarness, admin: FakeUser, name: str, language: str) -> FakeUser:
    """Ada imports the tote; a shopper whose Telegram speaks `language` opens its card."""
    await admin.send_document("tote.csv", TOTE_CSV.encode(), "text/csv")
    await admin.wait_for("1 created, 0 updated")
    shopper = shop.user(1701, name, language_code=language)
    await shopper.send("/start product_BAG-TOTE")
    await shopper.wait_for("12,00")  # the price, as Russian and Spanish write it
    return shopper


async def test_a_russian_shopper_picks_krasny_and_reads_it_in_her_cart_and_order(
    shop: ShopHarness, admin: FakeUser
) -> None:
    masha = await _tote_for(shop, admin, "Masha", "ru")
    card = screen(masha)
    assert "[• Красный] [Синий]" in card and "Red" not in card
    assert "Холщовая сумка\nКрасный\n" in card  # the chosen variant, named under the title

    await masha.press("Синий")
    await masha.wait_for("Холщовая сумка\nСиний\n")
    await masha.press("Красный")
    await masha.wait_for("[• Красный] [Синий]")
    answer = await masha.press("В корзину")
    assert answer.text is not None and "Холщовая сумка - Красный" in answer.text

    await masha.send("/cart")
    cart = await masha.wait_for("Холщовая сумка - Красный")
    assert "Red" not in (cart.text or "")
    await masha.press("Оформить")
    summary = await masha.wait_for("Холщовая сумка - Красный", include_existing=True)
    await masha.press("Оплатить", message=summary)
    invoice = await masha.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert invoice.invoice is not None
    assert invoice.invoice["prices"][0]["label"] == "Холщовая сумка - Красный × 1"
    result = await masha.pay(shipping_option_id="standard")
    assert result.ok, result.error_message
    receipt = await masha.wait_for("Оплата получена")
    assert "Холщовая сумка - Красный" in (receipt.text or "")
    await masha.send("/orders")
    orders = await masha.wait_for("Ваши заказы")
    (button,) = [b for b in orders.all_buttons if b.label.startswith("#")]
    await masha.press(button.label, message=orders)
    order = await masha.wait_for("1 × Холщовая сумка - Красный")
    assert "Red" not in (order.text or "")

    # Ada reads English: the alert of the paid order names the variant as she wrote it.
    alert = await admin.wait_for("New paid order")
    assert "Canvas Tote - Red" in (alert.text or "")

    await masha.send("/search красный")
    found = await masha.wait_for(lambda m: "красный" in (m.text or "").lower())
    assert "[Холщовая сумка · 12,00" in masha.render(found)


async def test_a_spanish_shopper_reads_the_colours_in_spanish(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """No title_es: the title stays English, its colour is Spanish."""
    lucia = await _tote_for(shop, admin, "Lucía", "es")
    assert "[• Rojo] [Azul]" in screen(lucia)
    answer = await lucia.press("Añadir al carrito")
    assert answer.text is not None and "Canvas Tote - Rojo" in answer.text


async def test_a_row_whose_russian_options_differ_from_its_english_is_refused_in_russian(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await _russian(admin)
    one_colour_short = TOTE_CSV.replace("Цвет: Красный|Синий", "Цвет: Красный")
    await admin.send_document("tote.csv", one_colour_short.encode(), "text/csv")
    answer = await admin.wait_for("options_ru")
    text = answer.text or ""
    assert "строка 2 (BAG-TOTE), options_ru:" in text
    assert "Colour: Red|Blue" in text  # what the English declares, to match
    assert "same options" not in text  # said in Russian
    async with shop.store.uow() as uow:
        assert await uow.products.get_by_sku("BAG-TOTE") is None  # nothing imported


async def test_a_russian_admin_reads_the_tote_and_its_colours_in_russian_on_her_screens(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Ada reads Russian: Masha's order shows "1 × BAG-TOTE-RED Холщовая сумка - Красный"
    (the SKU as stored), and /stock on the tote lists its colours in Russian."""
    masha = await _tote_for(shop, admin, "Masha", "ru")
    await _russian(admin)
    await masha.press("В корзину")
    await masha.send("/cart")
    await masha.wait_for("Холщовая сумка - Красный")
    await masha.press("Оформить")
    summary = await masha.wait_for("Холщовая сумка - Красный", include_existing=True)
    await masha.press("Оплатить", message=summary)
    await masha.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert (await masha.pay(shipping_option_id="standard")).ok
    await masha.wait_for("Оплата получена")
    async with shop.store.uow() as uow:
        (order,) = await uow.orders.list_recent(status=None, offset=0, limit=1)

    detail = await open_detail(admin, order.id, "Заказ №{order_id} · ")
    text = detail.text or ""
    assert "1 × BAG-TOTE-RED Холщовая сумка - Красный — " in text, text
    assert "Canvas Tote" not in text and "Red" not in text

    await admin.send("/stock BAG-TOTE 5")
    refusal = await admin.wait_for("BAG-TOTE-RED")
    text = refusal.text or ""
    assert "BAG-TOTE-RED (Красный: 4), BAG-TOTE-BLU (Синий: 4)" in text, text
    await admin.send("/price BAG-TOTE-RED 5")
    refusal = await admin.wait_for("BAG-TOTE-RED")
    assert "(Холщовая сумка)" in (refusal.text or ""), refusal.text
