"""Parcel tracking: the admin ships with a tracking number and the shopper gets a 📦 Track
parcel button to the carrier's page (TRACKING_URL, the number URL-encoded in it), in her
notice, her /orders and on the storefront; a mistyped number is put right with ✏️ Tracking
number (or removed with "-") while the order is shipped, and she is told. On SQLite and on
PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.callback_data import EditTracking
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.usecases import admin_orders
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.e2e.shopper import open_order, past_order
from tests.webapp.conftest import init_data_for, storefront_on, storefront_url

TRACKING_URL = "https://www.17track.net/en/track?nums={number}"
UPS = "1Z999AA10123456784"
POSTAL = "RR 123/456 US"  # a space and a slash: both go URL-encoded into the page's address
POSTAL_URL = "https://www.17track.net/en/track?nums=RR%20123%2F456%20US"
AGAIN = "Send the tracking number, - to remove it, or /cancel."


@pytest.fixture
async def h(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop with one admin, a tracking page and its storefront on."""
    async with tracked_shop(tmp_path, seeded_database_url, tracking_url=TRACKING_URL) as shop:
        yield shop


def tracked_shop(tmp_path: Path, database_url: str, **settings: Any) -> ShopHarness:
    return ShopHarness(
        tmp_path,
        database_url=database_url,
        admin_ids=frozenset({ADMIN_ID}),
        **storefront_on(),
        **settings,
    )


def track_button(message: Message) -> str | None:
    """The 📦 Track parcel button's page, read from the message's reply_markup as Telegram
    got it (None: no such button)."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    found = [b for row in rows for b in row if b.get("text") == "📦 Track parcel"]
    if not found:
        return None
    (only,) = found
    assert "callback_data" not in only  # it opens the page: the bot is not asked
    return str(only["url"])


async def shipped_order(h: ShopHarness, ada: FakeUser, sam: FakeUser, number: str) -> int:
    """Sam's paid order of a mug, which Ada ships with `number` from its screen."""
    await sam.send("/start")
    await sam.wait_for("Welcome")
    order_id = await past_order(h, SHOPPER_ID, {"KIT-MUG-CER": 1}, status="paid")
    await open_detail(ada, order_id)
    await ada.press("🚚 Ship")
    await ada.wait_for("Send the tracking number")
    await ada.send(number)
    await ada.wait_for(f"Order #{order_id} · 🚚 Shipped")
    return order_id


async def her_order(h: ShopHarness, sam: FakeUser, order_id: int) -> Message:
    """Sam opens the order in /orders: its screen."""
    await open_order(sam, order_id)
    return await sam.wait_for(f"Order #{order_id}")


async def storefront_order(h: ShopHarness, sam: FakeUser, order_id: int) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{storefront_url(h)}api/orders/{order_id}",
            headers={"Authorization": f"tma {init_data_for(h, sam)}"},
        ) as response,
    ):
        assert response.status == 200
        found: dict[str, Any] = await response.json()
        return found


async def start_correction(ada: FakeUser, order_id: int) -> str:
    await open_detail(ada, order_id)
    await ada.press("✏️ Tracking number")
    asked = await ada.wait_for(f"Order #{order_id} ")
    return asked.text or ""


async def test_the_shopper_taps_track_parcel_in_her_notice_her_orders_and_the_storefront(
    h: ShopHarness,
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await shipped_order(h, ada, sam, POSTAL)

    notice = await sam.wait_for("is on its way")
    assert f"Tracking number: {POSTAL}" in (notice.text or "")
    assert track_button(notice) == POSTAL_URL

    screen = await her_order(h, sam, order_id)
    assert f"Tracking number: {POSTAL}" in (screen.text or "")
    assert track_button(screen) == POSTAL_URL

    page = await storefront_order(h, sam, order_id)
    assert (page["tracking_number"], page["tracking_url"]) == (POSTAL, POSTAL_URL)


async def test_a_mistyped_number_is_corrected_and_the_shopper_told(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await shipped_order(h, ada, sam, "1Z999AA1O123456784")  # an O for a 0
    await sam.wait_for("is on its way")

    asked = await start_correction(ada, order_id)
    assert asked == (
        f"Order #{order_id} has the tracking number 1Z999AA1O123456784. Send the right one, "
        "- to remove it, or /cancel."
    )
    await ada.send(UPS)
    await ada.wait_for(
        f"Order #{order_id}: the tracking number is {UPS} now. The shopper was notified."
    )
    screen = await ada.wait_for(f"Order #{order_id} · 🚚 Shipped")
    assert f"Tracking: {UPS}" in (screen.text or "")
    assert f"by admin:{ADMIN_ID} (tracking number {UPS})" in (screen.text or "")  # its history

    told = await sam.wait_for("New tracking number")
    assert told.text == f"📦 New tracking number for order #{order_id}: {UPS}"
    assert track_button(told) == TRACKING_URL.format(number=UPS)
    mine = await her_order(h, sam, order_id)
    assert f"Tracking number: {UPS}" in (mine.text or "")
    assert "1O1" not in (mine.text or "")
    assert (await storefront_order(h, sam, order_id))["tracking_number"] == UPS

    await ada.send("/audit")
    log = await ada.wait_for("Audit log")
    assert (
        f"admin:{ADMIN_ID} · changed the tracking number of order:{order_id} · "
        f"1Z999AA1O123456784 → {UPS}"
    ) in (log.text or "")


async def test_a_dash_removes_the_number_and_the_button_goes_with_it(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await shipped_order(h, ada, sam, UPS)
    await sam.wait_for("is on its way")

    await start_correction(ada, order_id)
    await ada.send(" - ")
    await ada.wait_for(f"Order #{order_id}: the tracking number was removed.")
    told = await sam.wait_for("has no tracking number any more")
    assert track_button(told) is None and not told.buttons
    mine = await her_order(h, sam, order_id)
    assert "Tracking" not in (mine.text or "") and track_button(mine) is None
    page = await storefront_order(h, sam, order_id)
    assert (page["tracking_number"], page["tracking_url"]) == (None, None)

    asked = await start_correction(ada, order_id)  # no number now: she may give one again
    assert asked == f"Order #{order_id} has no tracking number. Send one, or /cancel."
    await ada.send("-")  # none already: nothing changes, nobody is told
    await ada.wait_for(f"Order #{order_id} has no tracking number: nothing was changed.")
    await h.until_idle()
    assert sum("tracking number" in (m.text or "") for m in sam.messages) == 1


async def test_what_is_not_a_tracking_number_is_refused_and_asked_again(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await shipped_order(h, ada, sam, UPS)
    await start_correction(ada, order_id)

    rule = "A tracking number is one line of text (up to 128 characters)."
    await ada.send("X" * 129)
    await ada.wait_for(f"{rule} {AGAIN}")
    await ada.send("1Z999\nAA10")
    await ada.wait_for(f"{rule} {AGAIN}")
    await ada.send_photo()
    await ada.wait_for(f"{rule} {AGAIN}")
    await ada.send("/skip")  # Ship's word for "none" is not a number here
    await ada.wait_for("Send the right one, - to remove it, or /cancel.")
    assert await tracking_of(h, order_id) == UPS

    await ada.send("/cancel")
    await ada.wait_for("Cancelled. Nothing was changed.")
    await ada.send("JD014600003828")  # the step is over: not a number any more
    await h.until_idle()
    assert await tracking_of(h, order_id) == UPS
    assert not any("New tracking number" in (m.text or "") for m in sam.messages)


async def test_the_button_of_a_delivered_order_changes_nothing(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await shipped_order(h, ada, sam, UPS)
    shipped_screen = await open_detail(ada, order_id)
    stale = ada.find_button("✏️ Tracking number", shipped_screen)[1].callback_data
    await ada.press("📦 Delivered")
    delivered = await ada.wait_for(f"Order #{order_id} · 📦 Delivered")
    assert "✏️ Tracking number" not in [b.label for b in delivered.all_buttons]

    assert stale == EditTracking(order_id).encode()
    answer = await ada.press_data(delivered, stale)  # the button as the older screen had it
    said = f"The tracking number of order #{order_id} cannot be changed now: it is 📦 Delivered."
    assert answer.text == said
    await ada.send("JD014600003828")  # no step was opened
    await h.until_idle()
    assert await tracking_of(h, order_id) == UPS

    second = await shipped_order(h, ada, sam, UPS)  # delivered while she types the number
    await start_correction(ada, second)
    assert h.shop is not None
    await admin_orders.deliver(h.shop, ADMIN_ID, second)
    await ada.send("JD014600003828")
    await ada.wait_for(said.replace(f"#{order_id}", f"#{second}"))
    await ada.wait_for(f"Order #{second} · 📦 Delivered")  # the order as it is now
    assert await tracking_of(h, second) == UPS
    await h.until_idle()
    assert not any("New tracking number" in (m.text or "") for m in sam.messages)
    await ada.send("/audit")  # the refused correction is there, as a refused Ship would be
    log = await ada.wait_for("Audit log")
    assert (
        f"admin:{ADMIN_ID} · changed the tracking number of order:{second} (refused) · "
        f"{said.replace(f'#{order_id}', f'#{second}')}"
    ) in (log.text or "")


async def test_a_shopper_cannot_press_the_admins_button(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await shipped_order(h, ada, sam, UPS)
    own = await sam.wait_for("is on its way", include_existing=True)
    answer = await sam.press_data(own, EditTracking(order_id).encode())
    assert answer.text and "admins only" in answer.text
    await sam.send("-")
    await h.until_idle()
    assert await tracking_of(h, order_id) == UPS


async def tracking_of(h: ShopHarness, order_id: int) -> str | None:
    async with h.store.reading() as uow:
        order = await uow.orders.get(order_id, full=False)
        assert order is not None
        return order.tracking_number


async def test_without_a_tracking_page_the_number_shows_without_a_button(
    tmp_path: Path, seeded_database_url: str
) -> None:
    async with tracked_shop(tmp_path, seeded_database_url) as h:
        ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
        order_id = await shipped_order(h, ada, sam, UPS)
        notice = await sam.wait_for("is on its way")
        assert f"Tracking number: {UPS}" in (notice.text or "") and not notice.buttons
        mine = await her_order(h, sam, order_id)
        assert f"Tracking number: {UPS}" in (mine.text or "") and track_button(mine) is None
        page = await storefront_order(h, sam, order_id)
        assert (page["tracking_number"], page["tracking_url"]) == (UPS, None)

        await start_correction(ada, order_id)
        await ada.send(POSTAL)
        told = await sam.wait_for("New tracking number")
        assert POSTAL in (told.text or "") and not told.buttons


@pytest.mark.parametrize(
    ("language", "on_its_way", "new_number", "track"),
    [
        (
            "ru",
            "в пути",
            "Новый трек-номер для заказа №{order_id}: {number}",
            "📦 Отследить посылку",
        ),
        (
            "es",
            "en camino",
            "Nuevo número de seguimiento del pedido n.º {order_id}: {number}",
            "📦 Seguir el paquete",
        ),
    ],
)
async def test_the_shopper_reads_it_in_her_language(
    tmp_path: Path,
    seeded_database_url: str,
    language: str,
    on_its_way: str,
    new_number: str,
    track: str,
) -> None:
    async with tracked_shop(tmp_path, seeded_database_url, tracking_url=TRACKING_URL) as h:
        ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam", language_code=language)
        await sam.send("/start")
        await sam.wait_for("")
        order_id = await past_order(h, SHOPPER_ID, {"KIT-MUG-CER": 1}, status="paid")
        await open_detail(ada, order_id)
        await ada.press("🚚 Ship")
        await ada.send(UPS)
        await ada.wait_for(f"Order #{order_id} · 🚚 Shipped")
        notice = await sam.wait_for(on_its_way)
        assert [b.label for b in notice.all_buttons] == [track]
        assert notice.all_buttons[0].url == TRACKING_URL.format(number=UPS)

        await start_correction(ada, order_id)
        await ada.send(POSTAL)
        told = await sam.wait_for(new_number.format(order_id=order_id, number=POSTAL))
        assert [(b.label, b.url) for b in told.all_buttons] == [(track, POSTAL_URL)]
        await open_order(sam, order_id)
        mine = await sam.wait_for(POSTAL)
        assert (track, POSTAL_URL) in [(b.label, b.url) for b in mine.all_buttons]
