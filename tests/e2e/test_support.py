"""Talk to the shop: a shopper's questions reach the admins, an admin's reply reaches the
shopper, in order, across a restart; threads close; nobody available is said so."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from bot.services import support as conversations
from bot.standin import FakeUser
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.store.models import SupportMessage, SupportRelay, SupportThread, utcnow
from bot.usecases import support
from tests.conftest import seeded_shop_in
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import open_invoice
from tests.reliability.test_exactly_once import crash_after, last_update


@pytest.fixture
def shop(harness: ShopHarness) -> ShopHarness:
    """A seeded shop with one admin, Ada (tests/e2e/conftest.py)."""
    return harness


async def writing_to_the_shop(shop: ShopHarness) -> tuple[FakeUser, FakeUser]:
    """Alice has sent /support; Ada is the admin."""
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await alice.send("/support")
    await alice.wait_for("Write your question")
    return alice, ada


async def ask(alice: FakeUser, admin: FakeUser, question: str) -> Message:
    """Alice writes to the shop; the question as the admin got it."""
    await alice.send(question)
    await alice.wait_for("Sent to the shop")
    return await admin.wait_for(question)


async def test_a_question_reaches_the_admin_and_the_reply_comes_back_after_a_restart(
    shop: ShopHarness,
) -> None:
    alice, ada = shop.user(1001, "Alice", username="alice"), shop.user(ADMIN_ID, "Ada")
    await alice.send("/support")
    await alice.wait_for("Write your question")

    relayed = await ask(alice, ada, "Do you ship to Canada?")
    assert alice.render(relayed) == (
        "💬 Alice (@alice, id 1001):\nDo you ship to Canada?\n\n"
        "↩️ Reply to this message to answer.\n[✅ Close conversation] [👤 Customer]"
    )

    await shop.restart()  # the thread, the admin's copy and Alice's chat are in the database

    await ada.send("Yes: 5 to 7 days, tracked.", reply_to=relayed)
    answer = await alice.wait_for("The shop answers")
    assert alice.render(answer) == "💬 The shop answers:\nYes: 5 to 7 days, tracked.\n[✍️ Reply]"
    await ada.wait_for("✅ Sent to Alice.")

    # Still writing to the shop: even a word the bot knows ("hello") goes to the admins.
    await ask(alice, ada, "hello")
    assert not [m for m in alice.messages if "Main menu" in (m.text or "")]


async def test_messages_keep_their_order_both_ways(shop: ShopHarness) -> None:
    alice, ada = await writing_to_the_shop(shop)
    for n in range(1, 5):
        await alice.send(f"part {n}")  # one after another, without waiting for "Sent"
    await shop.until_idle()
    relayed = [m for m in ada.messages if "part" in (m.text or "")]
    assert [m.text.split("\n")[1] for m in relayed if m.text] == [
        "part 1",
        "part 2",
        "part 3",
        "part 4",
    ]

    for n in (1, 2, 3):
        await ada.send(f"answer {n}", reply_to=relayed[n - 1])
    await shop.until_idle()
    answers = [m.text for m in alice.messages if m.text and "The shop answers" in m.text]
    assert [a.split("\n")[1] for a in answers] == ["answer 1", "answer 2", "answer 3"]


async def test_a_message_kept_while_another_worker_sends_the_thread_goes_out_after_it(
    shop: ShopHarness,
) -> None:
    """Two relays of one thread at once (as two workers would run them): the second finds the
    thread taken and leaves; the first sends the new message too, after its own."""
    _, ada = await writing_to_the_shop(shop)
    assert shop.shop is not None
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        assert customer is not None
        thread_id = await conversations.add_question(
            uow, customer.id, None, author=1001, text="first"
        )
    shop.standin.faults.flood("sendMessage", retry_after=1)  # the first send waits a second
    mark = len(shop.standin.calls)
    first = asyncio.create_task(support.relay(shop.shop, thread_id))
    await shop.standin.wait_for_call(lambda c: c.fault == "flood", since=mark, timeout=5)

    async with shop.store.uow() as uow:
        await conversations.add_question(uow, customer.id, thread_id, author=1001, text="second")
    await support.relay(shop.shop, thread_id)  # the thread is being sent: back at once
    assert not [m for m in ada.messages if "second" in (m.text or "")]
    await first
    relayed = [(m.text or "").split("\n")[1] for m in ada.messages]
    assert relayed == ["first", "second"]


async def test_a_question_kept_before_a_crash_is_relayed_once_after_the_restart(
    shop: ShopHarness,
) -> None:
    alice, ada = await writing_to_the_shop(shop)
    await ask(alice, ada, "Is the grinder adjustable?")
    await shop.until_idle()
    # As a crash right after the question was kept leaves things: kept, not relayed, and its
    # update unfinished with its change made.
    question = await last_update(shop.store, "message")
    async with shop.store.uow() as uow:
        await uow.session.execute(update(SupportMessage).values(delivery="waiting"))
        await uow.session.execute(delete(SupportRelay))
    await crash_after(shop.store, question, changed=True)

    await shop.restart()
    await alice.wait_for("You are writing to the shop")  # the update, answered, not re-kept
    await shop.until_idle()
    assert shop.shop is not None
    assert await support.relay_stalled(shop.shop) == 0  # too fresh: its sender may be busy
    later = utcnow() + support.STALLED_AFTER * 2
    assert await support.relay_stalled(shop.shop, now=later) == 1
    copies = [m for m in ada.messages if "Is the grinder adjustable?" in (m.text or "")]
    assert len(copies) == 2  # the one before the crash (in this test), and the relay after it
    async with shop.store.uow() as uow:
        kept = (await uow.session.scalars(select(SupportMessage))).all()
    assert [(m.text, m.delivery) for m in kept] == [("Is the grinder adjustable?", "sent")]
    await ada.send("Yes, 18 steps.", reply_to=copies[-1])
    await alice.wait_for("Yes, 18 steps.")


async def test_a_thread_whose_sender_crashed_mid_send_is_taken_over_when_its_claim_runs_out(
    shop: ShopHarness,
) -> None:
    _, ada = await writing_to_the_shop(shop)
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        assert customer is not None
        thread_id = await conversations.add_question(
            uow, customer.id, None, author=1001, text="Anyone there?"
        )
        now = utcnow()  # a worker took the thread to send it, then died
        assert await uow.support.take_sending(
            thread_id, "crashed", now=now, until=now + support.SENDING_LEASE
        )
    assert shop.shop is not None
    soon = utcnow() + support.STALLED_AFTER * 2
    assert await support.relay_stalled(shop.shop, now=soon) == 0  # its claim still runs
    async with shop.store.uow() as uow:  # ...until it has run out
        await uow.session.execute(
            update(SupportThread).values(sending_until=utcnow() - timedelta(seconds=1))
        )
    assert await support.relay_stalled(shop.shop, now=soon) == 1
    await ada.wait_for("Anyone there?")
    assert len([m for m in ada.messages if "Anyone there?" in (m.text or "")]) == 1


async def test_photos_go_both_ways(shop: ShopHarness) -> None:
    alice, ada = await writing_to_the_shop(shop)
    await alice.send_photo(caption="The handle came off")
    await alice.wait_for("Sent to the shop")
    relayed = await ada.wait_for("The handle came off")
    assert relayed.photo is not None and relayed.photo == alice.sent_messages[-1].photo

    await ada.send_photo(caption="Is it this one?", reply_to=relayed)
    answer = await alice.wait_for("Is it this one?")
    assert answer.photo == ada.sent_messages[-1].photo
    assert answer.text == "💬 The shop answers:\nIs it this one?"


async def test_a_photo_outside_a_conversation_is_still_not_readable(shop: ShopHarness) -> None:
    alice = shop.user(1001, "Alice")
    await alice.send_photo()
    await alice.wait_for("I can only read text and button taps")


async def test_asking_about_an_order_names_the_order_for_the_admin(shop: ShopHarness) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await open_invoice(alice, "KIT-MUG-CER")
    await alice.send("/orders")
    await alice.wait_for("Your orders")
    await alice.press("#1")
    await alice.press("Ask about this order")
    await alice.wait_for("Your question about order #1", include_existing=True)

    relayed = await ask(alice, ada, "Can I change the colour?")
    assert (relayed.text or "").startswith("💬 Alice (id 1001) about order #1:\n")

    await alice.send("/cancel")  # stops writing to the shop; the invoice asked about stays
    await alice.wait_for("You are no longer writing to the shop")
    async with shop.store.reading() as uow:
        order = await uow.orders.get(1, full=False)
    assert order is not None and (order.status, order.hold_status) == ("awaiting_payment", "held")


async def test_someone_elses_order_cannot_be_asked_about(shop: ShopHarness) -> None:
    mallory = shop.user(666, "Mallory")
    await mallory.send("/start")
    welcome = await mallory.wait_for("Welcome")
    answer = await mallory.press_data(welcome, "1:ask:1")  # forged: order #1 is not hers
    assert answer.text == "This button has expired, here is the current view."
    async with shop.store.uow() as uow:
        assert not (await uow.session.scalars(select(SupportMessage))).all()


async def test_cancel_stops_writing_to_the_shop(shop: ShopHarness) -> None:
    alice, ada = await writing_to_the_shop(shop)
    await alice.send("/cancel")
    await alice.wait_for("You are no longer writing to the shop")
    await alice.send("kettle")
    await alice.wait_for("Results for")
    await shop.until_idle()
    assert not ada.messages


async def test_an_admin_closes_the_conversation_and_the_shopper_is_told(
    shop: ShopHarness,
) -> None:
    alice, ada = await writing_to_the_shop(shop)
    relayed = await ask(alice, ada, "Thanks, that's all!")

    await ada.press("Close conversation", message=relayed)
    await alice.wait_for("The shop has closed this conversation")
    await ada.wait_for("Conversation with Alice (id 1001) closed")
    again = await ada.press("Close conversation", message=relayed)
    assert again.text == "This conversation was closed already."

    await alice.send("kettle")  # no longer writing to the shop: words search again
    await alice.wait_for("Results for")
    await alice.send("/support")  # and /support opens a new conversation
    await alice.wait_for("Write your question")
    relayed_again = await ask(alice, ada, "One more thing")
    assert relayed_again.message_id != relayed.message_id


async def test_an_answer_to_a_shopper_who_blocked_the_bot_is_reported_not_retried(
    shop: ShopHarness,
) -> None:
    alice, ada = await writing_to_the_shop(shop)
    relayed = await ask(alice, ada, "Where is my parcel?")
    alice.block()

    await ada.send("It left today.", reply_to=relayed)
    await ada.wait_for("Alice (id 1001) has blocked the bot: your answer did not reach them.")
    assert shop.shop is not None
    assert await support.relay_stalled(shop.shop) == 0  # nothing left waiting to try again
    refused = [c for c in shop.standin.calls_to("sendMessage") if c.error_code == 403]
    assert [c.params["chat_id"] for c in refused] == [1001]  # tried once, not again
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        delivery = await uow.session.scalar(
            select(SupportMessage.delivery).where(SupportMessage.kind == "answer")
        )
    assert customer is not None and customer.blocked_bot and delivery == "blocked"


async def test_a_reply_to_any_other_message_is_not_an_answer(shop: ShopHarness) -> None:
    ada = shop.user(ADMIN_ID, "Ada")
    await ada.send("/start")
    welcome = await ada.wait_for("Welcome")
    await ada.send("kettle", reply_to=welcome)
    await ada.wait_for("Results for")  # searched, as any text


async def test_nobody_available_is_said_so_when_no_admins_are_configured(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/support")
        await alice.wait_for("nobody is available to answer questions right now")
        await alice.send("hello")
        await alice.wait_for("Main menu")  # "hello" is a greeting: no conversation was opened
        async with h.store.uow() as uow:
            assert not (await uow.session.scalars(select(SupportMessage))).all()


async def test_closing_a_conversation_that_does_not_exist_says_it_is_closed(
    shop: ShopHarness,
) -> None:
    ada = shop.user(ADMIN_ID, "Ada")
    await ada.send("/admin")
    menu = await ada.wait_for("Admin")
    pressed = await ada.press_data(menu, "1:ASX:424242")
    assert pressed.text == "This conversation was closed already."


async def test_a_question_too_long_to_relay_whole_is_refused_with_the_limit(
    shop: ShopHarness,
) -> None:
    alice, ada = await writing_to_the_shop(shop)
    await alice.send("x" * 4090 + "END")
    refused = await alice.wait_for("Your message is 4093 characters")
    assert (refused.text or "").startswith(
        "✂️ Your message is 4093 characters; at most 3800 fit in one message to the shop. "
        "Nothing was sent: please send it in two or more parts."
    )
    assert not [m for m in ada.messages if "xxx" in (m.text or "")]

    longest = "y" * 3797 + "END"
    await alice.send(longest)
    await alice.wait_for("Sent to the shop")
    relayed = await ada.wait_for(longest)
    assert relayed.text == f"💬 Alice (id 1001):\n{longest}\n\n↩️ Reply to this message to answer."


async def test_a_photo_whose_caption_is_too_long_to_relay_whole_is_refused(
    shop: ShopHarness,
) -> None:
    alice, ada = await writing_to_the_shop(shop)
    await alice.send_photo(caption="z" * 1001 + "END")
    await alice.wait_for("Your message is 1004 characters; at most 800 fit")
    assert not [m for m in ada.messages if m.photo is not None]

    await alice.send_photo(caption="w" * 797 + "END")
    relayed = await ada.wait_for("wwwEND")
    assert (relayed.text or "").endswith("wwwEND\n\n↩️ Reply to this message to answer.")


async def test_an_answer_too_long_to_relay_whole_is_refused_and_the_admin_told(
    shop: ShopHarness,
) -> None:
    alice, ada = await writing_to_the_shop(shop)
    relayed = await ask(alice, ada, "Do you ship to Canada?")
    await ada.send("a" * 4089 + "END", reply_to=relayed)
    await ada.wait_for("Your message is 4092 characters; at most 3800 fit")
    assert not [m for m in alice.messages if "The shop answers" in (m.text or "")]
    assert not [m for m in ada.messages if "Sent to Alice" in (m.text or "")]

    await ada.send("Yes, in parts.", reply_to=relayed)
    await alice.wait_for("Yes, in parts.")
    await ada.wait_for("✅ Sent to Alice.")


async def test_each_admin_reads_a_question_in_her_own_language(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    """Ada reads English, Bea's Telegram speaks Russian: Alice's question reaches each with
    the shop's words around it (how to answer, the Close button) in her own language."""
    bea_id = ADMIN_ID + 1
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, admin_ids=frozenset({ADMIN_ID, bea_id})) as h:
        bea = h.user(bea_id, "Bea", language_code="ru")
        await bea.send("/start")
        await bea.wait_for("Bea")
        alice, ada = await writing_to_the_shop(h)

        await ask(alice, ada, "Do you ship to Canada?")
        for_ada = await ada.wait_for("Do you ship to Canada?", include_existing=True)
        for_bea = await bea.wait_for("Do you ship to Canada?")
        assert "↩️ Reply to this message to answer." in (for_ada.text or "")
        assert "↩️ Ответьте на это сообщение, чтобы ответить." in (for_bea.text or "")
        assert [b.label for b in for_bea.all_buttons] == ["✅ Закрыть разговор", "👤 Покупатель"]
