"""The stand-in against the real python-telegram-bot: what a shopper would see in Telegram."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.standin import BotApiStandIn, render
from bot.standin import errors as tg
from bot.standin.chats import PendingQuery

pytestmark = pytest.mark.asyncio
App = Application


async def test_text_round_trip_and_command_entity(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1001)
    await alice.send("hello there")
    reply = await alice.wait_for("echo: hello there")
    assert reply.from_bot and not reply.edited

    command = await alice.send("/start@shop_test_bot")
    update = standin.calls_to("getUpdates")
    assert update  # the bot is polling
    welcome = await alice.wait_for("Welcome")
    assert welcome.text == "Welcome to the shop!"  # HTML is shown without markup
    assert [b.label for b in welcome.all_buttons] == ["Add mug", "Same again", "Website"]
    assert command.message_id < welcome.message_id
    assert render(welcome).splitlines()[-1] == "[Same again] [Website]"


async def test_button_press_answer_and_edit(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1002)
    await alice.send("/start")
    menu = await alice.wait_for("Welcome")

    answer = await alice.press("Add")
    assert answer.text == "Added to cart" and not answer.show_alert
    edited = await alice.wait_for("Mug added")
    assert edited.message_id == menu.message_id and edited.edited
    assert [b.label for b in edited.all_buttons] == ["Undo"]
    assert len(alice.messages) == 1

    with pytest.raises(LookupError, match=r"(?i)\[Undo\]"):
        alice.find_button("Checkout")


async def test_forged_callback_data_round_trip(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1003)
    await alice.send("/start")
    menu = await alice.wait_for("Welcome")
    answer = await alice.press_data(menu, "forged:999")
    assert answer.text == "unknown action forged:999" and answer.show_alert
    call = standin.calls_to("answerCallbackQuery")[-1]
    assert call.ok and call.params["show_alert"] is True


async def test_identical_edit_raises_not_modified(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1004)
    await alice.send("/start")
    await alice.wait_for("Welcome")
    await alice.press("Same again")
    failure = await alice.wait_for("edit failed")
    errors = app.bot_data["errors"]
    assert isinstance(errors[0], BadRequest)
    # PTB strips "Bad Request: " and capitalises the first letter of the description.
    assert (
        failure.text == "edit failed: Message is not modified: specified new message content "
        "and reply markup are exactly the same as a current content and reply markup of the message"
    )
    failed = standin.calls_to("editMessageText")[-1]
    assert not failed.ok and failed.error_code == 400


async def test_answering_a_query_twice_is_refused(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1005)
    await alice.send("/start")
    await alice.wait_for("Welcome")
    await alice.press("Add mug")
    query_id = standin.calls_to("answerCallbackQuery")[-1].params["callback_query_id"]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await app.bot.answer_callback_query(query_id)


async def test_a_button_answer_over_200_utf16_units_is_refused(
    standin: BotApiStandIn, app: App
) -> None:
    """Telegram counts the 200 of an answer's text in UTF-16 units: 📦 is two."""
    alice = standin.user(1016)
    await alice.send("/start")
    await alice.wait_for("Welcome")
    for query_id in ("fits", "too-long"):
        standin.queries[query_id] = PendingQuery(
            query_id, "callback_query", alice.user_id, time.monotonic(), {}
        )
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await app.bot.answer_callback_query("too-long", "📦" * 101)  # 101 characters
    assert await app.bot.answer_callback_query("fits", "📦" * 100)


async def test_invoice_validation_errors(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1006)
    await alice.send("/badinvoice")
    report = await alice.wait_for("long payload")
    assert report.text is not None
    # PTB's BadRequest.message is str.capitalize()d: "Invoice_payload_invalid".
    lines = dict(line.upper().split(": ", 1) for line in report.text.splitlines())
    assert lines == {
        "LONG PAYLOAD": "INVOICE_PAYLOAD_INVALID",
        "STARS WITH TWO PRICES": "STARS_INVOICE_INVALID",
        "STARS WITH SHIPPING": "STARS_INVOICE_INVALID",
        "STARS WITH TOKEN": "STARS_INVOICE_INVALID",
        "USD WITHOUT TOKEN": "PAYMENT_PROVIDER_INVALID",
    }
    assert not any(m.invoice for m in alice.messages)


async def test_invoice_title_and_description_count_utf16_units_as_telegram_does(
    standin: BotApiStandIn, app: App
) -> None:
    """A title of 1-32 and a description of 1-255, in UTF-16 units: 📦 is two."""
    from telegram import LabeledPrice

    alice = standin.user(1017)
    await alice.send("/start")
    await alice.wait_for("Welcome")

    async def invoice(title: str, description: str) -> None:
        await app.bot.send_invoice(
            alice.user_id, title, description, "p", "USD", [LabeledPrice("Mug", 1200)], "T"
        )

    await invoice("📦" * 16, "📦" * 127 + "x")  # 32 and 255 units: both fit
    with pytest.raises(BadRequest, match=r"(?i)INVOICE_TITLE_INVALID"):
        await invoice("📦" * 16 + "x", "Mugs")  # 17 characters, 33 units
    with pytest.raises(BadRequest, match=r"(?i)INVOICE_DESCRIPTION_INVALID"):
        await invoice("Mugs", "📦" * 128)  # 128 characters, 256 units


async def test_full_payment_with_shipping_and_tip(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1007)
    await alice.send("/buy")
    invoice_message = await alice.wait_for("Blue mug")
    assert invoice_message.invoice is not None
    assert (
        invoice_message.invoice["is_flexible"] and invoice_message.invoice["payload"] == "order-42"
    )
    assert "Total: 13.00 USD" in render(invoice_message)

    result = await alice.pay(shipping_option_id="exp", tip_amount=200)
    assert result.ok and result.stage == "paid"
    assert result.total_amount == 1200 + 100 + 1500 + 200 and result.currency == "USD"
    assert result.provider_payment_charge_id and result.provider_payment_charge_id.startswith("ch_")
    thanks = await alice.wait_for("Paid 3000 USD")
    assert f"charge {result.telegram_payment_charge_id}" in (thanks.text or "")
    assert result.successful_payment_update is not None
    paid_msg = result.successful_payment_update["message"]["successful_payment"]
    assert paid_msg["shipping_option_id"] == "exp"
    assert paid_msg["order_info"]["shipping_address"]["country_code"] == "US"


async def test_payment_refused_at_shipping_and_pre_checkout(
    standin: BotApiStandIn, app: App
) -> None:
    alice = standin.user(1008)
    await alice.send("/buy")
    await alice.wait_for("Blue mug")
    abroad = await alice.pay(shipping_address={"country_code": "FR", "city": "Paris"})
    assert (abroad.ok, abroad.stage, abroad.error_message) == (
        False,
        "shipping",
        "We only ship to the US",
    )
    tampered = await alice.pay(currency="EUR")
    assert (tampered.ok, tampered.stage) == (False, "pre_checkout")
    assert tampered.error_message == "Price changed, please retry"
    assert not standin.charges


async def test_shipping_options_past_the_currencys_maximum_are_refused_like_telegram(
    standin: BotApiStandIn, app: App
) -> None:
    """The order is $10.00 under Telegram's maximum for one payment; the bot offers express
    shipping at $15.00 anyway: Telegram answers its answerShippingQuery with a 400, and the
    shopper's form cannot go on."""
    alice = standin.user(1010)
    await alice.send("/buybig")
    await alice.wait_for("Espresso machine")

    result = await alice.pay(shipping_option_id="std")

    assert (result.ok, result.stage) == (False, "shipping")
    refused = standin.calls_to("answerShippingQuery")[-1]
    assert not refused.ok and refused.error_code == 400
    assert refused.result_or_error == tg.CURRENCY_TOTAL_AMOUNT_INVALID
    assert not standin.charges


async def test_a_tip_above_max_tip_amount_is_refused_even_when_the_bot_accepts_it(
    standin: BotApiStandIn, app: App
) -> None:
    """The invoice allows a tip of $5.00; a tampered form pays $5.01 more than goods and
    shipping and the bot's pre-checkout says yes: Telegram refuses the answer with a 400
    and takes no money."""
    alice = standin.user(1011)
    await alice.send("/buy")
    await alice.wait_for("Blue mug")

    result = await alice.pay(shipping_option_id="std", total_amount=1300 + 500 + 501)

    assert (result.ok, result.stage) == (False, "pre_checkout")
    refused = standin.calls_to("answerPreCheckoutQuery")[-1]
    assert not refused.ok and refused.error_code == 400
    assert refused.result_or_error == tg.TIP_AMOUNT_INVALID
    assert not standin.charges
    within = await alice.pay(shipping_option_id="std", total_amount=1300 + 500 + 500)
    assert within.ok and within.total_amount == 2300


async def test_stars_payment_and_refund(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1009)
    await alice.send("/stars")
    await alice.wait_for("Wallpaper")
    result = await alice.pay()
    assert result.ok and result.currency == "XTR" and result.provider_payment_charge_id == ""
    await alice.wait_for("Paid 50 XTR")
    charge = result.telegram_payment_charge_id
    assert charge is not None

    assert await app.bot.refund_star_payment(alice.user_id, charge)
    assert [(r.user_id, r.telegram_payment_charge_id) for r in standin.star_refunds] == [
        (alice.user_id, charge)
    ]
    with pytest.raises(BadRequest, match=r"(?i)CHARGE_ALREADY_REFUNDED"):
        await app.bot.refund_star_payment(alice.user_id, charge)
    with pytest.raises(BadRequest, match=r"(?i)CHARGE_NOT_FOUND"):
        await app.bot.refund_star_payment(alice.user_id, "stxn_unknown")


async def test_duplicate_delivery_is_a_new_update(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1010)
    await alice.send("/stars")
    await alice.wait_for("Wallpaper")
    result = await alice.pay()
    assert result.successful_payment_update is not None
    await alice.wait_for("Paid 50 XTR")
    again = await alice.replay(result.successful_payment_update)
    assert again["update_id"] > result.successful_payment_update["update_id"]
    await alice.wait_for("Paid 50 XTR")  # the bot handled the duplicate (and should dedupe)
    assert len([m for m in alice.messages if "Paid" in (m.text or "")]) == 2


async def test_blocked_user_gets_403(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1011)
    alice.block()
    await alice.send("hello")
    failed = await alice.wait_for_call("sendMessage", lambda call: not call.ok)
    assert failed.error_code == 403 and failed.result_or_error == tg.BOT_BLOCKED
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await app.bot.send_message(alice.user_id, "are you there?")
    alice.unblock()
    await app.bot.send_message(alice.user_id, "welcome back")
    assert alice.last_message is not None and alice.last_message.text == "welcome back"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await app.bot.send_message(999_999, "nobody")


async def test_user_document_download_and_photo_by_file_id(
    standin: BotApiStandIn, app: App
) -> None:
    alice = standin.user(1012)
    await alice.send_document("list.txt", b"two mugs", "text/plain")
    got = await alice.wait_for("got list.txt")
    assert got.text == "got list.txt: two mugs"

    sent = await alice.send_photo(caption="my mug")
    echoed = await alice.wait_for("Nice photo")
    assert echoed.photo == sent.photo and echoed.kind == "photo"
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await app.bot.edit_message_text("x", chat_id=alice.user_id, message_id=echoed.message_id)
    await app.bot.edit_message_caption(
        chat_id=alice.user_id, message_id=echoed.message_id, caption="Edited"
    )
    assert echoed.text == "Edited" and not echoed.buttons  # no markup given: keyboard removed


async def test_bot_upload_gets_new_file_id(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1013)
    message = await app.bot.send_photo(alice.user_id, b"\x89PNG fake", caption="Catalog")
    file_id = message.photo[-1].file_id
    assert file_id in standin.files and alice.last_message is not None
    assert alice.last_message.photo == file_id
    downloaded = await (await app.bot.get_file(file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"\x89PNG fake"
    url_photo = await app.bot.send_photo(alice.user_id, "https://example.com/mug.jpg")
    assert url_photo.photo and alice.last_message.photo == "https://example.com/mug.jpg"
    await app.bot.delete_message(alice.user_id, url_photo.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await app.bot.delete_message(alice.user_id, url_photo.message_id)


async def test_files_past_telegrams_limits_are_refused(standin: BotApiStandIn, app: App) -> None:
    """A bot uploads at most 50 MB (a photo 10 MB) and downloads at most 20 MB."""
    alice = standin.user(1015)
    with pytest.raises(TelegramError, match="Request Entity Too Large"):
        await app.bot.send_document(alice.user_id, b"x" * (50 * 1024 * 1024 + 1), filename="a.csv")
    with pytest.raises(TelegramError, match="Request Entity Too Large"):
        await app.bot.send_photo(alice.user_id, b"x" * (10 * 1024 * 1024 + 1))
    fits = await app.bot.send_document(alice.user_id, b"x" * (20 * 1024 * 1024), filename="b.csv")
    assert fits.document is not None
    assert (await app.bot.get_file(fits.document.file_id)).file_size == 20 * 1024 * 1024
    big = standin.store_file("document", b"x" * (20 * 1024 * 1024 + 1), file_name="c.csv")
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await app.bot.get_file(big.file_id)


async def test_text_limits_and_button_data(standin: BotApiStandIn, app: App) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    alice = standin.user(1014)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await app.bot.send_message(alice.user_id, "x" * 4097)
    await app.bot.send_message(alice.user_id, "🛒" * 2048)  # 4,096 UTF-16 units: fits
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):  # 2,049 characters
        await app.bot.send_message(alice.user_id, "🛒" * 2048 + "x")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await app.bot.send_message(alice.user_id, " ")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await app.bot.send_message(
            alice.user_id,
            "pick",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("é", callback_data="é" * 33)]]
            ),
        )
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await app.bot.send_message(alice.user_id, "<b>bold", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=alice.user_id, message_id=424242)


async def test_commands_per_scope(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1015)
    await app.bot.set_my_commands([BotCommand("start", "Open the shop")])
    await app.bot.set_my_commands(
        [BotCommand("cart", "Your cart")], scope=BotCommandScopeAllPrivateChats()
    )
    await app.bot.set_my_commands(
        [BotCommand("admin", "Run the shop")],
        scope=BotCommandScopeChat(alice.user_id),
        language_code="ru",
    )
    assert standin.commands() == ["start"]
    assert standin.commands("all_private_chats") == ["cart"]
    assert standin.commands(f"chat:{alice.user_id}", "ru") == ["admin"]
    assert standin.commands(f"chat:{alice.user_id}") == []
    fetched = await app.bot.get_my_commands(
        scope=BotCommandScopeChat(alice.user_id), language_code="ru"
    )
    assert [c.command for c in fetched] == ["admin"]
    await app.bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert standin.commands("all_private_chats") == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await app.bot.set_my_commands([BotCommand("Bad Command", "x")])


async def test_flood_control_429(standin: BotApiStandIn, app: App) -> None:
    alice = standin.user(1016)
    standin.flood_limit_per_second = 3
    for n in range(3):
        await app.bot.send_message(alice.user_id, f"message {n}")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(alice.user_id, "one too many")
    refused = standin.calls_to("sendMessage")[-1]
    assert (
        refused.error_code == 429 and refused.result_or_error == "Too Many Requests: retry after 1"
    )
    assert len(alice.messages) == 3


async def test_raw_http_envelope(standin: BotApiStandIn) -> None:
    """Telegram's envelope, wrong tokens, unknown methods, JSON bodies and query strings."""
    alice = standin.user(1017)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{standin.base_url}{standin.token}/getMe") as response:
            body = await response.json()
            assert response.status == 200 and body["ok"] and body["result"]["is_bot"]
        async with http.get(f"{standin.base_url}1:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{standin.base_url}{standin.token}/noSuchMethod") as response:
            assert response.status == 404 and (await response.json())["description"] == "Not Found"
        url = f"{standin.base_url}{standin.token}/sendMessage"
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        async with http.post(
            url, json={"chat_id": alice.user_id, "text": "json", "reply_markup": markup}
        ) as response:
            result = (await response.json())["result"]
            assert result["reply_markup"] == markup and result["chat"]["type"] == "private"
        as_text = {
            "chat_id": str(alice.user_id),
            "text": "strings",
            "reply_markup": json.dumps(markup),
        }
        async with http.post(url, json=as_text) as response:  # read as a form's fields are
            assert (await response.json())["result"]["reply_markup"] == markup
        async with http.get(url, params={"chat_id": str(alice.user_id), "text": "query"}) as r:
            assert (await r.json())["result"]["text"] == "query"
        form = {"chat_id": str(alice.user_id), "text": "form", "reply_markup": json.dumps(markup)}
        async with http.post(url, data=form) as response:
            assert (await response.json())["ok"]
        async with http.post(url, data={"chat_id": str(alice.user_id), "text": ""}) as response:
            assert await response.json() == {
                "ok": False,
                "error_code": 400,
                "description": tg.MESSAGE_TEXT_EMPTY,
            }
    assert [m.text for m in alice.messages] == ["json", "strings", "query", "form"]


async def test_long_poll_waits_and_respects_allowed_updates(standin: BotApiStandIn) -> None:
    alice = standin.user(1018)
    url = f"{standin.base_url}{standin.token}/getUpdates"
    async with aiohttp.ClientSession() as http:

        async def get_updates(**form: str) -> list[dict[str, Any]]:
            async with http.post(url, data=form) as response:
                result: list[dict[str, Any]] = (await response.json())["result"]
                return result

        assert await get_updates(timeout="0", allowed_updates=json.dumps(["message"])) == []
        waiting = asyncio.create_task(get_updates(timeout="5"))
        await standin.wait_until(lambda: standin.waiting_polls or None, 5)
        await alice.send("hi")
        updates = await asyncio.wait_for(waiting, 5)
        assert [u["message"]["text"] for u in updates] == ["hi"]
        offset = str(updates[-1]["update_id"] + 1)

        await http.post(
            f"{standin.base_url}{standin.token}/sendMessage",
            json={"chat_id": alice.user_id, "text": "menu"},
        )
        menu = alice.last_message
        assert menu is not None
        press = asyncio.create_task(alice.press_data(menu, "x", timeout=0.3))
        assert await get_updates(offset=offset, timeout="0") == []  # callback_query not allowed
        with pytest.raises(AssertionError, match=r"(?i)answerCallbackQuery"):
            await press
