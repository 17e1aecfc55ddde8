"""The shop's answers to common questions: which entry answers a shopper's words, in which
language, what an entry may hold, and the per-process copy of the list."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.services import faq
from bot.services.faq import FaqBook, FaqIndex, FaqInputError, FaqItem
from bot.store.uow import UnitOfWork

SHIPPING = FaqItem(
    1,
    1,
    "How long does shipping take, and what does it cost?",
    "We ship within 1-2 business days; delivery takes 3-5 days. Free from $50.",
    {"ru": {"question": "Сколько идёт доставка?", "answer": "Доставка занимает 3-5 дней."}},
)
RETURNS = FaqItem(2, 2, "Can I return something?", "Yes: within 30 days of delivery.")
PAYING = FaqItem(3, 3, "How can I pay?", "By card in Telegram, or with a gift card code.")
ITEMS = (SHIPPING, RETURNS, PAYING)


@pytest.mark.parametrize(
    ("text", "answered_by"),
    [
        ("how long does shipping take?", SHIPPING),
        ("shipping cost", SHIPPING),
        ("shiping", SHIPPING),  # a typo
        ("ret", RETURNS),  # the start of a word
        ("returns", RETURNS),
        ("can I pay by card?", PAYING),
        ("when will my delivery arrive?", None),  # "arrive": in no entry
        ("what about gift wrap?", None),  # "gift" in an answer alone is not enough
        ("how?", None),  # nothing but a question word
    ],
)
def test_her_words_find_the_entry_that_answers_them(text: str, answered_by: FaqItem | None) -> None:
    assert FaqIndex.of(ITEMS, "en").best(text) is answered_by


def test_she_reads_and_is_matched_in_her_language_else_as_written() -> None:
    assert SHIPPING.version("ru") == ("Сколько идёт доставка?", "Доставка занимает 3-5 дней.")
    assert RETURNS.version("ru") == (RETURNS.question, RETURNS.answer)
    russian = FaqIndex.of(ITEMS, "ru")
    assert russian.best("сколько идёт доставка?") is SHIPPING
    assert russian.best("доставку") is SHIPPING  # another ending of the word
    assert russian.best("return") is RETURNS  # no version in Russian: read as written


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("how long does shipping take", True),
        ("Gift wrap?", True),
        ("сколько стоит доставка", True),
        ("¿Cuánto tarda el envío", True),
        ("kettle", False),
        ("green tea", False),
    ],
)
def test_a_question_is_told_by_its_mark_or_its_first_word(text: str, asked: bool) -> None:
    assert faq.looks_like_question(text) is asked


def test_an_answer_fits_one_message_and_a_longer_one_is_refused_saying_why() -> None:
    assert faq.check_answer("  Ships in 3 days.  ") == "Ships in 3 days."
    assert faq.check_answer("x" * faq.ANSWER_MAX) == "x" * faq.ANSWER_MAX
    with pytest.raises(FaqInputError, match=f"at most {faq.ANSWER_MAX} characters"):
        faq.check_answer("😀" * (faq.ANSWER_MAX // 2 + 1))  # an emoji counts two, as Telegram's
    with pytest.raises(FaqInputError, match="at most 200 characters; this one is 201"):
        faq.check_question("q" * 201)
    with pytest.raises(FaqInputError, match="plain text"):
        faq.check_question("   ")


class _Entries:
    """A unit of work's `faq` repository that counts its readings."""

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self.reads = 0

    async def list_all(self) -> list[Any]:
        self.reads += 1
        return list(self.rows)


def _row(entry_id: int, question: str) -> Any:
    return SimpleNamespace(id=entry_id, question=question, answer="A.", translations=None)


async def test_the_list_is_read_once_until_it_changes_or_grows_old() -> None:
    now = [0.0]
    book = FaqBook(refresh=60.0, clock=lambda: now[0])
    entries = _Entries()
    uow = cast(UnitOfWork, SimpleNamespace(faq=entries))
    assert await book.items(uow) == ()
    entries.rows.append(_row(7, "Shipping?"))
    assert await book.items(uow) == ()  # this process's copy
    assert entries.reads == 1
    book.changed()  # an admin here changed it
    (item,) = await book.items(uow)
    assert (item.id, item.number, entries.reads) == (7, 1, 2)
    assert (await book.index(uow, "en")).best("shipping") == item
    indexed = await book.index(uow, "en")
    now[0] = 61.0  # read again, the same: still indexed
    assert await book.index(uow, "en") is indexed
    entries.rows.clear()  # another worker's change
    now[0] = 122.0
    assert await book.items(uow) == ()
    assert entries.reads == 4
