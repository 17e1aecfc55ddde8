"""🗒 Add note: admins jot things on an order ("customer called, wants gift wrap") that every
admin reads on the order's screen, on the shop's clock, and the shopper never sees. The step
waits in the database (a restart keeps it), refuses what cannot be a note and says why, and
each note is in the audit log. On SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import select, text

from bot.callback_data import AddOrderNote
from bot.i18n import translator
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import OrderNote
from bot.store.repositories.audit import AuditRepository
from bot.usecases import admin_orders
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.admin.test_e2e_admin_languages import _russian
from tests.e2e.shopper import open_order, past_order
from tests.e2e.test_unusual_input import STICKER
from tests.webapp.conftest import init_data_for, storefront_on, storefront_url

BEA = 9002  # a second admin
ZONE = "Asia/Tokyo"  # nine hours ahead of UTC: a note's time on UTC's clock would be wrong
GIFT_WRAP = "Customer called, wants gift wrap <b>& a card</b>"
PROMPT = "Send the note, or /cancel."


@pytest.fixture
async def h(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop with two admins, Ada and Bea, keeping Tokyo's time; its storefront on."""
    async with ShopHarness(
        tmp_path,
        database_url=seeded_database_url,
        admin_ids=frozenset({ADMIN_ID, BEA}),
        shop_timezone=ZONE,
        **storefront_on(),
    ) as harness:
        harness.user(BEA, "Bea")  # she has a chat with the bot
        yield harness


async def a_paid_order(h: ShopHarness) -> int:
    """Sam's paid order of one ceramic mug, as if bought earlier."""
    return await past_order(h, SHOPPER_ID, {"KIT-MUG-CER": 1}, status="paid")


async def notes_of(h: ShopHarness, order_id: int) -> list[tuple[int, str, datetime]]:
    async with h.store.reading() as uow:
        rows = await uow.session.scalars(
            select(OrderNote).where(OrderNote.order_id == order_id).order_by(OrderNote.id)
        )
        return [(n.admin_telegram_id, n.text, n.created_at) for n in rows]


async def start_note(admin: FakeUser, order_id: int) -> str:
    """The admin opens the order and presses 🗒 Add note: what she is asked."""
    await open_detail(admin, order_id)
    await admin.press("🗒 Add note")
    asked = await admin.wait_for(f"A note on order #{order_id}, for the shop's team only")
    return asked.text or ""


async def test_a_note_shows_to_every_admin_on_the_shops_clock_and_never_to_the_shopper(
    h: ShopHarness,
) -> None:
    ada, bea, sam = h.user(ADMIN_ID, "Ada"), h.user(BEA, "Bea"), h.user(SHOPPER_ID, "Sam")
    order_id = await a_paid_order(h)

    asked = await start_note(ada, order_id)
    assert "the shopper never sees it" in asked and asked.endswith(PROMPT)
    await ada.send(GIFT_WRAP)
    screen = await ada.wait_for(f"Order #{order_id} · ✅ Paid")
    [(author, text, at)] = await notes_of(h, order_id)
    assert (author, text) == (ADMIN_ID, GIFT_WRAP)
    moment = translator("en").datetime(at, ZoneInfo(ZONE))
    assert moment != translator("en").datetime(at, ZoneInfo("UTC"))
    line = f"• {moment} · admin:{ADMIN_ID}: {GIFT_WRAP}"  # as typed: the screen is plain text
    assert f"🗒 Notes (the shop's team only):\n{line}" in (screen.text or "")
    assert "earlier" not in (screen.text or "")

    bea_screen = await open_detail(bea, order_id)  # another admin reads it too
    assert line in (bea_screen.text or "")

    await open_order(sam, order_id)  # Sam's /orders: his order, and no note
    await sam.wait_for(f"#{order_id}")
    await h.until_idle()
    assert sam.messages and all("gift wrap" not in (m.text or "") for m in sam.messages)
    assert all("Notes" not in (m.text or "") for m in sam.messages)
    async with (  # nor on the storefront, where he reads the same order
        aiohttp.ClientSession() as http,
        http.get(
            f"{storefront_url(h)}api/orders/{order_id}",
            headers={"Authorization": f"tma {init_data_for(h, sam)}"},
        ) as response,
    ):
        assert response.status == 200
        page = await response.text()
        assert (await response.json())["id"] == order_id
    assert "gift wrap" not in page and "admin:" not in page

    await ada.send("/audit")
    log = await ada.wait_for("Audit log")
    assert f"admin:{ADMIN_ID} · added a note to order:{order_id} · “{GIFT_WRAP}”" in (
        log.text or ""
    )


async def test_what_cannot_be_a_note_is_refused_and_asked_again(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await a_paid_order(h)
    await start_note(ada, order_id)

    await ada.send_photo()
    await ada.wait_for(
        f"Send the note as text: a photo, sticker or file cannot be a note. {PROMPT}"
    )
    await h.standin.add_user_message(ada.chat, {"sticker": STICKER})
    await ada.wait_for("Send the note as text")
    await ada.send("   ")
    await ada.wait_for(f"A note needs some text. {PROMPT}")
    await ada.send("x" * 501)
    await ada.wait_for(f"That note is 501 characters long; a note is at most 500. {PROMPT}")
    await ada.send("/skip")  # a command, never a note
    await ada.wait_for(f"/skip is a command, not a note. {PROMPT}")
    await ada.send("/orders_admin")  # other commands work as usual; the step waits
    await ada.wait_for("🧾 All orders")
    assert await notes_of(h, order_id) == []

    await ada.send("  " + "y" * 500 + "\n")  # the longest there is, blanks around left out
    screen = await ada.wait_for("🗒 Notes (the shop's team only):")
    assert [text for _, text, _ in await notes_of(h, order_id)] == ["y" * 500]
    assert f"admin:{ADMIN_ID}: {'y' * 500}" in (screen.text or "")

    await ada.press("🗒 Add note", message=screen)
    await ada.wait_for(PROMPT)
    await ada.send("/cancel")
    await ada.wait_for("Cancelled. Nothing was changed.")
    await ada.send("sent replacement mug")  # no step any more: just chat
    await h.until_idle()
    assert len(await notes_of(h, order_id)) == 1


async def test_the_step_survives_a_restart(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await a_paid_order(h)
    await start_note(ada, order_id)
    await h.restart()
    await ada.send("sent replacement mug")
    await ada.wait_for(f"admin:{ADMIN_ID}: sent replacement mug")
    assert [text for _, text, _ in await notes_of(h, order_id)] == ["sent replacement mug"]


class Crash(BaseException):
    """The worker dies in the middle of a transaction (killed, the power goes)."""


async def test_a_crash_while_the_note_is_kept_loses_neither_the_note_nor_the_step(
    h: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note and the end of Ada's step are one transaction: a worker that dies before it
    commits leaves her step open, so her note, sent again after the restart, is kept."""
    assert h.shop is not None
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await a_paid_order(h)
    await start_note(ada, order_id)

    async def dies(*args: object, **kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patched, pytest.raises(Crash):
        patched.setattr(AuditRepository, "record", dies)  # the last write of the note's work
        await admin_orders.add_note(h.shop, ADMIN_ID, order_id, "sent replacement mug", ADMIN_ID)
    assert await notes_of(h, order_id) == []
    await h.restart()
    await ada.send("sent replacement mug")  # still her note step: kept, not searched for
    await ada.wait_for(f"admin:{ADMIN_ID}: sent replacement mug")
    assert [text for _, text, _ in await notes_of(h, order_id)] == ["sent replacement mug"]


async def test_the_newest_five_notes_show_and_the_earlier_are_counted(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await a_paid_order(h)
    assert h.shop is not None
    for n in range(1, 7):  # six long notes, by both admins
        await admin_orders.add_note(h.shop, (ADMIN_ID, BEA)[n % 2], order_id, f"{n}: " + "z" * 490)
    await start_note(ada, order_id)
    await ada.send("7: the newest")
    screen = await ada.wait_for("🗒 Notes (the shop's team only):")
    text = screen.text or ""
    assert len(text) <= 4096 and "Payments:" in text and "History:" in text
    notes = _notes_of(text)
    assert notes[0] == "… and 2 earlier notes"
    assert [line.split(": ", 1)[1][:1] for line in notes[1:]] == ["3", "4", "5", "6", "7"]
    assert f"admin:{BEA}: 5: zzz" in text and f"admin:{ADMIN_ID}: 7: the newest" in text


async def test_a_stale_or_forged_add_note_button_says_so_and_a_shopper_is_refused(
    h: ShopHarness,
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await a_paid_order(h)
    screen = await open_detail(ada, order_id)
    answer = await ada.press_data(screen, AddOrderNote(424242).encode())
    assert answer.text == "There is no order #424242."
    await ada.send("not a note")  # no step was opened
    await h.until_idle()
    assert await notes_of(h, order_id) == []

    await start_note(ada, order_id)  # the order goes while she types (a forged or old id)
    async with h.store.uow() as uow:
        for table in ("order_events", "order_lines", "orders"):
            column = "id" if table == "orders" else "order_id"
            await uow.session.execute(text(f"DELETE FROM {table} WHERE {column} = {order_id}"))
    await ada.send("sent replacement mug")
    await ada.wait_for(f"There is no order #{order_id}.")
    await ada.send("and a card")  # the step is over: the shop searches her words
    await ada.wait_for("“and a card”")
    assert await notes_of(h, order_id) == []

    await sam.send("/start")
    own = await sam.wait_for("")
    answer = await sam.press_data(own, AddOrderNote(order_id).encode())
    assert answer.text and "admins only" in answer.text
    await sam.send("a shopper's words")
    await h.until_idle()
    assert await notes_of(h, order_id) == []


async def test_a_russian_admin_adds_a_note_in_russian(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await a_paid_order(h)
    assert h.shop is not None
    for n in range(6):  # six notes before hers: one of them is counted, not shown
        await admin_orders.add_note(h.shop, BEA, order_id, f"note {n}")
    await _russian(ada)
    await open_detail(ada, order_id, heading="Заказ №{order_id} · ")
    await ada.press("🗒 Добавить заметку")
    await ada.wait_for(f"Заметка к заказу №{order_id} — только для команды магазина")
    await ada.send("/skip")
    await ada.wait_for("/skip — это команда, а не заметка. Отправьте заметку или /cancel.")
    await ada.send("Клиент просит подарочную упаковку")
    screen = await ada.wait_for("🗒 Заметки (только для команды магазина):")
    text = screen.text or ""
    assert "… и ещё 2 заметки раньше" in text
    assert f"admin:{ADMIN_ID}: Клиент просит подарочную упаковку" in text
    await ada.send("/audit")
    log = await ada.wait_for("Журнал действий")
    assert f"заметка к order:{order_id} · «Клиент просит подарочную упаковку»" in (log.text or "")


async def test_an_order_with_long_lines_shows_fewer_notes_and_counts_the_rest(
    h: ShopHarness,
) -> None:
    """An address of 2,000 characters leaves less room: the screen still fits one message,
    whole to the end of its history, with the newest notes that fit and the rest counted."""
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await a_paid_order(h)
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        order.shipping_address = {"street_line1": "Long Street " * 170, "country_code": "US"}
    assert h.shop is not None
    for n in range(1, 6):
        await admin_orders.add_note(h.shop, ADMIN_ID, order_id, f"{n}: " + "z" * 490)
    screen = await open_detail(ada, order_id)
    text = screen.text or ""
    assert len(text) <= 4096 and text.endswith("new → ✅ Paid by system")
    notes = _notes_of(text)
    earlier, shown = int(notes[0].split()[2]), notes[1:]
    assert notes[0] == f"… and {earlier} earlier notes" and 0 < len(shown) < 5
    assert earlier + len(shown) == 5 and shown[-1].endswith("5: " + "z" * 490)


def _notes_of(text: str) -> list[str]:
    """The lines of an order screen's notes section, between its heading and the payments."""
    return text.split("🗒 Notes (the shop's team only):\n")[1].split("\n\nPayments:")[0].splitlines()
