"""↩️ Return items on the storefront's order page: the chat's rule decides whether her
delivered card order offers it, and the chat's own use case takes her request (the admins
alerted, the audit log written, one open request per order). A second or doubled send, an
order not hers or not returnable, and a body the API cannot read each get their answer, in
her language, and nothing is asked twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.e2e.shopper import open_order, screen, shown
from tests.e2e.test_return_restock import mugs_in_stock
from tests.e2e.test_returns import CUSHION, MUGS, card_order, requests_of
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    stripe_account,
    stripe_harness,
)
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, init_data_for, storefront_on, storefront_url

WAITING = "↩️ Return requested (waiting for the shop)"
REASONS = [
    {"code": "damaged", "label": "Damaged"},
    {"code": "wrong_item", "label": "Wrong item"},
    {"code": "fit", "label": "Doesn't fit"},
    {"code": "changed_mind", "label": "Changed my mind"},
    {"code": "other", "label": "Other"},
]
NOTHING_TO_RETURN = {
    "can_return": False,
    "state": None,
    "currency": None,
    "lines": [],
    "reasons": [],
}


@pytest.fixture
async def h(
    tmp_path: Path, localstripe: str, migrated_database_url: str
) -> AsyncIterator[ShopHarness]:
    """A card shop (localstripe) with its storefront on, Ada its admin; on each database."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with stripe_harness(
            tmp_path, standin, localstripe, database_url=migrated_database_url, **storefront_on()
        ) as harness:
            yield harness


def page_for(h: ShopHarness, http: aiohttp.ClientSession, user: FakeUser) -> Page:
    return Page(http, storefront_url(h), init_data_for(h, user))


async def line_ids(page: Page, order_id: int) -> dict[str, int]:
    """The order's returnable lines by what the page shows of them ("2 × Stoneware Mug")."""
    offered = (await page.ok("GET", f"orders/{order_id}"))["return"]["lines"]
    return {f"{line['quantity']} × {line['title']}": line["id"] for line in offered}


async def test_sam_returns_the_mugs_from_the_page_and_ada_is_alerted(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await card_order(h, sam, stripe_account)
    page = page_for(h, http, sam)

    before = (await page.ok("GET", f"orders/{order_id}"))["return"]
    ids = {f"{line['quantity']} × {line['title']}": line["id"] for line in before["lines"]}
    assert before == {
        "can_return": True,
        "state": None,
        "currency": "USD",
        "lines": [
            {"id": ids[MUGS], "title": "Stoneware Mug 350ml", "quantity": 2, "amount": 2880,
             "amount_text": "$28.80"},
            {"id": ids[CUSHION], "title": "Linen Cushion Cover", "quantity": 1, "amount": 2160,
             "amount_text": "$21.60"},
        ],
        "reasons": REASONS,
    }  # fmt: skip

    quote = await page.ok("GET", f"orders/{order_id}/return?lines={ids[MUGS]}&reason=damaged")
    assert quote == {
        "amount": 2880,
        "currency": "USD",
        "amount_text": "$28.80",
        "question": f"↩️ Return from order #{order_id}: {MUGS}.\nReason: Damaged.\n"
        "If the shop approves, you get $28.80 back to your card.",
    }  # the chat's own question; asking sends nothing
    both = await page.ok("GET", f"orders/{order_id}/return?lines={ids[MUGS]},{ids[CUSHION]}")
    assert (both["amount_text"], await requests_of(h, order_id)) == ("$50.40", [])

    done = await page.ok(
        "POST", f"orders/{order_id}/return", {"lines": [ids[MUGS]], "reason": "damaged"}
    )
    assert done["notice"] == (
        f"Return request #1 for order #{order_id} sent. The shop will answer here."
    )
    assert done["order"]["return"] == {**NOTHING_TO_RETURN, "state": WAITING}
    assert done["order"] == await page.ok("GET", f"orders/{order_id}")
    alert = await ada.wait_for("↩️ Return request #1")
    assert alert.text == (
        f"↩️ Return request #1, order #{order_id} from Sam: {MUGS} ($28.80). Reason: Damaged."
    )
    async with h.store.reading() as uow:
        audit = (await uow.session.execute(select(AuditEntry))).scalars().all()
    asked = [row for row in audit if row.action == "return.request"]
    assert [(row.target, row.details["actor"]) for row in asked] == [
        (f"order:{order_id}", f"customer:{SHOPPER_ID}")
    ]
    await open_order(sam, order_id)  # the chat agrees
    assert WAITING in shown(sam) and "Return items" not in screen(sam)

    again = await page.call(
        "POST", f"orders/{order_id}/return", {"lines": [ids[CUSHION]], "reason": "other"}
    )
    assert again == (
        409,
        {"error": f"Order #{order_id} already has a return request waiting for the shop."},
    )
    assert await requests_of(h, order_id) == [("requested", None)]


async def test_two_sends_at_once_make_one_request(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Send request tapped twice at the same moment: one request (the partial unique index),
    the other tap told one is waiting; PostgreSQL lets both read the order before either writes."""
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, _ = await card_order(h, sam, stripe_account)
    page = page_for(h, http, sam)
    mugs = (await line_ids(page, order_id))[MUGS]
    body = {"lines": [mugs], "reason": "fit"}
    both = await asyncio.gather(
        page.call("POST", f"orders/{order_id}/return", body),
        page.call("POST", f"orders/{order_id}/return", body),
    )
    assert sorted(status for status, _ in both) == [200, 409]
    refused = next(answer for status, answer in both if status == 409)
    assert refused == {
        "error": f"Order #{order_id} already has a return request waiting for the shop."
    }
    assert await requests_of(h, order_id) == [("requested", None)]


async def test_each_request_the_page_cannot_make_is_answered_and_changes_nothing(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam, eve = h.user(SHOPPER_ID, "Sam"), h.user(1002, "Eve")
    shipped, _ = await card_order(h, sam, stripe_account, delivered=False)
    order_id, _ = await card_order(h, sam, stripe_account)
    page = page_for(h, http, sam)
    mugs = (await line_ids(page, order_id))[MUGS]

    assert (await page.ok("GET", f"orders/{shipped}"))["return"] == NOTHING_TO_RETURN
    not_yet = await page.call("POST", f"orders/{shipped}/return", {"lines": [1], "reason": "fit"})
    assert not_yet == (
        409,
        {"error": f"Order #{shipped} can be returned once it has been delivered."},
    )
    await eve.send("/start")
    await eve.wait_for("Welcome")
    theirs = await page_for(h, http, eve).call(
        "POST", f"orders/{order_id}/return", {"lines": [mugs], "reason": "fit"}
    )
    assert theirs == (404, {"error": "That order is not in your history."})
    unknown = await page.call("POST", "orders/999999/return", {"lines": [mugs], "reason": "fit"})
    assert unknown == (404, {"error": "That order is not in your history."})

    url = f"orders/{order_id}/return"
    malformed = [
        ({"reason": "fit"}, "lines must be a list of at least one id."),
        ({"lines": [], "reason": "fit"}, "lines must be a list of at least one id."),
        ({"lines": ["mug"], "reason": "fit"}, "lines must hold whole numbers from 1."),
        (
            {"lines": [mugs, 999999], "reason": "fit"},
            f"Order #{order_id} has no line 999999 to return.",
        ),
        (
            {"lines": [mugs], "reason": "bored"},
            "reason must be one of: damaged, wrong_item, fit, changed_mind, other.",
        ),
        ([mugs], "The body must be a JSON object."),
    ]
    for body, said in malformed:
        assert await page.call("POST", url, body) == (400, {"error": said}), body
    headers = {"Authorization": f"tma {page.init_data}"}
    async with http.post(page.base + "api/" + url, data="{lines:", headers=headers) as bad_json:
        assert (bad_json.status, await bad_json.json()) == (
            400,
            {"error": "The body must be a JSON object."},
        )
    unknown_line = await page.call("GET", f"{url}?lines={mugs},999999")
    assert unknown_line == (400, {"error": f"Order #{order_id} has no line 999999 to return."})
    no_line = await page.call("GET", f"{url}?lines=&reason=fit")
    assert no_line == (400, {"error": "lines must be a list of at least one id."})
    odd = await page.call("POST", "orders/7.5/return", {"lines": [mugs], "reason": "fit"})
    assert odd == (400, {"error": "order_id must be a whole number from 0."})
    assert await requests_of(h, order_id) == [] and await requests_of(h, shipped) == []


@pytest.mark.parametrize(
    ("language", "damaged", "sent", "waiting", "no_lines", "buttons"),
    [
        (
            "ru",
            "Повреждён",
            "Запрос на возврат №1 по заказу №{order_id} отправлен. Магазин ответит здесь.",
            "По заказу №{order_id} уже есть запрос на возврат, он ждёт ответа магазина.",
            "lines: нужен список хотя бы из одного id.",
            ("↩️ Вернуть товары", "📨 Отправить запрос"),
        ),
        (
            "es",
            "Dañado",
            "Solicitud de devolución n.º 1 del pedido n.º {order_id} enviada. "
            "La tienda responderá aquí.",
            "El pedido n.º {order_id} ya tiene una solicitud de devolución esperando a la tienda.",
            "lines debe ser una lista de al menos un id.",
            ("↩️ Devolver artículos", "📨 Enviar solicitud"),
        ),
    ],
)
async def test_sam_returns_from_the_page_in_his_language(
    tmp_path: Path,
    localstripe: str,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
    language: str,
    damaged: str,
    sent: str,
    waiting: str,
    no_lines: str,
    buttons: tuple[str, str],
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with stripe_harness(tmp_path, standin, localstripe, **storefront_on()) as h:
            sam = h.user(SHOPPER_ID, "Sam", language_code=language)
            order_id, _ = await card_order(h, sam, stripe_account)
            page = page_for(h, http, sam)
            offer = (await page.ok("GET", f"orders/{order_id}"))["return"]
            assert offer["reasons"][0] == {"code": "damaged", "label": damaged}
            assert offer["lines"][0]["amount_text"].startswith("28,80")
            texts = (await page.ok("GET", "texts"))["texts"]
            assert (texts["↩️ Return items"], texts["📨 Send request"]) == buttons
            empty = await page.call("POST", f"orders/{order_id}/return", {"lines": []})
            assert empty == (400, {"error": no_lines})
            body = {"lines": [offer["lines"][0]["id"]], "reason": "damaged"}
            done = await page.ok("POST", f"orders/{order_id}/return", body)
            assert done["notice"] == sent.format(order_id=order_id)
            again = await page.call("POST", f"orders/{order_id}/return", body)
            assert again == (409, {"error": waiting.format(order_id=order_id)})


async def test_sam_ticks_the_mugs_in_the_page_and_sends_his_request(
    tmp_path: Path,
    localstripe: str,
    browser: Browser,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with stripe_harness(tmp_path, standin, localstripe, **storefront_on()) as h:
            ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
            order_id, _ = await card_order(h, sam, stripe_account)
            await browser.open_mini_app(storefront_url(h), init_data_for(h, sam))
            await browser.click("#to-orders")
            await browser.click(f".order-row[data-order-id='{order_id}']")
            await browser.find("#order[data-status='delivered']")

            await browser.click("#return-open", "↩️ Return items")
            await browser.find("#return-question", "Choose at least one item to return.")
            assert await browser.js("return document.querySelector('#return-send').disabled")
            await browser.click(".return-line", f"{MUGS} — $28.80")
            await browser.find(".return-line", f"{CUSHION} — $21.60")
            await browser.js(
                "const reason = document.querySelector('#return-reason');"
                "reason.value = 'damaged'; reason.dispatchEvent(new Event('change'));"
            )
            await browser.find(
                "#return-question",
                f"Return from order #{order_id}: {MUGS}.\nReason: Damaged.\n"
                "If the shop approves, you get $28.80 back to your card.",
            )
            assert await requests_of(h, order_id) == []  # asking sends nothing
            await browser.click("#return-send:not([disabled])", "📨 Send request")

            await browser.find(
                "#notice",
                f"Return request #1 for order #{order_id} sent. The shop will answer here.",
            )
            await browser.find("#return-state", WAITING)
            assert await browser.js("return document.querySelector('#return-open')") is None
            await ada.wait_for(f"↩️ Return request #1, order #{order_id} from Sam: {MUGS}")
            assert await requests_of(h, order_id) == [("requested", None)]


async def test_the_page_shows_what_the_shop_decided_in_the_chats_words(
    tmp_path: Path,
    localstripe: str,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Ada approves the mugs without putting them back in stock (the stock stays as it was),
    then declines the cushion cover with a reason: Sam's order page reads each outcome as his
    order in the chat does. SQLite only: nothing here differs by database."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with stripe_harness(tmp_path, standin, localstripe, **storefront_on()) as h:
            ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
            order_id, _ = await card_order(h, sam, stripe_account)
            page = page_for(h, http, sam)
            ids = await line_ids(page, order_id)
            stock = await mugs_in_stock(h)

            mugs = {"lines": [ids[MUGS]], "reason": "damaged"}
            await page.ok("POST", f"orders/{order_id}/return", mugs)
            await ada.press("✅ Approve and refund", message=await ada.wait_for("#1, order"))
            await ada.wait_for("Approve return #1")
            await ada.press("Yes, approve and refund")
            await sam.wait_for("✅ Your return #1 was approved")
            assert await mugs_in_stock(h) == stock  # not restocked: a damaged mug stays out
            approved = "↩️ Return #1 approved: $28.80 refunded."
            assert (await page.ok("GET", f"orders/{order_id}"))["return"]["state"] == approved
            await open_order(sam, order_id)
            assert approved in shown(sam)

            cover = {"lines": [ids[CUSHION]], "reason": "other"}
            await page.ok("POST", f"orders/{order_id}/return", cover)
            await ada.press("✖️ Decline", message=await ada.wait_for("#2, order"))
            await ada.wait_for("Decline return #2")
            await ada.send("Covers are not returnable once used.")
            await sam.wait_for("Your return request #2 was declined")
            declined = "↩️ Return #2 declined: Covers are not returnable once used."
            assert (await page.ok("GET", f"orders/{order_id}"))["return"]["state"] == declined
            await open_order(sam, order_id)
            assert declined in shown(sam)
