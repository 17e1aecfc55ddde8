"""The shop's answers to the questions shoppers often ask (/faq): what an entry may hold, which
of its versions a shopper reads, and which entry answers the words she typed.

Matching reads the words as the catalog's search does (bot.store.search_index: `words`,
and `term_score` for exact words, their starts and typos), without the words that carry no
meaning ("how", "can", "the"; in en, ru and es). Each of her words scores its best match
among an entry's question words, or less among its answer words; an entry answers when her
words score half of the most they could, on average.

The entries are few (MAX_ENTRIES), so they are read whole and kept per process
(`FaqBook`): a change here drops them at once, another worker's change is read within
REFRESH_SECONDS; the words of each language's versions are indexed once per reading.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process
from telegram.constants import MessageLimit

from bot import i18n
from bot.clipping import telegram_length
from bot.i18n import N_
from bot.services.catalog import STOPWORDS
from bot.store import search_index

if TYPE_CHECKING:
    from bot.store.models import FaqEntry
    from bot.store.uow import UnitOfWork

QUESTION_MAX = 200  # characters: a button's label shows its start
# An answer, its question above it and a line before them fit in one message.
ANSWER_MAX = MessageLimit.MAX_TEXT_LENGTH - QUESTION_MAX - 96
MAX_ENTRIES = 100
REFRESH_SECONDS = 60.0  # how soon a worker reads another worker's change
ANSWER_WEIGHT = 0.6  # a word found in an answer only counts less than one in the question
GOOD_MATCH = 0.5  # of the most her words could score, on average

# Words that make a sentence a question, at its start (en, ru, es); they never have to match.
QUESTION_WORDS = frozenset(
    (  # noqa: SIM905 (one line per language reads better than a list)
        "what when where which who whom whose why how can could do does did is are am will "
        "would should shall may might was were have has"
        " что как где когда куда откуда почему зачем сколько кто какой какая какое какие"
        " можно ли чем будет есть"
        " qué que cómo como dónde donde cuándo cuando cuál cuáles cuánto cuánta cuántos"
        " cuántas quién quiénes por puedo puede pueden hay tienen es son se"
    ).split()
)
FILLERS = frozenset("about take takes much many well also just yet got sell carry".split())  # noqa: SIM905
IGNORED = STOPWORDS | QUESTION_WORDS | FILLERS

QUESTION_TOO_LONG = N_(
    "A question may be at most {most} characters; this one is {length}. Send a shorter one."
)
ANSWER_TOO_LONG = N_(
    "An answer may be at most {most} characters (one Telegram message, with its question); "
    "this one is {length}. Send a shorter one."
)
NOT_TEXT = N_("Send it as plain text.")
FULL = N_("The list holds {most} questions already: delete one first (/faq del N).")


class FaqInputError(ValueError):
    """An admin's question, answer or /faq command that cannot be used; says why."""


@dataclass(frozen=True, slots=True)
class FaqItem:
    """One entry as shoppers and admins read it: `number` is its place in the list (1, 2...)."""

    id: int
    number: int
    question: str
    answer: str
    translations: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, number: int, entry: FaqEntry) -> FaqItem:
        return cls(entry.id, number, entry.question, entry.answer, dict(entry.translations or {}))

    def version(self, language: str) -> tuple[str, str]:
        """Question and answer in `language` where the shop wrote them so, else as written."""
        found = self.translations.get(language)
        if isinstance(found, dict) and found.get("question") and found.get("answer"):
            return str(found["question"]), str(found["answer"])
        return self.question, self.answer

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages it has a version in, besides the one it is written in."""
        return tuple(sorted(self.translations))


def check_question(text: str | None) -> str:
    return _checked(text, QUESTION_MAX, QUESTION_TOO_LONG)


def check_answer(text: str | None) -> str:
    return _checked(text, ANSWER_MAX, ANSWER_TOO_LONG)


def _checked(text: str | None, most: int, too_long: str) -> str:
    tr = i18n.current()
    cleaned = (text or "").strip()
    if not cleaned:
        raise FaqInputError(tr._(NOT_TEXT))
    length = telegram_length(cleaned)
    if length > most:
        raise FaqInputError(tr._(too_long, most=most, length=length))
    return cleaned


# ---------------------------------------------------------------- matching


def looks_like_question(text: str) -> bool:
    """Ends with "?" (or starts with "¿"), or starts with a question word: "how long...",
    "сколько стоит...", "cuánto tarda..."."""
    stripped = text.strip()
    if stripped.endswith(("?", "？")) or stripped.startswith("¿"):
        return True
    found = search_index.words(stripped)
    return bool(found) and found[0] in QUESTION_WORDS


def meaningful_words(text: str) -> list[str]:
    """The words of `text` that have to match: no stopwords, no question words."""
    return [w for w in dict.fromkeys(search_index.words(text)) if w not in IGNORED]


@dataclass(frozen=True, slots=True)
class FaqIndex:
    """The words of the entries' versions in one language: each word, with the entries whose
    question (True) or answer only (False) holds it; and the words in order and by length,
    so a word of hers is scored only against those that can match it (`term_score` decides)."""

    items: tuple[FaqItem, ...]
    terms: dict[str, dict[int, bool]]
    ordered: list[str] = field(default_factory=list)
    by_length: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, items: tuple[FaqItem, ...], language: str) -> FaqIndex:
        terms: dict[str, dict[int, bool]] = {}
        for place, item in enumerate(items):
            question, answer = item.version(language)
            for word in search_index.words(answer):
                terms.setdefault(word, {}).setdefault(place, False)
            for word in search_index.words(question):
                terms.setdefault(word, {})[place] = True
        by_length: dict[int, list[str]] = {}
        for term in terms:
            by_length.setdefault(len(term), []).append(term)
        return cls(items, terms, sorted(terms), by_length)

    def candidates(self, word: str) -> set[str]:
        """The terms that may match `word`: itself, those it starts, near typos of it."""
        found = {word} if word in self.terms else set()
        if len(word) >= search_index.PREFIX_MIN:
            at = bisect.bisect_left(self.ordered, word)
            while at < len(self.ordered) and self.ordered[at].startswith(word):
                found.add(self.ordered[at])
                at += 1
        if len(word) >= search_index.TYPO_MIN:
            slack = search_index.TYPO_LENGTH_SLACK
            near = [
                term
                for length in range(len(word) - slack, len(word) + slack + 1)
                for term in self.by_length.get(length, ())
            ]
            cutoff = search_index.typo_threshold(word)
            found.update(
                term
                for term, _, _ in process.extract(
                    word, near, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                )
            )
        return found

    def best(self, text: str) -> FaqItem | None:
        """The entry that answers `text` best, if one answers it well (ties: the first)."""
        wanted = meaningful_words(text)
        if not wanted or not self.items:
            return None
        scores = [0.0] * len(self.items)
        for word in wanted:
            best_of = [0.0] * len(self.items)
            for term in self.candidates(word):
                score = search_index.term_score(word, term)
                for place, in_question in self.terms[term].items():
                    counted = score if in_question else score * ANSWER_WEIGHT
                    best_of[place] = max(best_of[place], counted)
            scores = [total + s for total, s in zip(scores, best_of, strict=True)]
        top = max(range(len(scores)), key=lambda place: (scores[place], -place))
        most = search_index.EXACT * len(wanted)
        return self.items[top] if scores[top] >= GOOD_MATCH * most else None


# ---------------------------------------------------------------- the book, per process


class FaqBook:
    """The entries as this process last read them, and their indexes by language.

    `items` reads them again when they are older than REFRESH_SECONDS or `changed` was
    called (this process's admin changed them); a reading that began before a change is
    not kept, so it cannot put the old list back."""

    def __init__(self, refresh: float = REFRESH_SECONDS, clock: Callable[[], float] | None = None):
        self.refresh = refresh
        self._clock = clock or time.monotonic
        self._items: tuple[FaqItem, ...] | None = None
        self._read_at = 0.0
        self._changes = 0
        self._indexes: dict[str, FaqIndex] = {}

    def changed(self) -> None:
        self._items, self._indexes = None, {}
        self._changes += 1

    async def items(self, uow: UnitOfWork) -> tuple[FaqItem, ...]:
        if self._items is not None and self._clock() - self._read_at < self.refresh:
            return self._items
        changes, read_at = self._changes, self._clock()
        items = numbered(await uow.faq.list_all())
        if changes != self._changes:
            return items
        if items == self._items:  # as before: its indexes still hold
            self._read_at = read_at
            return self._items
        self._items, self._read_at, self._indexes = items, read_at, {}
        return items

    async def index(self, uow: UnitOfWork, language: str) -> FaqIndex:
        items = await self.items(uow)
        index = self._indexes.get(language)
        if index is None or index.items is not items:
            index = FaqIndex.of(items, language)
            if items is self._items:
                self._indexes[language] = index
        return index


def numbered(entries: Iterable[FaqEntry]) -> tuple[FaqItem, ...]:
    return tuple(FaqItem.of(number, entry) for number, entry in enumerate(entries, 1))


def by_number(items: Sequence[FaqItem], number: int) -> FaqItem | None:
    return items[number - 1] if 1 <= number <= len(items) else None
