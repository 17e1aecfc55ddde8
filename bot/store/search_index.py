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
import sys
import unicodedata
from functools import cache
from typing import Any

from rapidfuzz import fuzz

EXACT = 1000  # scores are integers (thousandths) so sums compare exactly in SQL
PREFIX = 900
TYPO_WEIGHT = 800  # times the rapidfuzz ratio (0-1): always below PREFIX
PREFIX_MIN = 3  # "mu" is not a prefix search
TYPO_MIN = 4  # nor is "mug" a typo of "mud"
TYPO_LENGTH_SLACK = 2  # a typo has at most two letters more or fewer

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
FORMAT = "Cf"  # the Unicode category of invisible format characters, which `plain` drops


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
    """`text` as it reads: NFKC-normalised (full-width "ｍｕｇ" is "mug", "ﬁ" is "fi") and
    without format characters (zero-width spaces and joiners, direction marks, soft hyphens),
    which are invisible yet would split or disguise a word. ASCII, most text, is left as is."""
    if text.isascii():
        return text
    normal = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in normal if unicodedata.category(ch) != FORMAT)


@cache
def format_characters() -> str:
    """Every character `plain` drops (category FORMAT in this Python's Unicode data), for a
    database that cannot ask Unicode itself: PostgreSQL's `search_words` holds this list as
    of the migration that wrote it (0019). 0.2 s the first time, so only migrations ask."""
    every = map(chr, range(sys.maxunicode + 1))
    return "".join(ch for ch in every if unicodedata.category(ch) == FORMAT)


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
