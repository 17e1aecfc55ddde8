"""An admin who reads Russian gets every answer to a wrong command or file in Russian: no
English left in refusals that used to be written in English only. Alerts reach each admin in
her own language, whatever the others read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.demo import STARS_CATALOG
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import open_invoice

BEA_ID = 9002  # a second admin
DEE_ID = 9004  # an admin who never wrote to the bot

HEADER = "sku,title,description,category,price,currency,stock,photo\n"
ENGLISH_WORDS = re.compile(
    r"\b(?:the|is|not|an|amount|there|product|variant|write|has|value|option|name)\b"
)


async def _russian(admin: FakeUser) -> None:
    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.wait_for("говорю")


def _stars_shop(tmp_path: Path, *admins: int, **settings: Any) -> ShopHarness:
    """The Stars demo shop (guides, templates: digital, paid in Stars) with these admins."""
    return ShopHarness(
        tmp_path,
        catalog_path=STARS_CATALOG,
        currency="XTR",
        payment_provider_token="",
        admin_ids=frozenset(admins),
        **settings,
    )


def _no_english(text: str) -> None:
    assert not ENGLISH_WORDS.search(text.lower()), text


async def test_refusals_of_commands_and_files_speak_the_admins_language(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await _russian(admin)
    for command in (
        "/price NOPE-1 5.00",  # no such product
        "/price APP-TEE-ORG-M-OAT 5.00",  # a variant's SKU
        "/price KIT-MUG-CER abc",  # not an amount
        "/price KIT-MUG-CER 5.123",  # too many decimals
        "/price KIT-MUG-CER 20000",  # more than Telegram takes in one payment
    ):
        await admin.send(command)
        answer = await admin.wait_for(lambda m: m.text is not None)
        _no_english((answer.text or "").replace(command.split()[1], ""))

    bad = HEADER + "RU-1,Кружка,,Кухня,abc,USD,2,\nRU-2,Кружка,,Кухня,1.00,EURO,2,\n"
    await admin.send_document("bad.csv", bad.encode(), "text/csv")
    answer = await admin.wait_for("RU-2")
    _no_english((answer.text or "").replace("bad.csv", "").replace("EURO", ""))
    tee = {
        "sku": "RU-TEE",
        "title": "Футболка",
        "description": "",
        "category": "Одежда",
        "price": "5.00",
        "currency": "USD",
        "photo": "",
        "options": {"Размер": ["S|M"], "Цвет;": ["Белый"]},
        "variants": [
            {"sku": "RU-TEE-S", "values": {"Размер": "S"}, "stock": 1, "photos": ["s.png"]}
        ],
    }
    await admin.send_document("tee.json", json.dumps([tee]).encode(), "application/json")
    answer = await admin.wait_for("RU-TEE")
    assert "RU-TEE-S: photos: у варианта одно фото, в photo" in (answer.text or "")
    _no_english((answer.text or "").replace("tee.json", ""))
    await admin.send_document("broken.json", b"{not json", "application/json")
    answer = await admin.wait_for("broken.json")
    assert "JSON" in (answer.text or "") and "not valid" not in (answer.text or "")


async def test_each_admin_reads_the_low_stock_alert_in_their_own_language(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> None:
    """Ada reads English; Bea chose Spanish with /language. Ada lowers the mugs and a size of
    the tee to the threshold: Ada's alert says "Low stock", Bea's "Poco stock", not the
    shop's English, and each names the products in her language, as /stats does."""
    standin.user(BEA_ID, "Bea")
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(
        tmp_path,
        standin=standin,
        admin_ids=frozenset({ADMIN_ID, BEA_ID}),
        low_stock_threshold=3,
    ) as shop:
        ada, bea = shop.user(ADMIN_ID, "Ada"), shop.user(BEA_ID, "Bea")
        await bea.send("/language")
        await bea.press("Español", message=await bea.wait_for("Choose your language"))
        await bea.wait_for("A partir de ahora hablo")

        await ada.send("/stock KIT-MUG-CER 2")

        alert = await ada.wait_for("⚠️ Low stock (threshold 3):")
        assert "KIT-MUG-CER · Stoneware Mug 350ml: 2 left" in (alert.text or "")
        alert = await bea.wait_for("⚠️ Poco stock (umbral 3):")
        assert "Low stock" not in (alert.text or "")
        assert "KIT-MUG-CER · Taza de gres 350 ml" in (alert.text or "")

        await ada.send("/stock APP-TEE-ORG-M-OAT 1")
        alert = await bea.wait_for("APP-TEE-ORG-M-OAT")
        assert "APP-TEE-ORG-M-OAT · Camiseta orgánica - M / Avena" in (alert.text or "")
        await bea.send("/stats")
        stats = await bea.wait_for("APP-TEE-ORG-M-OAT")
        assert "Taza de gres 350 ml" in (stats.text or "")
        assert "Camiseta orgánica - M / Avena" in (stats.text or "")


async def test_each_admin_reads_a_paid_order_and_its_failed_download_in_their_own_language(
    tmp_path: Path,
) -> None:
    """A shop whose DEFAULT_LANGUAGE is Spanish has three admins: Ada wrote to the bot from an
    English Telegram, Bea chose Русский with /language, Dee never wrote to the bot. Sam buys
    the espresso guide and its file does not go out: each admin reads the new order and the
    failed download in her own language, the guide named in it (Dee, of whom the shop knows
    nothing, in the shop's Spanish)."""
    async with _stars_shop(tmp_path, ADMIN_ID, BEA_ID, DEE_ID, default_language="es") as h:
        ada, bea, dee = h.user(ADMIN_ID, "Ada"), h.user(BEA_ID, "Bea"), h.user(DEE_ID, "Dee")
        sam = h.user(SHOPPER_ID, "Sam")
        await ada.send("/start")
        await ada.wait_for("Welcome to the shop")
        await _russian(bea)
        h.standin.fail_next("sendDocument")  # the guide does not reach Sam

        await open_invoice(sam, "STR-GDE-ESP")
        assert (await sam.pay()).ok

        await ada.wait_for("🛒 New paid order #1 from Sam")
        failed = await ada.wait_for("could not send", include_existing=True)
        assert "Espresso Dial-In Guide (PDF)" in (failed.text or "")
        paid = await bea.wait_for("🛒 Новый оплаченный заказ №1 от Sam")
        assert "Руководство по настройке эспрессо (PDF)" in (paid.text or "")
        failed = await bea.wait_for("не удалось отправить", include_existing=True)
        assert "Руководство по настройке эспрессо (PDF)" in (failed.text or "")
        await dee.wait_for("🛒 Nuevo pedido pagado n.º 1 de Sam")
        failed = await dee.wait_for("no se pudo enviar", include_existing=True)
        assert "Guía para ajustar el espresso (PDF)" in (failed.text or "")


async def test_a_russian_admin_reads_an_automatic_refund_in_the_orders_history_in_russian(
    tmp_path: Path,
) -> None:
    """Sam pays for the espresso guide twice (the first update reaches the bot late): the
    shop gives the second payment back by itself. Bea reads Russian: the line of the order's
    history that records that refund is Russian too, the charge and the Stars as they are."""
    async with _stars_shop(tmp_path, BEA_ID) as h:
        bea, sam = h.user(BEA_ID, "Bea"), h.user(SHOPPER_ID, "Sam")
        await _russian(bea)
        await open_invoice(sam, "STR-GDE-ESP")
        late = await sam.pay(lose_update=True)
        assert (await sam.pay()).ok and late.successful_payment_update is not None
        await bea.wait_for("🛒 Новый оплаченный заказ №1 от Sam")

        await sam.replay(late.successful_payment_update)
        await bea.wait_for("оплачен дважды")

        detail = await open_detail(bea, 1, "Заказ №{order_id} · ")
        charge = late.telegram_payment_charge_id
        assert f"(второй платёж {charge} возвращён: ⭐ " in (detail.text or "")
        assert "refunded" not in (detail.text or "")
