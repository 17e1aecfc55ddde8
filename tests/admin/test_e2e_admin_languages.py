"""An admin who reads Russian gets every answer to a wrong command or file in Russian: no
English left in refusals that used to be written in English only."""

from __future__ import annotations

import json
import re

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

HEADER = "sku,title,description,category,price,currency,stock,photo\n"
ENGLISH_WORDS = re.compile(
    r"\b(?:the|is|not|an|amount|there|product|variant|write|has|value|option|name)\b"
)


async def _russian(admin: FakeUser) -> None:
    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.wait_for("говорю")


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
        "variants": [{"sku": "RU-TEE-S", "values": {"Размер": "S"}, "stock": 1}],
    }
    await admin.send_document("tee.json", json.dumps([tee]).encode(), "application/json")
    answer = await admin.wait_for("RU-TEE")
    _no_english((answer.text or "").replace("tee.json", ""))
    await admin.send_document("broken.json", b"{not json", "application/json")
    answer = await admin.wait_for("broken.json")
    assert "JSON" in (answer.text or "") and "not valid" not in (answer.text or "")
