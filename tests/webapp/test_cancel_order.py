"""✖️ Cancel order on the storefront's order page: the chat's cancel (restock, a real
localstripe refund or refundStarPayment, the admins told), asked first in the page. A stale
page, a doubled tap, someone else's order and a malformed id each get their answer, in her
language, and nothing is refunded twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases.orders import ship_order
from tests.e2e.shopper import cancel_in_chat, open_order, screen, shown
from tests.e2e.test_cancel_order import (
    ADMIN_ID,
    SAM,
    card_paid_order,
    mugs_in_stock,
    stars_paid_order,
    status_of,
)
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    card_shop,
    stars_harness,
    stripe_account,
)
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, init_data_for, storefront_on, storefront_url

# Her $21.00 back once (Stripe, the shop's refunds, the order) and the mug back on the shelf.
ALL_BACK = (2100, 1, ("refunded", 2100, False), (10, 0))


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    """A card shop (localstripe) with its storefront on; Ada its admin."""
    async with card_shop(tmp_path, localstripe, **storefront_on()) as harness:
        yield harness


def page_for(h: ShopHarness, http: aiohttp.ClientSession, user: FakeUser) -> Page:
    return Page(http, storefront_url(h), init_data_for(h, user))


async def refunds_of(h: ShopHarness, order_id: int) -> int:
    async with h.store.uow() as uow:
        return len(await uow.refunds.for_order(order_id))


async def books(
    h: ShopHarness, account: StripeTestAccount, charge: str, order_id: int
) -> tuple[int, int, tuple[str, int, bool], tuple[int, int]]:
    """What Stripe gave back of the charge, how many refunds the shop recorded, the order
    (status, refunded, flagged) and the mugs (stock, reserved)."""
    given_back = (await account.charge_info(charge)).amount_refunded
    return (
        given_back,
        await refunds_of(h, order_id),
        await status_of(h, order_id),
        await mugs_in_stock(h),
    )


async def test_sam_cancels_his_card_paid_order_from_the_page_and_gets_it_all_back(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    page = page_for(h, http, sam)

    before = await page.ok("GET", f"orders/{order_id}")
    assert before["cancel"] == {
        "amount": 2100,
        "currency": "USD",
        "amount_text": "$21.00",
        "question": f"Cancel order #{order_id}? You get $21.00 back to your card.",
    }
    assert await status_of(h, order_id) == ("paid", 0, False)  # asking changes nothing

    done = await page.ok("POST", f"orders/{order_id}/cancel")
    assert done["notice"] == f"✖️ Your order #{order_id} has been cancelled. We refunded $21.00."
    after = done["order"]
    assert (after["status"], after["status_label"]) == ("refunded", "↩️ Refunded")
    assert (after["refunded_amount"], after["refunded_text"], after["cancel"]) == (
        2100,
        "$21.00",
        None,
    )
    assert after == await page.ok("GET", f"orders/{order_id}")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 2100
    assert await status_of(h, order_id) == ("refunded", 2100, False)
    assert await mugs_in_stock(h) == (10, 0)
    alert = await admin.wait_for("cancelled by the shopper")
    assert alert.text == f"✖️ Order #{order_id} was cancelled by the shopper; refunded $21.00."

    await open_order(sam, order_id)  # the chat agrees
    assert "↩️ Refunded" in shown(sam) and "Refunded: $21.00" in shown(sam)
    assert "Cancel order" not in screen(sam)
    again = await page.call("POST", f"orders/{order_id}/cancel")  # a second tap, later
    assert again == (
        409,
        {"error": f"Order #{order_id} can no longer be cancelled: it is ↩️ Refunded."},
    )
    assert await books(h, stripe_account, charge, order_id) == ALL_BACK


async def test_two_taps_at_once_refund_once_on_either_database(
    tmp_path: Path,
    migrated_database_url: str,
    localstripe: str,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Yes tapped twice (two requests at the same moment): one cancels, the other is told the
    order has gone on; PostgreSQL lets both read it paid before either writes."""
    url = migrated_database_url
    async with card_shop(tmp_path, localstripe, database_url=url, **storefront_on()) as h:
        sam = h.user(SAM, "Sam")
        order_id, charge = await card_paid_order(h, sam, stripe_account)
        page = page_for(h, http, sam)
        both = await asyncio.gather(
            page.call("POST", f"orders/{order_id}/cancel"),
            page.call("POST", f"orders/{order_id}/cancel"),
        )
        (lost_status, lost), (won_status, won) = sorted(both, key=lambda answer: -answer[0])
        assert (won_status, won["notice"]) == (
            200,
            f"✖️ Your order #{order_id} has been cancelled. We refunded $21.00.",
        )
        gone_on = f"Order #{order_id} can no longer be cancelled: it is "
        assert lost_status == 409
        assert lost["error"] in (gone_on + "✖️ Cancelled.", gone_on + "↩️ Refunded.")
        assert await books(h, stripe_account, charge, order_id) == ALL_BACK


async def test_a_stale_page_is_refused_and_shows_the_order_as_it_is(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    sam = h.user(SAM, "Sam")
    shipped, shipped_charge = await card_paid_order(h, sam, stripe_account)
    page = page_for(h, http, sam)
    assert (await page.ok("GET", f"orders/{shipped}"))["cancel"] is not None
    await ship_order(h.shop, shipped, actor=f"admin:{ADMIN_ID}")  # meanwhile, the shop ships
    assert await page.call("POST", f"orders/{shipped}/cancel") == (
        409,
        {"error": f"Order #{shipped} can no longer be cancelled: it is 🚚 Shipped."},
    )
    assert (await page.ok("GET", f"orders/{shipped}"))["cancel"] is None
    assert await books(h, stripe_account, shipped_charge, shipped) == (
        0,
        0,
        ("shipped", 0, False),
        (9, 0),
    )

    flagged, _ = await card_paid_order(h, sam, stripe_account)
    async with h.store.uow() as uow:
        order = await uow.orders.get(flagged)
        assert order is not None
        uow.orders.flag_for_review(order, "amount mismatch")
    assert (await page.ok("GET", f"orders/{flagged}"))["cancel"] is None
    assert await page.call("POST", f"orders/{flagged}/cancel") == (
        409,
        {"error": f"Order #{flagged} is being checked by the shop: it will write to you about it."},
    )
    assert await status_of(h, flagged) == ("paid", 0, True)

    in_chat, in_chat_charge = await card_paid_order(h, sam, stripe_account)
    await cancel_in_chat(sam, in_chat)  # the page still shows it paid
    assert await page.call("POST", f"orders/{in_chat}/cancel") == (
        409,
        {"error": f"Order #{in_chat} can no longer be cancelled: it is ↩️ Refunded."},
    )
    assert await books(h, stripe_account, in_chat_charge, in_chat) == (
        2100,
        1,
        ("refunded", 2100, False),
        (8, 0),  # of ten: one shipped, one flagged
    )


async def test_someone_elses_order_an_unknown_one_and_a_malformed_id_are_refused(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam, eve = h.user(SAM, "Sam"), h.user(1002, "Eve")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    eves = page_for(h, http, eve)
    not_hers = (404, {"error": "That order is not in your history."})
    assert await eves.call("GET", f"orders/{order_id}") == not_hers
    for forged in (str(order_id), "999999", "9" * 19, "0"):
        assert await eves.call("POST", f"orders/{forged}/cancel") == not_hers, forged
    malformed = (400, {"error": "order_id must be a whole number from 0."})
    for bad in ("seven", "7.5", "-1", "%C2%B2", "0x7"):
        assert await eves.call("POST", f"orders/{bad}/cancel") == malformed, bad
    assert await books(h, stripe_account, charge, order_id) == (0, 0, ("paid", 0, False), (9, 0))


async def test_a_shopper_who_chose_russian_is_asked_and_refused_in_russian(
    h: ShopHarness,
    http: aiohttp.ClientSession,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    olga = h.user(SAM, "Olga")  # her Telegram speaks English; /language: русский
    order_id, _ = await card_paid_order(h, olga, stripe_account)
    async with h.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(SAM)
        assert customer is not None
        await uow.customers.set_language(customer.id, "ru")
    page = page_for(h, http, olga)
    offer = (await page.ok("GET", f"orders/{order_id}"))["cancel"]
    assert offer["question"] == f"Отменить заказ №{order_id}? 21,00\u00a0$ вернутся на вашу карту."
    texts = (await page.ok("GET", "texts"))["texts"]
    assert (texts["✖️ Cancel order"], texts["✖️ Yes, cancel it"], texts["⬅ No, keep it"]) == (
        "✖️ Отменить заказ",
        "✖️ Да, отменить",
        "⬅ Нет, оставить",
    )
    await ship_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    status, refused = await page.call("POST", f"orders/{order_id}/cancel")
    assert (status, refused["error"]) == (
        409,
        f"Заказ №{order_id} уже нельзя отменить: его статус — 🚚 Отправлен.",
    )


async def test_a_stars_order_cancelled_from_the_page_gets_its_stars_back(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    async with stars_harness(tmp_path, **storefront_on()) as h:
        assert h.shop is not None
        admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
        order_id, charge_id = await stars_paid_order(h, sam)
        page = page_for(h, http, sam)

        offer = (await page.ok("GET", f"orders/{order_id}"))["cancel"]
        assert offer["question"] == (
            f"Cancel order #{order_id}? You get ⭐ 150 back to your Telegram balance."
        )
        done = await page.ok("POST", f"orders/{order_id}/cancel")
        assert "We refunded ⭐ 150" in done["notice"]
        assert [r.telegram_payment_charge_id for r in h.standin.star_refunds] == [charge_id]
        await admin.wait_for("cancelled by the shopper; refunded ⭐ 150")
        assert (await page.call("POST", f"orders/{order_id}/cancel"))[0] == 409
        assert len(h.standin.star_refunds) == 1


async def test_sam_taps_cancel_in_the_page_confirms_and_sees_his_order_cancelled(
    h: ShopHarness,
    browser: Browser,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam = h.user(SAM, "Sam")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    await browser.open_mini_app(storefront_url(h), init_data_for(h, sam))
    await browser.click("#to-orders")
    await browser.click(f".order-row[data-order-id='{order_id}']")
    await browser.find("#order[data-status='paid']")

    await browser.click("#cancel-order button", "✖️ Cancel order")
    await browser.find(
        "#cancel-order .question", f"Cancel order #{order_id}? You get $21.00 back to your card."
    )
    await browser.click("#cancel-no", "⬅ No, keep it")  # not yet
    await browser.click("#cancel-order button", "✖️ Cancel order")
    assert await status_of(h, order_id) == ("paid", 0, False)
    await browser.click("#cancel-yes", "✖️ Yes, cancel it")

    await browser.find("#order[data-status='refunded'] .status", "↩️ Refunded")
    await browser.find("#refunded", "Refunded: $21.00")
    await browser.find(
        "#notice", f"✖️ Your order #{order_id} has been cancelled. We refunded $21.00."
    )
    assert await browser.js("return document.querySelector('#cancel-order')") is None
    assert (await stripe_account.charge_info(charge)).amount_refunded == 2100
