"""/privacy: Alice reads what the shop keeps about her, gets it all as a JSON file, and has
it deleted. Her orders stay for the shop's accounts without her name or address; an order
still on its way refuses it; an open invoice is cancelled and its stock goes back."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.callback_data import ForgetMe
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import (
    AuditEntry,
    Cart,
    CartLine,
    ChatState,
    Customer,
    Favourite,
    InboxEntry,
    Order,
    Payment,
    Product,
    ProductRating,
    SupportMessage,
    SupportThread,
)
from bot.usecases import privacy as privacy_usecase
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import add_to_cart, open_invoice, open_order, past_order, shown
from tests.reliability.test_exactly_once import crash_after

ADMIN_ID = 9001
ALICE = 1001
MUG, KETTLE, PEN = "KIT-MUG-CER", "KIT-KTL-GOO", "STA-PEN-FTN"
ADDRESS = {"country_code": "ES", "city": "Madrid", "street_line1": "Calle Mayor 1"}
ASK = "This deletes your cart, saved products, settings, reviews and support messages"


@pytest.fixture
def shop(harness_on_each_backend: ShopHarness) -> ShopHarness:
    """A seeded shop with one admin, on SQLite and on PostgreSQL (tests/e2e/conftest.py)."""
    harness_on_each_backend.user(ADMIN_ID, "Ada")
    return harness_on_each_backend


async def a_regular(shop: ShopHarness) -> tuple[FakeUser, int]:
    """Alice with a delivered mug she reviewed, a kettle in her cart, a saved pen and a
    question to the shop; the admins wrote a note on her order. Her order's id."""
    alice = shop.user(ALICE, "Alice", username="alice_w")
    order_id = await past_order(shop, ALICE, {MUG: 2})
    async with shop.store.uow() as uow:
        await uow.session.execute(
            update(Order).where(Order.id == order_id).values(shipping_address=ADDRESS)
        )
        await uow.order_notes.add(order_id, ADMIN_ID, "Rude on the phone, be careful")
    await open_order(alice, order_id)
    await alice.press("⭐ Rate Stoneware Mug 350ml")
    await alice.press("4 ★")
    await alice.press("✍️ Add a few words")
    await alice.send("Lovely glaze, keeps tea hot")
    await alice.wait_for("Your words about")
    await add_to_cart(alice, KETTLE)
    await alice.send(f"/start product_{PEN}")
    await alice.wait_for("♡ Save")
    await alice.press("♡ Save")
    await alice.send("/support")
    await alice.wait_for(lambda m: m.from_bot and bool(m.all_buttons or m.text))
    await alice.send("Do you ship to Portugal?")
    await alice.wait_for("Sent to the shop")
    await alice.send("/cancel")
    await alice.wait_for("no longer writing to the shop")
    return alice, order_id


async def privacy(alice: FakeUser) -> str:
    await alice.send("/privacy")
    return (await alice.wait_for("Your privacy")).text or ""


async def mug_figures(shop: ShopHarness) -> tuple[int, int, int]:
    """The mug's rating count, rating total and review count, as its card reads them."""
    async with shop.store.uow() as uow:
        row = (
            await uow.session.execute(
                select(Product.rating_count, Product.rating_total, Product.review_count).where(
                    Product.sku == MUG
                )
            )
        ).one()
    return row[0], row[1], row[2]


async def count(shop: ShopHarness, model: type, *where: object) -> int:
    async with shop.store.uow() as uow:
        stmt = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(await uow.session.scalar(stmt) or 0)


HER_WORDS = ["Alice", "alice_w", "Lovely glaze"]  # her name, username and a review she wrote


async def inbox_bodies(shop: ShopHarness) -> str:
    """Every update the inbox keeps, as the JSON Telegram sent (or what is left of it)."""
    async with shop.store.reading() as uow:
        bodies = await uow.session.scalars(select(InboxEntry.payload))
        return json.dumps(list(bodies), ensure_ascii=False)


async def her_last_update(shop: ShopHarness) -> InboxEntry:
    async with shop.store.reading() as uow:
        mine = select(InboxEntry).where(InboxEntry.chat_id == ALICE)
        latest = mine.order_by(InboxEntry.update_id.desc()).limit(1)
        return (await uow.session.scalars(latest)).one()


async def test_alice_reads_the_policy_gets_her_data_as_a_file_without_the_admins_note(
    shop: ShopHarness,
) -> None:
    alice, order_id = await a_regular(shop)
    text = await privacy(alice)
    assert "orders and payments are kept for the shop's accounts" in text
    labels = [b.label for b in alice.last_message.all_buttons]  # type: ignore[union-attr]
    assert labels == ["📦 My data", "🗑 Delete my data"]  # no PRIVACY_POLICY_URL: no link

    await alice.press("📦 My data")
    sent = await alice.wait_for(lambda m: m.document is not None)
    assert sent.document is not None
    assert sent.document.file_name == f"my-data-{ALICE}.json"
    raw = sent.document.data.decode()
    data = json.loads(raw)
    assert data["customer"]["telegram_id"] == ALICE
    assert data["customer"]["username"] == "alice_w"
    assert data["customer"]["first_seen"].endswith("+00:00")
    assert [line["sku"] for line in data["cart"]["lines"]] == [KETTLE]
    assert [saved["sku"] for saved in data["saved"]] == [PEN]
    assert data["reviews"][0]["stars"] == 4
    assert data["reviews"][0]["review"] == "Lovely glaze, keeps tea hot"
    [order] = data["orders"]
    assert order["id"] == order_id and order["currency"] == "USD"
    assert order["total"] == 3200 and order["lines"][0]["unit_price"] == 1600
    assert order["shipping_address"] == ADDRESS
    assert any(m["text"] == "Do you ship to Portugal?" for m in data["support"])
    assert "Rude on the phone" not in raw  # the admins' note is the shop's, not hers
    assert str(ADMIN_ID) not in raw


async def test_alice_deletes_her_data_and_her_order_stays_for_the_accounts(
    shop: ShopHarness,
) -> None:
    alice, order_id = await a_regular(shop)
    assert await mug_figures(shop) == (1, 4, 1)
    await privacy(alice)
    await alice.press("🗑 Delete my data")
    assert shown(alice).startswith(ASK)
    await alice.press("⬅ Back")
    assert "Your privacy" in shown(alice)  # nothing deleted yet
    assert await count(shop, Favourite) == 1

    await alice.press("🗑 Delete my data")
    asked, _ = alice.find_button("🗑 Yes, delete")
    await shop.until_idle()
    assert [word for word in HER_WORDS if word in await inbox_bodies(shop)] == HER_WORDS
    before = await her_last_update(shop)
    answer = await alice.press("🗑 Yes, delete")
    assert answer.text == "Your data has been deleted."
    assert shown(alice) == "Your data has been deleted."
    await shop.until_idle()  # the press is marked done
    assert [word for word in HER_WORDS if word in await inbox_bodies(shop)] == []
    yes = await her_last_update(shop)  # the press's row stays, so its redelivery is recognised
    assert yes.update_id > before.update_id
    assert (yes.kind, yes.status) == ("callback_query", "done")
    query_id = shop.standin.calls_to("answerCallbackQuery")[-1].params["callback_query_id"]
    left = {"callback_query_id": query_id, "chat_id": ALICE, "language": "en"}
    assert yes.payload == {
        "update_id": yes.update_id,
        "delete_press": {**left, "message_id": asked.message_id},
    }
    answers = len(shop.standin.calls_to("answerCallbackQuery"))
    await shop.standin.redeliver(
        {
            "update_id": yes.update_id,
            "callback_query": {
                "id": "redelivered",
                "from": alice.user_json,
                "message": shop.standin.message_json(alice.chat, asked),
                "chat_instance": "1",
                "data": ForgetMe().encode(),
            },
        }
    )
    await shop.until_idle()
    assert len(shop.standin.calls_to("answerCallbackQuery")) == answers  # dropped, not handled

    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
        assert customer is not None
        order = await uow.session.get(Order, order_id)
        assert order is not None
        audit = (
            await uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "customer.forget")
            )
        ).all()
    assert customer.first_name == "deleted" and customer.username is None
    assert customer.language is None and customer.forgotten_at is not None
    assert not customer.cart_reminders and not customer.price_drop_alerts
    assert order.customer_id == customer.id and order.shipping_address is None
    assert (order.total, order.items_total, order.status) == (3200, 3200, "delivered")
    assert await count(shop, CartLine) == 0 and await count(shop, Cart) == 0
    assert await count(shop, Favourite) == 0
    assert await count(shop, ProductRating) == 0
    assert await count(shop, SupportThread) == 0 and await count(shop, SupportMessage) == 0
    assert await count(shop, ChatState, ChatState.chat_id == ALICE) == 0
    assert await mug_figures(shop) == (0, 0, 0)  # the card no longer counts her
    [entry] = audit
    assert entry.target == f"customer:{ALICE}" and entry.actor_telegram_id == ALICE

    again = await alice.press_data(asked, ForgetMe().encode())  # pressed twice
    assert again.text == "Your data has already been deleted."
    assert await count(shop, AuditEntry, AuditEntry.action == "customer.forget") == 1

    ada = shop.user(ADMIN_ID, "Ada")
    await ada.send(f"/customer {ALICE}")
    card = (await ada.wait_for("Telegram id")).text or ""
    assert "🗑 Data deleted on " in card and " at her request." in card
    await ada.send("/audit")
    log = (await ada.wait_for("deleted, at her request, the data of")).text or ""
    assert f"customer:{ALICE} · deleted, at her request, the data of customer:{ALICE}" in log


async def test_she_comes_back_later_as_a_new_looking_customer_with_her_old_order_kept(
    shop: ShopHarness,
) -> None:
    alice, order_id = await a_regular(shop)
    await privacy(alice)
    await alice.press("🗑 Delete my data")
    await alice.press("🗑 Yes, delete")

    await alice.send("/start")  # days later
    await alice.wait_for("Welcome to the shop, Alice!")
    await alice.send("/settings")
    settings = (await alice.wait_for("Settings")).text or ""
    assert "Cart reminders are on" in settings  # fresh settings, as a new customer's
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
        order = await uow.session.get(Order, order_id)
    assert customer is not None and customer.first_name == "Alice"
    assert customer.cart_reminders and customer.price_drop_alerts
    assert order is not None and order.customer_id == customer.id  # the shop's accounts
    assert order.shipping_address is None


async def test_her_first_word_back_is_settings_and_they_read_as_a_new_customers(
    shop: ShopHarness,
) -> None:
    """The visit that brings her back writes her fresh start at its end: the settings it
    shows already read as they will be stored."""
    alice, _ = await a_regular(shop)
    await privacy(alice)
    await alice.press("🗑 Delete my data")
    await alice.press("🗑 Yes, delete")

    await alice.send("/settings")  # days later, before anything else
    settings = (await alice.wait_for("Settings")).text or ""
    assert "Cart reminders are on" in settings
    assert "off" not in settings


async def test_an_order_on_its_way_keeps_her_data_until_it_is_delivered(
    shop: ShopHarness,
) -> None:
    alice = shop.user(ALICE, "Alice")
    on_its_way = await past_order(shop, ALICE, {MUG: 1}, status="paid")
    await privacy(alice)
    await alice.press("🗑 Delete my data")
    answer = await alice.press("🗑 Yes, delete")
    said = (
        f"Order #{on_its_way} is still on its way to you; you can delete your data once it "
        "is delivered or cancelled."
    )
    assert answer.text == said
    assert shown(alice).startswith(said)
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
    assert customer is not None and customer.first_name != "deleted"
    assert customer.forgotten_at is None
    assert await count(shop, AuditEntry, AuditEntry.action == "customer.forget") == 0


async def test_an_unpaid_invoice_is_cancelled_and_its_stock_goes_back(shop: ShopHarness) -> None:
    alice = shop.user(ALICE, "Alice")
    invoice = await open_invoice(alice, MUG)
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None and mug.reserved == 1
    await privacy(alice)
    await alice.press("🗑 Delete my data")
    answer = await alice.press("🗑 Yes, delete")
    assert answer.text == "Your data has been deleted."
    gone = await alice.wait_for_call(
        "deleteMessage", lambda call: int(call.params["message_id"]) == invoice.message_id
    )
    assert gone.ok  # the invoice can no longer be paid: it leaves the chat
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku(MUG)
        order = await uow.session.scalar(select(Order))
        paid = await uow.session.scalar(select(func.count()).select_from(Payment))
    assert mug is not None and mug.reserved == 0
    assert order is not None and order.status == "cancelled" and order.hold_status == "released"
    assert paid == 0
    assert (await count(shop, Customer, Customer.first_name == "deleted")) == 1


async def test_a_full_policy_link_shows_when_the_shop_has_one(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    seeded_shop_in(tmp_path, seeded_sqlite)
    policy_url = "https://shop.example/privacy"
    async with ShopHarness(tmp_path, privacy_policy_url=policy_url) as shop:
        alice = shop.user(ALICE, "Alice")
        await privacy(alice)
        message = alice.last_message
        assert message is not None
        link = [b for b in message.all_buttons if b.label == "📄 Full privacy policy"]
        assert [b.url for b in link] == [policy_url]


async def test_boris_reads_it_in_russian_and_sofia_deletes_hers_in_spanish(
    shop: ShopHarness,
) -> None:
    boris = shop.user(1002, "Борис", language_code="ru")
    await boris.send("/privacy")
    said = await boris.wait_for("Ваша конфиденциальность")
    assert [b.label for b in said.all_buttons] == ["📦 Мои данные", "🗑 Удалить мои данные"]

    sofia = shop.user(1003, "Sofía", language_code="es")
    on_its_way = await past_order(shop, 1003, {MUG: 1}, status="shipped")
    await sofia.send("/privacy")
    await sofia.wait_for("Tu privacidad")
    await sofia.press("🗑 Borrar mis datos")
    assert shown(sofia).startswith("Esto borra tu carrito")
    refused = await sofia.press("🗑 Sí, borrar")
    assert refused.text == (
        f"El pedido #{on_its_way} todavía está en camino; podrás borrar tus datos cuando se "
        "entregue o se cancele."
    )
    async with shop.store.uow() as uow:
        await uow.session.execute(
            update(Order).where(Order.id == on_its_way).values(status="delivered")
        )
    await sofia.press("🗑 Borrar mis datos")
    done = await sofia.press("🗑 Sí, borrar")
    assert done.text == "Tus datos se han borrado."
    assert shown(sofia) == "Tus datos se han borrado."


async def test_two_presses_at_once_delete_once(shop: ShopHarness) -> None:
    """Two workers take her two presses at the same moment: one deletes, the other is told
    it is done (on PostgreSQL the second waits for the first's hold on her row)."""
    await a_regular(shop)
    assert shop.shop is not None
    first, second = await asyncio.gather(
        privacy_usecase.forget(shop.shop, ALICE), privacy_usecase.forget(shop.shop, ALICE)
    )
    assert sorted([first.done, second.done]) == [False, True]
    assert sorted([first.already, second.already]) == [False, True]
    assert await count(shop, AuditEntry, AuditEntry.action == "customer.forget") == 1
    assert await mug_figures(shop) == (0, 0, 0)  # her stars taken away once, not twice


async def test_a_stranger_is_told_the_shop_keeps_nothing_about_her(shop: ShopHarness) -> None:
    """Zoe's first words to the shop are /privacy: there is nothing to send or delete."""
    zoe = shop.user(1009, "Zoe")
    await privacy(zoe)
    assert (await zoe.press("📦 My data")).text == "This shop keeps no data about you."
    await zoe.press("🗑 Delete my data")
    answer = await zoe.press("🗑 Yes, delete")
    assert answer.text == "This shop keeps no data about you."
    assert await count(shop, AuditEntry, AuditEntry.action == "customer.forget") == 0


async def test_a_crash_after_her_data_is_deleted_still_answers_her_press(
    shop: ShopHarness,
) -> None:
    """Alice presses 🗑 Yes, delete: her data is deleted, then the bot dies before its answer
    leaves and before the press is marked done. After the restart the press is taken up
    again from what its blanked body keeps (its callback query, chat and message, the
    language she was answered in; nothing of hers) and gets the answer it would have got."""
    alice, _ = await a_regular(shop)
    await privacy(alice)
    await alice.press("🗑 Delete my data")
    asked, yes = alice.find_button("🗑 Yes, delete")
    await shop.until_idle()  # her updates so far are done: the deletion blanks them
    for method in ("editMessageText", "deleteMessage", "sendMessage", "answerCallbackQuery"):
        shop.standin.fail_next(method, "Bad Request: the bot died before this", 400)
    pressed = asyncio.ensure_future(alice.press_button(asked, yes, timeout=30))
    await alice.wait_for_call("answerCallbackQuery", lambda call: not call.ok)  # the apology
    await shop.until_idle()
    press = await her_last_update(shop)
    assert await count(shop, AuditEntry, AuditEntry.action == "customer.forget") == 1
    assert not pressed.done() and shown(alice).startswith(ASK)  # no answer went out
    await crash_after(shop.store, press, changed=True)  # as the crash left the inbox

    await shop.restart()  # a polling bot takes back every unfinished update at start-up
    answer = await pressed
    assert answer.text == "Your data has been deleted."
    assert shown(alice) == "Your data has been deleted."
    await shop.until_idle()
    again = await her_last_update(shop)
    assert (again.update_id, again.status, again.error) == (press.update_id, "done", None)
    assert [word for word in HER_WORDS if word in await inbox_bodies(shop)] == []
    assert await count(shop, AuditEntry, AuditEntry.action == "customer.forget") == 1
