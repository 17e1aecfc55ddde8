"""How words match in the catalog's text index: one definition for the database and Python.

Products are found through the database's own index (migration 0008): SQLite FTS5 or a
PostgreSQL GIN index over the words of title and description, kept in step by triggers. A
query word matches a product word exactly (score 1000), as its start ("mug" finds "mugs",
900) or within a typo ("kettel" finds "kettle", below 800). Typo candidates come from the
index's vocabulary (`search_terms`) by shared trigrams, then `term_score` decides, so what
a typo is stays defined here, in one place.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from rapidfuzz import fuzz

EXACT = 1000  # scores are integers (thousandths) so sums compare exactly in SQL
PREFIX = 900
TYPO_WEIGHT = 800  # times the rapidfuzz ratio (0-1): always below PREFIX
PREFIX_MIN = 3  # "mu" is not a prefix search
TYPO_MIN = 4  # nor is "mug" a typo of "mud"
TYPO_LENGTH_SLACK = 2  # a typo has at most two letters more or fewer

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# The invisible format characters (Unicode category Cf, as of Unicode 14): soft hyphen,
# zero-width spaces and joiners, direction marks and isolates, word joiner, BOM, tags...
# `plain` drops them, and PostgreSQL's `search_words` (migration 0019) drops the same list, so
# a query and a product read alike on both databases. A change here needs a new migration.
FORMAT_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
FORMAT_CHARACTERS = "".join(chr(c) for first, last in FORMAT_RANGES for c in range(first, last + 1))
_DROP_FORMAT = dict.fromkeys(map(ord, FORMAT_CHARACTERS))  # a str.translate table


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, in order: letters and digits, split at anything else.

    The SQLite index's triggers call this through `search_words` (see below) and give FTS5
    the product's `plain` text (`search_text`); PostgreSQL's `search_words` (migration 0019)
    normalises as `plain` does and splits at `[^[:alnum:]]+`, the same rule. Every search
    (the chat's, inline mode's, the storefront's) reads its query through here, so `plain`
    applies to them all, and to the products' own words alike.
    """
    return _WORD_RE.findall(plain(text).lower())


def plain(text: str) -> str:
    """`text` as it reads: NFKC-normalised (full-width "ｍｕｇ" is "mug", "ﬁ" is "fi"),
    without format characters (FORMAT_RANGES: zero-width spaces, direction marks, soft hyphens),
    which are invisible yet would split or disguise a word. ASCII, most text, is left as is."""
    if text.isascii():
        return text
    # Dropped first: "e", a zero-width space and an accent normalise to "é" once it is gone.
    return unicodedata.normalize("NFKC", text.translate(_DROP_FORMAT))


def trigrams(term: str) -> list[str]:
    """A word's trigrams, padded by a space at each end ("mug": " mu", "mug", "ug ")."""
    padded = f" {term} "
    return sorted({padded[i : i + 3] for i in range(len(padded) - 2)})


def typo_threshold(word: str) -> float:
    """Four-letter words tolerate a missing or extra letter only, longer ones a wrong one too.

    (rapidfuzz ratio, 0-100: one wrong letter in four scores 75, as "what" against "that".)
    """
    return 85.0 if len(word) <= 4 else 75.0


def term_score(query_word: str, term: str) -> int:
    """How well one index term matches one query word: EXACT, PREFIX, a typo's score, or 0."""
    if term == query_word:
        return EXACT
    if len(query_word) >= PREFIX_MIN and term.startswith(query_word):
        return PREFIX
    if len(query_word) >= TYPO_MIN and abs(len(term) - len(query_word)) <= TYPO_LENGTH_SLACK:
        ratio = fuzz.ratio(query_word, term)
        if ratio >= typo_threshold(query_word):
            return round(TYPO_WEIGHT * ratio / 100)
    return 0


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """The functions the SQLite index's triggers call: `search_words` and `search_trigrams`
    (JSON arrays, read by json_each) and `search_text`, the `plain` text FTS5 indexes.

    Every connection of the bot's engine has them (bot.store.db). A connection without them,
    such as the sqlite3 shell, can still read and change stock and prices, but not titles or
    descriptions, nor hide or delete a product: the trigger keeping the index in step would
    fail, loudly.
    """
    dbapi_connection.create_function("search_words", 1, _distinct_words_json, deterministic=True)
    dbapi_connection.create_function("search_text", 1, _plain_or_null, deterministic=True)
    dbapi_connection.create_function("search_trigrams", 1, _trigrams_json, deterministic=True)


class WordCollector:
    """`search_words` for a bulk write on SQLite: keeps the words of every row the triggers
    pass it and gives them none, so they are added to `search_terms` once at the end
    (`words_json`) instead of row by row: a 100,000-product seed probes that table some
    2,000,000 times the other way. The triggers, their text and the words stay the same."""

    def __init__(self) -> None:
        # Split at white space only, here: most pieces recur from row to row, so each
        # distinct piece is split into words once, at the end (no word spans white space).
        self.pieces: set[str] = set()

    def __call__(self, text: str | None) -> str:
        self.pieces.update((text or "").split())
        return "[]"

    def words_json(self) -> str:
        return json.dumps(sorted({word for piece in self.pieces for word in words(piece)}))

    def install(self, dbapi_connection: Any) -> None:
        dbapi_connection.create_function("search_words", 1, self)


def _distinct_words_json(text: str | None) -> str:
    return json.dumps(sorted(set(words(text or ""))))


def _plain_or_null(text: str | None) -> str | None:
    return None if text is None else plain(text)


def _trigrams_json(term: str | None) -> str:
    return json.dumps(trigrams(term or ""))
