"""Input a store bot gets in real life besides commands and taps: stickers, files, edits,
group chats. Each gets a clear answer (or, in a group, deliberate quiet), never silence."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.clipping import telegram_length
from bot.handlers.fallback import UNREADABLE
from bot.handlers.gate import EDIT_IGNORED, SERVED
from bot.standin.harness import ShopHarness
from bot.standin.server import SECRET_TOKEN_HEADER
from bot.store.models import Customer, Product, utcnow
from bot.usecases import reminders
from tests.conftest import seeded_shop_in
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_invoice, open_order_summary, shown

CSV_HEADER = "sku,title,description,category,price,currency,stock,photo\n"

STICKER = {
    "file_id": "CAACAgIAAxkBAAEB",
    "file_unique_id": "AgADsticker",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}
VOICE = {"file_id": "AwACAgIAAxkBAAEB", "file_unique_id": "AgADvoice", "duration": 3}


async def stock_of(harness: ShopHarness, sku: str) -> int:
    async with harness.store.uow() as uow:
        stock = await uow.session.scalar(select(Product.stock).where(Product.sku == sku))
    assert stock is not None
    return stock


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": STICKER},
        {"voice": VOICE},
        {"location": {"latitude": 51.5, "longitude": -0.12}},
        {"contact": {"phone_number": "+15555550100", "first_name": "Bob"}},
    ],
    ids=["sticker", "voice", "location", "contact"],
)
async def test_a_shopper_sending_something_other_than_text_is_told_what_works(
    harness: ShopHarness, content: dict[str, object]
) -> None:
    alice = harness.user(1001, "Alice")
    await harness.standin.add_user_message(alice.chat, content)
    await alice.wait_for(UNREADABLE)


async def test_a_shoppers_photo_or_file_is_not_met_with_silence(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send_photo(caption="do you have this?")
    await alice.wait_for(UNREADABLE)
    await alice.send_document("list.csv", b"sku,title\nX,Y\n", "text/csv")
    await alice.wait_for(UNREADABLE)


async def test_an_edited_admin_command_is_not_run_a_second_time(harness: ShopHarness) -> None:
    ada = harness.user(ADMIN_ID, "Ada")
    before = await stock_of(harness, "KIT-MUG-CER")
    command = await ada.send("/stock KIT-MUG-CER +5")
    await ada.wait_for(f"{before} → {before + 5}")

    await ada.edit(command, "/stock KIT-MUG-CER +6")
    await ada.wait_for(EDIT_IGNORED)
    await harness.until_idle()
    assert await stock_of(harness, "KIT-MUG-CER") == before + 5


async def test_an_edited_search_says_to_send_it_again(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    typo = await alice.send("keetle")
    await harness.until_idle()
    await alice.edit(typo, "kettle")
    await alice.wait_for(EDIT_IGNORED)
    await harness.until_idle()
    assert shown(alice) == EDIT_IGNORED


async def test_in_a_group_the_bot_points_to_its_private_chat_and_is_otherwise_quiet(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    ada = harness.user(ADMIN_ID, "Ada")
    group = harness.standin.group(-100500, "Coffee lovers", alice)
    pointer = "I work in private chats only. Open https://t.me/shop_test_bot"

    await harness.standin.add_user_message(
        group.chat, {"new_chat_members": [harness.standin.bot_user]}
    )
    await group.wait_for(pointer)
    await group.send("/start")
    await group.wait_for(pointer)
    await group.send("/cart@shop_test_bot")
    await group.wait_for(pointer)

    answered = len(group.messages)
    await group.send("anyone tried the kettle?")
    await group.send("/start@some_other_bot")
    await harness.until_idle()
    assert len(group.messages) == answered

    # Admin commands do not run in a group either: the shop's answers are not for everyone.
    before = await stock_of(harness, "KIT-MUG-CER")
    admin_in_group = harness.standin.group(-100501, "Shop team", ada)
    await admin_in_group.send("/stock KIT-MUG-CER 0")
    await admin_in_group.wait_for(pointer)
    await harness.until_idle()
    assert await stock_of(harness, "KIT-MUG-CER") == before


async def test_a_message_of_only_spaces_is_asked_what_to_look_for(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("   ")
    hint = await alice.wait_for("What are you looking for?")
    assert "“”" not in (hint.text or "")


ECHO_MOST = 60  # of a shopper's own words, a reply quotes at most this many characters


@pytest.mark.parametrize(
    ("sent", "reply"),
    [
        ("/search " + "zq" * 2000, "Nothing found for"),
        ("zq" * 2000, "I didn't find anything for"),
        ("mug " * 1000, "mug mug"),
        ("/" + "z" * 4000, "I don't know"),
    ],
    ids=["search-nothing", "words-nothing", "search-found", "unknown-command"],
)
async def test_a_very_long_message_is_quoted_back_clipped(
    harness: ShopHarness, sent: str, reply: str
) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send(sent)
    answer = await alice.wait_for(reply)
    text = answer.text or answer.caption or ""
    assert "…" in text
    assert sent.removeprefix("/search ")[: ECHO_MOST + 1] not in text


HUGE = "Z" * 4000


@pytest.mark.parametrize(
    "command",
    [
        f"/stock {HUGE} +5",
        f"/price {HUGE} 3.00",
        f"/hide {HUGE}",
        f"/edit {HUGE}",
        f"/orders_admin {HUGE}",
        f"/promo new {HUGE} 10%",
        f"/promo off {HUGE}",
        f"/promo new SAVE10 10% from={HUGE}",
    ],
    ids=["stock", "price", "hide", "edit", "orders", "promo-new", "promo-off", "promo-option"],
)
async def test_an_admin_command_with_a_huge_argument_still_gets_its_explanation(
    harness: ShopHarness, command: str
) -> None:
    ada = harness.user(ADMIN_ID, "Ada")
    await ada.send(command)
    answer = await ada.wait_for(lambda m: True)
    text = answer.text or ""
    assert "Z" * (ECHO_MOST + 1) not in text, text[:200]
    assert len(text) < 1000, text[:200]


async def has_blocked(harness: ShopHarness, telegram_id: int) -> bool:
    async with harness.store.uow() as uow:
        blocked = await uow.session.scalar(
            select(Customer.blocked_bot).where(Customer.telegram_id == telegram_id)
        )
    return bool(blocked)


async def test_a_shopper_who_blocks_the_bot_is_left_alone_until_she_unblocks_it(
    harness: ShopHarness, caplog: pytest.LogCaptureFixture
) -> None:
    alice = harness.user(1001, "Alice")
    ada = harness.user(ADMIN_ID, "Ada")
    await add_to_cart(alice, "KIT-MUG-CER")
    await ada.send("/broadcast")
    everyone = await ada.wait_for("Send the text to broadcast")
    await ada.send("/cancel")
    await harness.until_idle()

    with caplog.at_level(logging.ERROR):
        await alice.block_bot()
        await harness.until_idle()
    assert not caplog.records
    assert await has_blocked(harness, alice.user_id)
    tried = len(harness.standin.calls)
    assert await reminders.send_due(harness.shop, now=utcnow() + timedelta(hours=25)) == 0
    assert not [c for c in harness.standin.calls[tried:] if c.params.get("chat_id") == 1001]
    await ada.send("/broadcast")
    fewer = await ada.wait_for("Send the text to broadcast")
    assert fewer.text != everyone.text  # she is no longer counted among those it reaches
    tried = len(harness.standin.calls)
    await ada.send("Spring sale")
    await ada.wait_for("📣 Send to")
    await ada.press("📣 Send to")
    report = await ada.wait_for("Broadcast finished", timeout=15)
    assert "1 blocked the bot, 0 failed" in (report.text or "")  # skipped, and said so
    assert not [c for c in harness.standin.calls[tried:] if c.params.get("chat_id") == 1001]

    await alice.unblock_bot()
    await harness.until_idle()
    assert not await has_blocked(harness, alice.user_id)
    assert await reminders.send_due(harness.shop, now=utcnow() + timedelta(hours=25)) == 1
    await alice.wait_for("Your cart is waiting for you")


async def test_a_file_or_voice_message_sent_to_the_shop_is_said_not_to_reach_it(
    harness: ShopHarness,
) -> None:
    alice, ada = harness.user(1001, "Alice"), harness.user(ADMIN_ID, "Ada")
    await alice.send("/support")
    await alice.wait_for("Write your question")

    await alice.send_document("receipt.pdf", b"%PDF-1.4", "application/pdf")
    await alice.wait_for("I can pass only text and photos to the shop")
    await harness.standin.add_user_message(alice.chat, {"voice": VOICE})
    said = await alice.wait_for("I can pass only text and photos to the shop")
    assert "You are writing to the shop" in (said.text or "")  # and she still is
    await harness.until_idle()
    assert not ada.messages

    await alice.send("The parcel came damaged")
    await alice.wait_for("Sent to the shop")
    await ada.wait_for("The parcel came damaged")


@pytest.mark.parametrize(
    "typed",
    ["ｍｕｇ", "m\u200bug", "\u200fmug\u200e", "mu\u00adg", "ＭＵＧ", "m\u2060u\u200dg"],
    ids=["full-width", "zero-width", "direction-marks", "soft-hyphen", "wide-caps", "joiners"],
)
async def test_a_search_disguised_by_unicode_finds_what_plain_text_finds(
    harness: ShopHarness, typed: str
) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("mug")
    plain = await alice.wait_for("found")
    await alice.send(typed)
    disguised = await alice.wait_for("found")
    assert alice.render(disguised).split("\n")[1:] == alice.render(plain).split("\n")[1:]

    shared = await alice.inline_query(typed)
    assert [r.title for r in shared.results] == [
        r.title for r in (await alice.inline_query("mug")).results
    ]
    assert shared.results


async def test_an_invoices_start_link_opens_the_order_for_its_shopper_only(
    harness: ShopHarness,
) -> None:
    alice, bob = harness.user(1001, "Alice"), harness.user(1002, "Bob")
    invoice = await open_invoice(alice, "KIT-MUG-CER")
    assert (await alice.pay()).ok
    await harness.until_idle()
    link = invoice.invoice["start_parameter"] if invoice.invoice else ""
    assert link.startswith("order-")

    await alice.send(f"/start {link}")
    mine = await alice.wait_for("1 × Stoneware Mug 350ml = $16.00")
    assert "✅ Paid" in (mine.text or "")

    for someone_elses in (link, "order-abc", "order-99999999999999999999", "order-0", "order-"):
        await bob.send(f"/start {someone_elses}")
        refused = await bob.wait_for("That order is not in your history.")
        assert "Stoneware Mug" not in bob.render(refused)


@pytest.mark.parametrize(
    "pasted",
    [
        "https://t.me/shop_test_bot?start=product_KIT-MUG-CER",
        "  t.me/Shop_Test_Bot?start=product_KIT-MUG-CER\n",
        "http://telegram.me/shop_test_bot?start=product_KIT-MUG-CER",
    ],
    ids=["https", "bare-any-case", "telegram.me"],
)
async def test_a_pasted_link_to_a_product_opens_it(harness: ShopHarness, pasted: str) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send(pasted)
    card = await alice.wait_for("Add to cart")
    assert "Stoneware Mug 350ml" in alice.render(card)


async def test_a_link_to_another_bot_or_inside_a_sentence_is_just_words(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    for words in (
        "https://t.me/other_bot?start=product_KIT-MUG-CER",
        "see https://t.me/shop_test_bot?start=product_KIT-MUG-CER a mug",  # not a question
    ):
        await alice.send(words)
        searched = await alice.wait_for("found")  # searched, as any words are
        assert "Add to cart" not in alice.render(searched)


async def test_a_product_card_shared_into_the_bots_own_chat_opens_the_product(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    (result, *_) = (await alice.inline_query("french press")).results
    await alice.post_inline_result(result)
    card = await alice.wait_for("Add to cart")
    assert (result.title or "") in alice.render(card)


async def test_a_shared_live_location_moving_is_not_answered_at_each_move(
    harness: ShopHarness, caplog: pytest.LogCaptureFixture
) -> None:
    alice = harness.user(1001, "Alice")
    live = {"latitude": 51.5, "longitude": -0.12, "live_period": 900}
    shared, _ = await harness.standin.add_user_message(alice.chat, {"location": live})
    await alice.wait_for(UNREADABLE)
    answered = len(alice.messages)
    with caplog.at_level(logging.ERROR):
        for step in range(1, 4):
            moved = live | {"latitude": 51.5 + step / 1000}
            await harness.standin.push_update(
                "edited_message",
                {
                    "message_id": shared.message_id,
                    "from": alice.user_json,
                    "chat": alice.chat.chat_json,
                    "date": shared.date,
                    "edit_date": shared.date + step,
                    "location": moved,
                },
            )
        await harness.until_idle()
    assert len(alice.messages) == answered
    assert not caplog.records


def business_message(alice_json: dict[str, object], chat_id: int) -> dict[str, object]:
    return {
        "message_id": 77,
        "business_connection_id": "bc-1",
        "from": alice_json,
        "chat": {"id": chat_id, "type": "private", "first_name": "Carol"},
        "date": 1796280000,
        "text": "mug",
    }


def unserved_updates(
    chat: dict[str, object], user: dict[str, object], bot: dict[str, object]
) -> list[tuple[str, dict[str, object]]]:
    """One update of each kind the shop does not serve, from Alice's chat where it has one."""
    return [
        (
            "business_connection",
            {
                "id": "bc-1",
                "user": user,
                "user_chat_id": 1001,
                "date": 1796280000,
                "can_reply": True,
                "is_enabled": True,
            },
        ),
        ("business_message", business_message(user, 1001)),
        ("business_message", business_message(user, 4242)),
        ("edited_business_message", business_message(user, 4242) | {"edit_date": 1796280001}),
        (
            "deleted_business_messages",
            {"business_connection_id": "bc-1", "chat": chat, "message_ids": [1]},
        ),
        (
            "message_reaction",
            {
                "chat": chat,
                "message_id": 2,
                "user": user,
                "date": 1796280000,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        ),
        (
            "message_reaction_count",
            {
                "chat": chat,
                "message_id": 2,
                "date": 1796280000,
                "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 1}],
            },
        ),
        (
            "poll_answer",
            {"poll_id": "p1", "user": user, "option_ids": [0], "option_persistent_ids": ["a"]},
        ),
        (
            "chat_join_request",
            {
                "chat": {"id": -100600, "type": "supergroup", "title": "Fans"},
                "from": user,
                "user_chat_id": 1001,
                "date": 1796280000,
            },
        ),
        (
            "chat_member",
            {
                "chat": {"id": -100600, "type": "supergroup", "title": "Fans"},
                "from": user,
                "date": 1796280000,
                "old_chat_member": {"status": "left", "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            },
        ),
    ]


async def test_update_kinds_the_shop_does_not_serve_are_ignored_quietly(
    harness: ShopHarness, caplog: pytest.LogCaptureFixture
) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("mug")
    await alice.wait_for("found")
    answered, calls = len(alice.messages), len(harness.standin.calls)
    chat, user, bot = alice.chat.chat_json, alice.user_json, harness.standin.bot_user
    updates = unserved_updates(chat, user, bot)
    with caplog.at_level(logging.ERROR):
        for kind, payload in updates:
            await harness.standin.push_update(kind, payload)
        await harness.until_idle()
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert len(alice.messages) == answered
    sent = [c.method for c in harness.standin.calls[calls:] if c.method.startswith("send")]
    assert not sent


async def test_a_product_imported_with_a_pasted_title_is_found_by_plain_words(
    tmp_path: Path, database_url: str
) -> None:
    """Ada imports a product whose title she pasted with full-width letters and a zero-width
    space; Alice types plain words and finds it, on SQLite and PostgreSQL alike."""
    title = "Ｚｅｐｈｙｒ Tea\u200bpot"
    row = f"TEA-ZPH,{title},Cast iron,Kitchen,30.00,USD,4,\n"
    admins = frozenset({ADMIN_ID})
    async with ShopHarness(tmp_path, admin_ids=admins, database_url=database_url) as h:
        ada, alice = h.user(ADMIN_ID, "Ada"), h.user(1001, "Alice")
        await ada.send_document("tea.csv", (CSV_HEADER + row).encode(), "text/csv")
        await ada.wait_for("Imported tea.csv")
        await alice.send("/search zephyr teapot")
        found = await alice.wait_for("found")
        assert title in alice.render(found)


async def test_the_shop_asks_telegram_only_for_the_update_kinds_it_serves(
    harness: ShopHarness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Polling and webhook alike ask for the gate's kinds, so reactions, business chats and
    the rest never arrive; one that does (made before the bot asked) is still dropped."""
    alice = harness.user(1001, "Alice")
    await alice.send("mug")
    await alice.wait_for("found")
    assert harness.standin.allowed_updates == frozenset(SERVED)

    async with (
        ShopHarness(tmp_path / "webhook", mode="webhook") as hooked,
        aiohttp.ClientSession() as http,
    ):
        assert hooked.settings is not None
        assert hooked.standin.webhook_url
        assert hooked.standin.allowed_updates == frozenset(SERVED)
        secret = {SECRET_TOKEN_HEADER: hooked.settings.webhook_secret}
        chat, user, bot = alice.chat.chat_json, alice.user_json, hooked.standin.bot_user
        with caplog.at_level(logging.ERROR):
            for update_id, (kind, payload) in enumerate(unserved_updates(chat, user, bot), 5):
                early = {"update_id": update_id, kind: payload}
                async with http.post(hooked.webhook_url, json=early, headers=secret) as response:
                    assert response.status == 200, kind
            await hooked.until_idle()
        assert not caplog.records, [r.getMessage() for r in caplog.records]
        assert not hooked.standin.calls_to("sendMessage")


async def test_choosing_a_language_while_typing_a_code_or_a_note_keeps_her_place(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await open_order_summary(alice)
    await alice.press("Promo code")
    await alice.wait_for("Type your promo code")

    await alice.send("/language")
    await alice.wait_for("Choose your language")
    await alice.press("Русский")
    asked = await alice.wait_for("Теперь я говорю")
    assert "Введите промокод" in (asked.text or "")  # asked again, in Russian
    await alice.send("NOSUCHCODE")
    await alice.wait_for("Промокода «NOSUCHCODE» нет")  # what she typed is still the code

    await alice.press("⬅")  # back to the summary
    await alice.wait_for(lambda m: any("📝" in b.label for b in m.all_buttons))
    await alice.press("📝")
    await alice.wait_for("📝")
    await alice.send("/language")
    await alice.wait_for("Выберите язык")
    await alice.press("Español")
    asked = await alice.wait_for("A partir de ahora hablo")
    assert "nota" in (asked.text or "")
    await alice.send("Leave it at the door")
    await alice.wait_for("Tu nota se añadió al pedido.")


async def test_inline_answers_speak_the_shops_language_whoever_asks(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    """An inline answer is cached by Telegram for everyone: all of it is in DEFAULT_LANGUAGE,
    whatever the asker's own language (here Russian, in a Spanish shop)."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, default_language="es") as h:
        async with h.store.uow() as uow:
            mug = await uow.session.scalar(select(Product).where(Product.sku == "KIT-MUG-CER"))
            assert mug is not None
            mug.translations = {"es": {"title": "Taza de gres"}, "ru": {"title": "Кружка"}}
        ivan = h.user(1001, "Ivan", language_code="ru")
        (result,) = (await ivan.inline_query("stoneware mug")).results
        assert result.title == "Taza de gres"
        assert "$16.00" not in (result.description or "")  # Spanish money: 16,00 US$
        assert "Disponible" in (result.description or "")  # "In stock"
        assert (result.text or "").startswith("🛍 Taza de gres")
        assert [b.label for b in result.all_buttons] == ["🛍 Abrir en la tienda"]
        nothing = await ivan.inline_query("zzzqqq")
        assert nothing.button is not None and nothing.button["text"] == "🛍 Abrir la tienda"


async def test_a_kettle_described_in_emoji_shows_its_card_within_telegrams_caption_limit(
    harness: ShopHarness,
) -> None:
    """🌟 is two UTF-16 units, and Telegram counts a caption's 1,024 in those: a description
    clipped by characters would be refused with the whole card."""
    async with harness.store.uow() as uow:
        kettle = await uow.products.get_by_sku("KIT-KTL-GOO")
        assert kettle is not None
        kettle.description = "🌟" * 1000
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_KIT-KTL-GOO")
    card = await alice.wait_for(lambda m: "Sorry" in (m.text or "") or m.has_caption)
    caption = card.text or ""
    assert caption.startswith("Gooseneck Kettle 1L") and caption.endswith("🌟…")
    assert telegram_length(caption) <= 1024
