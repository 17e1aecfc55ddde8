"""What a Mini App storefront needs from Telegram: invoice links and the chat's menu button."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    MenuButtonCommands,
    MenuButtonWebApp,
    TransactionPartnerUser,
    WebAppInfo,
)
from telegram.error import BadRequest
from telegram.ext import Application

from bot.standin import BotApiStandIn
from bot.standin import errors as tg

pytestmark = pytest.mark.asyncio
SHOP_URL = "https://shop.example/app"
MONTH = 30 * 24 * 60 * 60
WALLPAPER: dict[str, Any] = dict(
    title="Wallpaper",
    description="A digital wallpaper",
    payload="wall-1",
    currency="XTR",
    prices=[LabeledPrice("Wallpaper", 50)],
)


async def test_invoice_link_is_checked_like_an_invoice(
    standin: BotApiStandIn, app: Application
) -> None:
    """Every invoice sendInvoice refuses, createInvoiceLink refuses with the same words."""
    alice = standin.user(4000)
    base = dict(title="Mug", description="A mug", payload="p", currency="USD")
    refused = [
        dict(base, payload="x" * 129, provider_token="T", prices=[LabeledPrice("A", 5)]),
        dict(base, currency="XTR", prices=[LabeledPrice("A", 5), LabeledPrice("B", 5)]),
        dict(base, currency="XTR", prices=[LabeledPrice("A", 5)], need_shipping_address=True),
        dict(base, prices=[LabeledPrice("A", 5)]),  # no provider token
        dict(base, title="T" * 33, provider_token="T", prices=[LabeledPrice("A", 5)]),
        dict(base, provider_token="T", prices=[LabeledPrice("A", 0)]),
    ]
    for invoice in refused:
        with pytest.raises(BadRequest) as by_link:
            await app.bot.create_invoice_link(**invoice)
        with pytest.raises(BadRequest) as by_message:
            await app.bot.send_invoice(alice.user_id, **invoice)
        assert by_link.value.message == by_message.value.message
    assert not alice.messages and not standin.invoice_links


async def test_a_stars_invoice_link_is_paid_like_an_invoice(
    standin: BotApiStandIn, app: Application
) -> None:
    alice = standin.user(4001)
    link = await app.bot.create_invoice_link(**WALLPAPER)
    assert link.startswith("https://t.me/$") and len(link) > len("https://t.me/$") + 20
    result = await alice.pay_invoice_link(link)
    assert result.ok and (result.total_amount, result.currency) == (50, "XTR")
    await alice.wait_for(f"Paid 50 XTR, charge {result.telegram_payment_charge_id}")
    paid = alice.sent_messages[-1].successful_payment
    assert paid is not None and paid["invoice_payload"] == "wall-1"
    history = await app.bot.get_star_transactions()
    assert [t.id for t in history.transactions] == [result.telegram_payment_charge_id]


async def test_a_flexible_link_asks_for_shipping_and_pays_in_the_private_chat(
    standin: BotApiStandIn, app: Application
) -> None:
    alice = standin.user(4002)
    in_group = standin.group(-4002, "Friends", alice)
    link = await app.bot.create_invoice_link(
        "Blue mug",
        "A sturdy blue mug",
        "order-42",
        "USD",
        [LabeledPrice("Mug", 1200), LabeledPrice("Tax", 100)],
        provider_token="TEST:provider",
        need_shipping_address=True,
        is_flexible=True,
    )
    abroad = await in_group.pay_invoice_link(link, shipping_address={"country_code": "FR"})
    assert (abroad.ok, abroad.stage, abroad.error_message) == (
        False,
        "shipping",
        "We only ship to the US",
    )
    result = await in_group.pay_invoice_link(link, shipping_option_id="exp")
    assert result.ok and result.total_amount == 1200 + 100 + 1500
    await alice.wait_for("Paid 2800 USD")  # the receipt comes in the private chat
    assert alice.sent_messages[-1].successful_payment is not None
    assert in_group.sent_messages == []


async def test_a_monthly_stars_subscription_link(standin: BotApiStandIn, app: Application) -> None:
    alice = standin.user(4003)
    link = await app.bot.create_invoice_link(**WALLPAPER, subscription_period=MONTH)
    result = await alice.pay_invoice_link(link)
    assert result.successful_payment_update is not None
    paid = result.successful_payment_update["message"]["successful_payment"]
    assert paid["is_recurring"] and paid["is_first_recurring"]
    assert paid["subscription_expiration_date"] >= time.time() + MONTH - 60
    source = (await app.bot.get_star_transactions()).transactions[-1].source
    assert isinstance(source, TransactionPartnerUser) and source.subscription_period is not None
    assert source.subscription_period.total_seconds() == MONTH

    with pytest.raises(BadRequest, match=r"(?i)SUBSCRIPTION_PERIOD_INVALID"):  # a week
        await app.bot.create_invoice_link(**WALLPAPER, subscription_period=7 * 24 * 60 * 60)
    with pytest.raises(BadRequest, match=r"(?i)SUBSCRIPTION_PERIOD_INVALID"):  # not in Stars
        await app.bot.create_invoice_link(
            **dict(WALLPAPER, currency="USD", prices=[LabeledPrice("Wallpaper", 500)]),
            provider_token="TEST:provider",
            subscription_period=MONTH,
        )


async def test_an_unknown_link_cannot_be_paid(standin: BotApiStandIn) -> None:
    with pytest.raises(LookupError, match="no invoice link"):
        await standin.user(4004).pay_invoice_link("https://t.me/$nothing-here")


async def test_the_menu_button_opens_the_shop(standin: BotApiStandIn, app: Application) -> None:
    alice, bob = standin.user(4005), standin.user(4006)
    assert alice.menu_button == {"type": "commands"}
    await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp("Shop", WebAppInfo(SHOP_URL)))
    shop_button = {"type": "web_app", "text": "Shop", "web_app": {"url": SHOP_URL}}
    assert alice.menu_button == bob.menu_button == shop_button
    await app.bot.set_chat_menu_button(bob.user_id, MenuButtonCommands())
    assert (alice.menu_button, bob.menu_button) == (shop_button, {"type": "commands"})
    fetched = await app.bot.get_chat_menu_button()
    assert isinstance(fetched, MenuButtonWebApp) and fetched.web_app.url == SHOP_URL

    with pytest.raises(BadRequest, match=r"(?i)only https links are allowed"):
        await app.bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp("Shop", WebAppInfo("http://127.0.0.1:8080/"))
        )
    assert alice.menu_button == shop_button


async def test_malformed_menu_buttons_get_telegrams_answers(standin: BotApiStandIn) -> None:
    url = f"{standin.base_url}{standin.token}/setChatMenuButton"
    cases = [
        ({"type": "popup"}, tg.menu_button_invalid("MenuButton has unsupported type")),
        ({"type": "web_app", "web_app": {"url": SHOP_URL}}, 'Can\'t find field "text"'),
        ({"type": "web_app", "text": "Shop"}, 'Can\'t find field "web_app"'),
        ({"type": "web_app", "text": "Shop", "web_app": {}}, 'Can\'t find field "url"'),
        ("[]", tg.menu_button_invalid("MenuButton must be an Object")),
        ("{not json", tg.MENU_BUTTON_UNPARSABLE),
    ]
    async with aiohttp.ClientSession() as http:
        for button, expected in cases:
            form = {"menu_button": button if isinstance(button, str) else json.dumps(button)}
            async with http.post(url, data=form) as response:
                body = await response.json()
            assert response.status == 400 and expected in body["description"]


async def test_an_inline_button_can_open_the_shop(standin: BotApiStandIn, app: Application) -> None:
    alice = standin.user(4007)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Open the shop", web_app=WebAppInfo(SHOP_URL))]]
    )
    await app.bot.send_message(alice.user_id, "Welcome", reply_markup=keyboard)
    assert alice.last_message is not None
    assert alice.last_message.all_buttons[0].web_app == SHOP_URL
    with pytest.raises(BadRequest, match=r"(?i)web app url 'http://shop' is invalid"):
        await app.bot.send_message(
            alice.user_id,
            "Welcome",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Open", web_app=WebAppInfo("http://shop"))]]
            ),
        )
