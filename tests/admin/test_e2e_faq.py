"""The shop's answers to common questions through the stand-in: Ada keeps them (/faq add,
lang, edit, del: audited; staff and shoppers refused), shoppers list them, get one for their
own words in their language, and are offered the shop when nothing answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.constants import MessageLimit

from bot.clipping import telegram_length
from bot.demo import seed_faq
from bot.services.faq import ANSWER_MAX, MAX_ENTRIES, QUESTION_MAX
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases import faq
from bot.views.admin_faq import usage
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop

STAFF_ID = 9002


@pytest.fixture
async def team_shop(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    standin.user(STAFF_ID, "Sam")
    async with admin_shop(tmp_path, standin, seeded_sqlite, staff_ids=frozenset({STAFF_ID})) as h:
        yield h


async def test_ada_adds_translates_edits_and_deletes_answers_others_may_not(
    team_shop: ShopHarness,
) -> None:
    ada, sam = team_shop.user(ADMIN_ID, "Ada"), team_shop.user(STAFF_ID, "Sam")
    alice = team_shop.user(SHOPPER_ID, "Alice")
    await alice.send("/faq")
    none_yet = await alice.wait_for("no answers to common questions yet")
    assert "💬 Ask the shop" in alice.render(none_yet)
    for who in (alice, sam):
        await who.send("/faq add")
        await who.wait_for("for the shop's admins only")
    await sam.send("/faq")  # alone: the shoppers' list, for staff too
    await sam.wait_for("no answers to common questions yet")

    await ada.send("/faq add")
    await ada.wait_for("Send the question")
    await ada.send("How long does shipping take?")
    await ada.wait_for("Now send its answer")
    await ada.send("x" * (ANSWER_MAX + 1))
    await ada.wait_for(f"at most {ANSWER_MAX} characters")
    await ada.send("We ship in 3-5 days.")
    await ada.wait_for("Added as question 1")
    await ada.send("/faq add")
    await ada.wait_for("Send the question")
    await ada.send("Can I return something?")
    await ada.wait_for("Now send its answer")
    await ada.send("Yes.")
    await ada.wait_for("Added as question 2")

    await ada.send("/faq lang 1 ru")
    await ada.wait_for("Question 1 in Русский")
    await ada.send("Сколько идёт доставка?")
    await ada.send("От 3 до 5 дней.")
    await ada.wait_for("Question 1 changed")
    await ada.send("/faq edit 2")
    await ada.wait_for("Send /skip to keep it")
    await ada.send("/skip")  # the question stays
    await ada.send("Yes: within 30 days of delivery.")
    await ada.wait_for("Question 2 changed")
    await ada.send("/faq")
    listed = await ada.wait_for("Common questions, in the order")
    assert "1. How long does shipping take? [ru]\n2. Can I return something?\n" in (
        listed.text or ""
    )

    await ada.send("/faq del 2")
    await ada.wait_for("Delete question 2, “Can I return something?”")
    await ada.press("🗑 Delete")
    await ada.wait_for("Question 2 deleted")
    await alice.send("/faq")
    shown = await alice.wait_for("Questions we are often asked")
    assert "How long does shipping take?" in alice.render(shown)
    assert "Can I return something?" not in alice.render(shown)
    async with team_shop.store.reading() as uow:
        audit = [
            (e.action, e.target, (e.details or {}).get("language"))
            for e in await uow.audit.list_recent()
        ]
    assert audit == [
        ("faq.delete", "faq:2", None),
        ("faq.edit", "faq:2", None),
        ("faq.edit", "faq:1", "ru"),
        ("faq.add", "faq:2", None),
        ("faq.add", "faq:1", None),
    ]


async def test_a_shopper_gets_answers_for_her_words_and_is_offered_the_shop(
    shop: ShopHarness, shopper: FakeUser
) -> None:
    await shopper.send("/start")
    assert "ℹ️ Questions" not in shopper.render(await shopper.wait_for("Welcome"))
    await seed_faq(shop)  # shipping, returns, payment; in ru and es too
    await shopper.send("/start")
    await shopper.wait_for("Welcome")
    await shopper.press("ℹ️ Questions")
    await shopper.press("Can I return something?")
    await shopper.wait_for("within 30 days of delivery")
    await shopper.press("⬅ Back")
    listing = await shopper.wait_for("Questions we are often asked")

    await shopper.send("how long does shipping take?")
    found = await shopper.wait_for("This may help")
    assert "We ship within 1-2 business days" in shopper.render(found)
    assert "💬 Ask the shop" in shopper.render(found)
    await shopper.send("what about gift wrap?")  # "gift" finds the gift card, "wrap" nothing
    await shopper.wait_for("I couldn't find an answer to that. 💬 Ask the shop")
    await shopper.press("💬 Ask the shop")
    await shopper.wait_for("Write your question")
    await shopper.send("/cancel")
    await shopper.wait_for("no longer writing to the shop")
    await shopper.send("kettle")
    assert "Gooseneck Kettle" in shopper.render(await shopper.wait_for("Results"))

    ivan, ada = shop.user(1002, "Ivan", language_code="ru"), shop.user(ADMIN_ID, "Ada")
    await ivan.send("сколько стоит доставка?")
    answered = await ivan.wait_for("Возможно, это поможет")
    assert "Доставка бесплатна от $50" in ivan.render(answered)

    await ada.send("/faq del 2")
    await ada.wait_for("Delete question 2")
    await ada.press("🗑 Delete")
    await ada.wait_for("Question 2 deleted")
    stale = await shopper.press("Can I return something?", message=listing)  # still shown
    assert stale.text == "That question is no longer in the list."
    assert "Can I return something?" not in shopper.render(await shopper.wait_for("no longer"))


def long_question(number: int) -> str:
    """A question of QUESTION_MAX (200) characters as Telegram counts them: the gift counts
    as two, so it is 199 in Python's count."""
    start = f"Question {number}: 🎁 can I "
    return start + "w" * (QUESTION_MAX - telegram_length(start) - 1) + "?"


async def test_ada_pages_through_100_long_questions_and_sees_each_whole(
    team_shop: ShopHarness,
) -> None:
    """100 questions of 200 characters come to more than one message of 4,096: Ada reads
    them 10 a page, each whole, the commands under every page, ◀ ▶ between pages."""
    assert team_shop.shop is not None
    questions = [long_question(number) for number in range(1, MAX_ENTRIES + 1)]
    assert {telegram_length(q) for q in questions} == {QUESTION_MAX}
    for question in questions:
        await faq.add(team_shop.shop, ADMIN_ID, question, "Yes.")
    ada = team_shop.user(ADMIN_ID, "Ada")
    await ada.send("/faq")
    listing = await ada.wait_for("page 1/10")
    pages = [listing.text or ""]
    for page in range(2, 11):
        await ada.press("Next ▶", message=listing)
        listing = await ada.wait_for(f"page {page}/10")
        pages.append(listing.text or "")
    assert "Next ▶" not in ada.render(listing)  # the last page
    for number, question in enumerate(questions, 1):  # each whole, on one page
        assert sum(f"\n{number}. {question}\n" in text for text in pages) == 1
    for text in pages:
        assert telegram_length(text) <= MessageLimit.MAX_TEXT_LENGTH
        assert text.endswith(usage()) and "…" not in text
    await ada.press("◀ Prev", message=listing)
    assert (await ada.wait_for("page 9/10")).text == pages[8]

    await ada.send("/faq move 95 up")  # the list after a change opens at the page it is on
    moved = await ada.wait_for("page 10/10")
    assert f"\n94. {questions[94]}\n95. {questions[93]}\n" in (moved.text or "")
