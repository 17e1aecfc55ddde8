"""Searching products through the database's own text index (migration 0008).

First each query word is resolved to its forms: itself, its prefix, and a few typo terms
(index terms sharing trigrams with it, judged by bot.store.search_index.term_score), in one
statement for all the words. Then the index finds the products: when enough have every word
exactly, the page is the first of them by title; for one word, else, each form's products by
title, best form first; else one query scores those with every word in some form (per word
its best form, per product the sum) and orders them in the database, or, if there are none,
those with all words but one, and so on. Each step reads a bounded part of the index; no
product is loaded unless it is on the page.

The steps are a plan (`ProductSearch.plan`): a generator that yields each statement and is
sent its rows, so the same logic runs two ways, each straight through the driver. On SQLite
the whole plan runs on the connection's thread in one trip (`run_on_connection`): a search's
three or four statements each cost a trip there and back through SQLAlchemy's asyncio bridge
otherwise, about a third of the event loop's time per search. On PostgreSQL each statement is
awaited on the asyncpg connection (`run_on_asyncpg`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, groupby
from math import comb
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.postgres_driver import asyncpg_connection
from bot.store.search_index import (
    EXACT,
    PREFIX,
    PREFIX_MIN,
    TYPO_LENGTH_SLACK,
    TYPO_MIN,
    term_score,
    trigrams,
    words,
)
from bot.store.sqlite_driver import here_if_alone, one_trip_connection

MAX_QUERY_WORDS = 10  # distinct words of one query that count; the rest are ignored
TYPO_CANDIDATES = 40  # index terms sharing the most trigrams with a word, judged for typos
TYPOS_PER_WORD = 8  # best typo terms kept per word
PREFIX_TERMS = 8  # a word's prefix form names the terms it begins, up to this many
MAX_COMBINATIONS = 16  # "all words but k" tried word set by word set up to this many sets
COUNT_CAP = 25_000  # SQLite: matches counted at most when choosing how to read them
WALK_FACTOR = 5  # SQLite: walk titles when hits² ≥ this × products (see first_by_title)
COMMON_SHARE = 4  # SQLite: a word in COUNT_CAP products and 1/4 of all: checked title by title
PROBE_FACTOR = 8  # SQLite: ... for at most this × rows titles (see first_by_title)
WALK_FACTOR_PG = 40  # PostgreSQL: let the planner walk titles from hits² ≥ this × products
ESTIMATES_KEPT = 4096  # PostgreSQL: the planner's counts remembered, one per expression ...
ESTIMATE_SECONDS = 600.0  # ... each for this long at most (an ANALYZE has them asked sooner)
LISTED = 200  # SQLite: a query's candidates are listed first when at most this many ...
ONE_BY_ONE = 8  # ... and tested form by form when at most this many (see _SQLite)

# For each word, the terms sharing the most trigrams with it, of a length a typo can have;
# terms the word begins are left to its prefix form. One statement for all the words, with
# the terms each word begins (the dialect's `longer_terms`).
_TYPO_CANDIDATES = (
    "SELECT * FROM (SELECT {i} AS word, term FROM search_trigrams WHERE trigram IN ({places}) "
    "AND length BETWEEN :shortest{i} AND :longest{i} AND substr(term, 1, :length{i}) <> :word{i} "
    "GROUP BY term ORDER BY count(*) DESC, term LIMIT :limit) AS candidates{i}"
)


@dataclass(frozen=True, slots=True)
class Query:
    """One statement of a search: SQL with `:named` parameters (no lists), and their values."""

    sql: str
    params: dict[str, Any]


Rows = list[tuple[Any, ...]]
Steps = Generator[Query, Rows, Any]  # yields statements, is sent their rows
Plan = Generator[Query, Rows, list[int]]  # ... and returns the ranked product ids
Found = Generator[Query, Rows, list[int] | None]


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a query word can match: an index term (or every term it begins) and a score."""

    term: str
    prefix: bool
    score: int


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """What the index's vocabulary says of a query's words (for those looked up)."""

    typos: dict[str, list[_Form]]  # the best typo terms, best first
    longer: dict[str, list[str]]  # the terms a word begins, at most PREFIX_TERMS + 1 of them
    unknown: set[str]  # words no product has as a word ("kettel"): their exact form is left out
    statistics: str | None = None  # PostgreSQL: what the planner knows of products, as of now


@dataclass(frozen=True, slots=True)
class _Word:
    weight: int  # how often the query has it: "mug mug kettle" counts mugs twice
    forms: tuple[_Form, ...]  # best score first


class _Dialect:
    """How one database writes a text-index expression and tests products against one."""

    title_order = "lower(p.title)"
    # A text index reads a prefix query ("speckled"*) by merging the lists of every term it
    # begins into a new one (FTS5, unless the prefix is exactly three letters long: prefix='3'
    # indexes those; PostgreSQL's GIN index always): "speckled"* cost ten times "speckled",
    # though no other term begins with it. So a word's prefix form names the few terms it
    # begins, read from the vocabulary by this statement (the last character there bounds
    # the range), and whether the word itself is a term (the first row, if it is).
    longer_terms: str
    # A statement giving a row (-1, text) that changes whenever the planner's statistics on
    # products do, read with the vocabulary (None: this database has no counts to remember).
    statistics_sql: str | None = None

    def term(self, form: _Form) -> str:
        raise NotImplementedError

    def any_of(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def all_of(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def but_not(self, wanted: str, unwanted: str) -> str:
        """Matching `wanted` but not `unwanted` (one word's forms read in turn: `_by_form`)."""
        raise NotImplementedError

    def matches(self, param: str) -> str:
        """A condition on product `p`: it matches the expression bound to :param."""
        raise NotImplementedError

    def candidates(self, param: str) -> str:
        """The same, as the WHERE clause that finds the products to score."""
        return self.matches(param)

    def matches_one(self, param: str) -> str:
        """`matches`, for a product tested on its own (cheaper for a few products)."""
        return self.matches(param)

    def candidate_ids(self, expression: str) -> Generator[Query, Rows, list[int] | None]:
        """The products matching `expression` when they are few enough to list (None: too
        many, or this database tests each product against the index as cheaply anyway)."""
        yield from ()
        return None

    def found(self, param: str) -> str | None:
        """True if any product matches the expression bound to :param, read from the index
        until the first match (None: this database cannot tell that cheaply)."""
        return None

    def first_by_title(
        self, expression: str, rows: int, *, or_fewer: bool = False, statistics: str | None = None
    ) -> Found:
        """The first `rows` products matching `expression`, by title; if fewer match, None
        (or, `or_fewer`, all of them). `statistics`: what `statistics_sql` read, if it was."""
        raise NotImplementedError


class _SQLite(_Dialect):
    longer_terms = (
        "SELECT * FROM (SELECT {i} AS word, term FROM search_terms WHERE term >= :word{i} "
        "AND term < :word{i} || char(1114111) ORDER BY term LIMIT :longer) AS longer{i}"
    )
    # How many matches to count at most, and the title walk: for a common word the titles in
    # order meet `rows` matches long before sorting every match would finish.
    _count = (
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM search_products "
        "WHERE search_products MATCH :q LIMIT :cap)) AS hits, "
        "(SELECT coalesce(sum(active_products), 0) FROM categories) AS products"
    )
    _walk = (
        "SELECT p.id FROM products p INDEXED BY ix_search_products_title "
        "WHERE +p.id IN (SELECT rowid FROM search_products WHERE search_products MATCH :q) "
        "ORDER BY lower(p.title), p.id LIMIT :rows"
    )
    # Sorting reads each match's title from an index of ids with their titles (migration
    # 0016), not from the product's wide row: "mug" at 100,000 products 0.58 -> 0.23 ms.
    _sort = (
        "SELECT p.id FROM products p INDEXED BY ix_search_products_id_title "
        "WHERE p.id IN (SELECT rowid FROM search_products WHERE search_products MATCH :q) "
        "ORDER BY lower(p.title), p.id LIMIT :rows"
    )
    # The first :scan titles, each checked against the index on its own: no list of every
    # match is built (for a word in every product, that list is most of the walk's cost).
    _probe = (
        "SELECT p.id FROM (SELECT id FROM products INDEXED BY ix_search_products_title "
        "ORDER BY lower(title), id LIMIT :scan) AS p WHERE EXISTS (SELECT 1 FROM "
        "search_products WHERE search_products MATCH :q AND rowid = p.id) LIMIT :rows"
    )

    def term(self, form: _Form) -> str:
        quoted = '"' + form.term.replace('"', '""') + '"'
        return quoted + "*" if form.prefix else quoted

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return " AND ".join(parts)

    def but_not(self, wanted: str, unwanted: str) -> str:
        return f"{wanted} NOT {unwanted}"

    def matches(self, param: str) -> str:
        return f"p.id IN (SELECT rowid FROM search_products WHERE search_products MATCH :{param})"

    def found(self, param: str) -> str:
        return f"EXISTS (SELECT 1 FROM search_products WHERE search_products MATCH :{param})"

    # A query's candidates are read once, when they are not many, rather than matched again
    # inside the scoring statement; a few are then tested form by form, each a seek in the
    # form's list, rather than against each form's whole list ("speckled oat mug 350ml", one
    # candidate: 3.2 -> 1.9 ms at 100,000).
    _listed = "SELECT rowid FROM search_products WHERE search_products MATCH :q LIMIT :most"

    def matches_one(self, param: str) -> str:
        return (
            "EXISTS (SELECT 1 FROM search_products "
            f"WHERE search_products MATCH :{param} AND rowid = p.id)"
        )

    def candidate_ids(self, expression: str) -> Generator[Query, Rows, list[int] | None]:
        found = yield Query(self._listed, {"q": expression, "most": LISTED + 1})
        return [id_ for (id_,) in found] if len(found) <= LISTED else None

    def first_by_title(
        self, expression: str, rows: int, *, or_fewer: bool = False, statistics: str | None = None
    ) -> Found:
        [(hits, products)] = yield Query(self._count, {"q": expression, "cap": COUNT_CAP})
        if hits < rows and not or_fewer:
            return None
        if hits == 0:
            return []
        # A word in many products, and in a large share of the catalog: the first titles
        # nearly all match, so check them one by one, a bounded number (a common word can
        # still be rare among the first titles: then read as below). Checking one product
        # pays only against a long list of matches (FTS5 indexes long lists for seeking,
        # and short ones are cheap to read whole), hence the count reaching the cap.
        if hits >= COUNT_CAP and hits * COMMON_SHARE >= products:
            params = {"q": expression, "rows": rows, "scan": rows * PROBE_FACTOR}
            probed = [id_ for (id_,) in (yield Query(self._probe, params))]
            if len(probed) == rows:
                return probed
        # Walking titles reads about rows * products / hits index entries; sorting reads
        # every hit. Walk when that is the smaller (a word in a good share of the catalog).
        walk = hits * hits >= WALK_FACTOR * products
        found = yield Query(self._walk if walk else self._sort, {"q": expression, "rows": rows})
        return [id_ for (id_,) in found]


class _PostgreSQL(_Dialect):
    title_order = 'lower(p.title) COLLATE "C"'
    longer_terms = (  # bytewise, as ix_search_terms_bytewise keeps them (migration 0013)
        'SELECT * FROM (SELECT {i} AS word, term FROM search_terms WHERE term COLLATE "C" >= '
        ':word{i} AND term COLLATE "C" < :word{i} || chr(1114111) ORDER BY term COLLATE "C" '
        "LIMIT :longer) AS longer{i}"
    )

    def term(self, form: _Form) -> str:
        quoted = "'" + form.term.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + ":*" if form.prefix else quoted

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + " | ".join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return " & ".join(parts)

    # One word's forms are read in turn here too (`ProductSearch._by_form`): each form's
    # first titles, the planner's count (remembered) picking the walk or the sort, rather
    # than every candidate scored. Once slower ("lantren" 13 -> 21 ms at 100,000, when the
    # planner chose the reads alone); now 211 one-word and typo queries at 100,000 take
    # 280 -> 190 ms, the same ids.
    def but_not(self, wanted: str, unwanted: str) -> str:
        return f"{wanted} & !{unwanted}"

    # Each candidate's words are stored (search_vector): testing a form against the row is
    # cheaper, and steadier to plan, than reading the form's products from the index.
    def matches(self, param: str) -> str:
        return f"p.search_vector @@ CAST(:{param} AS tsquery)"

    def candidates(self, param: str) -> str:
        return f"p.is_active AND {self.matches(param)}"

    # No `found`: for a word in no product, PostgreSQL's planner expects an early match and
    # reads the products one by one (50-100 ms at 100,000), where the sets cost 3-8 ms.

    # The planner walks ix_search_products_title or sorts the matches, as its statistics
    # on search_vector say is cheaper (a seed refreshes them: ProductRepository.after_bulk_load).
    # Its count is good (920 for 883 at 100,000) but it underrates testing a row's words:
    # for a word in 500-900 products it walks ~5,000 titles (13-15 ms) where sorting the
    # matches takes 4-5. So its count is asked for, and below a share of the catalog the
    # matches are sorted (WALK_FACTOR_PG, as WALK_FACTOR on SQLite).
    _estimate = (
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM products p WHERE p.is_active "
        "AND p.search_vector @@ CAST(:q AS tsquery) UNION ALL SELECT 1 FROM products p "
        "WHERE p.is_active"
    )
    _first = (
        "SELECT p.id FROM products p "
        "WHERE p.is_active AND p.search_vector @@ CAST(:q AS tsquery) "
        'ORDER BY lower(p.title) COLLATE "C", p.id LIMIT :rows'
    )
    _sorted = (
        'WITH hits AS MATERIALIZED (SELECT p.id, lower(p.title) COLLATE "C" AS title '
        "FROM products p WHERE p.is_active AND p.search_vector @@ CAST(:q AS tsquery)) "
        "SELECT id FROM hits ORDER BY title, id LIMIT :rows"
    )

    # When products were last analysed and the row count that gave: an ANALYZE (a seed's,
    # autovacuum's) changes it, and with it the planner's counts (`_Estimates`).
    statistics_sql = (
        "SELECT -1 AS word, concat_ws(' ', reltuples, pg_stat_get_last_analyze_time(oid), "
        "pg_stat_get_last_autoanalyze_time(oid)) FROM pg_class "
        "WHERE oid = 'products'::regclass"
    )

    def first_by_title(
        self, expression: str, rows: int, *, or_fewer: bool = False, statistics: str | None = None
    ) -> Found:
        key = (statistics, expression) if statistics is not None else None
        estimate = _estimates.get(key) if key is not None else None
        if estimate is None:
            [(plan,)] = yield Query(self._estimate, {"q": expression})
            parts = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plans"]
            hits, products = (part["Plan Rows"] for part in parts)
            estimate = _Estimate(hits, products)
            if key is not None:
                _estimates.put(key, estimate)
        if estimate.hits < rows and not or_fewer:
            # Too few to fill the page by the planner's count: the caller scores the
            # candidates instead, which it would do after reading these (the same order when
            # they do fill it).
            return None
        walk = estimate.hits * estimate.hits >= WALK_FACTOR_PG * estimate.products
        found = yield Query(self._first if walk else self._sorted, {"q": expression, "rows": rows})
        ids = [id_ for (id_,) in found]
        return ids if len(ids) == rows or or_fewer else None


@dataclass(frozen=True, slots=True)
class _Estimate:
    """The planner's count of an expression's products, and of all products."""

    hits: int
    products: int


class _Estimates:
    """The planner's counts by its statistics on products and the text expression, each
    kept for ESTIMATE_SECONDS, the oldest forgotten past ESTIMATES_KEPT. Asking is a trip of
    its own (a third of a popular query's trips). Its statistics change with each ANALYZE,
    and so does the key: a count is never taken from other statistics (a seed's, or
    another database's), so it is the one EXPLAIN would give (unless an ANALYZE left the
    row count and its times alike, for at most ESTIMATE_SECONDS). A count only picks how
    the same rows are read, never the answer."""

    def __init__(self, kept: int, seconds: float) -> None:
        self._kept, self._seconds = kept, seconds
        self._estimates: dict[tuple[str, str], tuple[float, _Estimate]] = {}  # oldest first

    def get(self, key: tuple[str, str]) -> _Estimate | None:
        made = self._estimates.get(key)
        if made is None or time.monotonic() - made[0] > self._seconds:
            return None
        return made[1]

    def put(self, key: tuple[str, str], estimate: _Estimate) -> None:
        self._estimates.pop(key, None)
        self._estimates[key] = (time.monotonic(), estimate)
        if len(self._estimates) > self._kept:
            del self._estimates[next(iter(self._estimates))]

    def clear(self) -> None:
        self._estimates.clear()


_estimates = _Estimates(ESTIMATES_KEPT, ESTIMATE_SECONDS)


def forget_estimates() -> None:
    """Forget every count (a process that moves between databases whose products were
    never analysed, as tests do: their statistics look alike)."""
    _estimates.clear()


class ProductSearch:
    """Ranked product ids for the words of a query; reads only."""

    def __init__(self, dialect_name: str) -> None:
        self.dialect: _Dialect = _PostgreSQL() if dialect_name == "postgresql" else _SQLite()

    def plan(self, query_words: Sequence[str], *, limit: int, offset: int = 0) -> Plan:
        """Products matching every word first, best scores first, ties by title; when none
        matches every word, only those matching the most. Inactive products are not indexed.
        """
        counted = Counter(w for phrase in query_words for w in words(phrase))
        chosen = list(counted.items())[:MAX_QUERY_WORDS]
        if not chosen or limit <= 0:
            return []
        vocabulary = yield from self._vocabulary([word for word, _ in chosen])
        every_word = [_Word(weight, self._forms(word, vocabulary)) for word, weight in chosen]
        # A word in no product in any form ("zebra" in "zebra mug") can match nothing: the
        # products with the most words are found without it.
        resolved = [word for word in every_word if word.forms]
        if not resolved:
            return []
        rows = offset + limit
        # Products with every word exactly score highest: when there are enough of them to
        # fill the page, they are the page, by title (a common word: no need to score all).
        # A word that is no product's word ("kettel") has no exact form: no product has
        # every word exactly, and asking would cost two statements on PostgreSQL.
        d = self.dialect
        ids = None
        if len(resolved) == len(every_word) and all(w.forms[0].score == EXACT for w in resolved):
            exact = d.all_of([d.term(word.forms[0]) for word in resolved])
            ids = yield from d.first_by_title(exact, rows, statistics=vocabulary.statistics)
        # Else usually some product has every word in some form: only those are scored. If
        # none has, those with all words but one, and so on: the first such set is small.
        # (A query repeating a word weighs it more, so then any word counts at once.)
        if ids is None and len(resolved) == 1:
            ids = yield from self._by_form(resolved[0], rows, vocabulary.statistics)
        elif ids is None:
            ids = yield from self._ranked(resolved, rows, at_least=len(resolved))
        if not ids and len(resolved) > 1:
            # A word found nowhere, in any form (a short one, not looked up: "a" in "a
            # hammock"; or one whose forms only hidden products have), is in none of the sets
            # tried below: leave it out before trying them.
            # Without it, the sets of a long query were many and large (a pair of common
            # words: 17 ms at 100,000).
            resolved = yield from self._found_anywhere(resolved)
            at_least = len(resolved)
            while not ids and at_least > 0:
                ids = yield from self._ranked(resolved, rows, at_least=at_least)
                repeats = any(word.weight > 1 for word in resolved)
                at_least -= 1
                if repeats or comb(len(resolved), at_least) > MAX_COMBINATIONS:
                    at_least = min(at_least, 1)
        return ids[offset:]

    def _by_form(
        self, word: _Word, rows: int, statistics: str | None
    ) -> Generator[Query, Rows, list[int]]:
        """One word's products, rows of them: each form's by title, best forms first (a
        product counts for the best form it has). The same order as `_ranked` gives, without
        scoring every candidate: a typo with many products ("lantren") reads one title walk
        or sort instead of all of them (4.7 -> 2.7 ms at 100,000 on SQLite)."""
        d = self.dialect
        found: list[int] = []
        better: list[str] = []
        for _, same in groupby(word.forms, key=lambda form: form.score):
            terms = [d.term(form) for form in same]
            wanted = d.any_of(terms)
            expression = d.but_not(wanted, d.any_of(better)) if better else wanted
            found += (
                yield from d.first_by_title(
                    expression, rows - len(found), or_fewer=True, statistics=statistics
                )
            ) or []
            if len(found) == rows:
                break
            better += terms
        return found

    def _found_anywhere(self, resolved: Sequence[_Word]) -> Steps:
        """The words some product has in some form, in one statement (all of them where the
        database cannot tell cheaply)."""
        d = self.dialect
        params = {f"q{i}": d.any_of([d.term(f) for f in w.forms]) for i, w in enumerate(resolved)}
        checks = [d.found(name) for name in params]
        if None in checks:
            return list(resolved)
        columns = ", ".join(f"{check} AS found{i}" for i, check in enumerate(checks))
        [found] = yield Query(f"SELECT {columns}", params)
        return [word for word, here in zip(resolved, found, strict=True) if here]

    def _forms(self, word: str, vocabulary: _Vocabulary) -> tuple[_Form, ...]:
        """The ways `word` can match, best first: itself, its prefix, its typos (none, for a
        word the vocabulary knows in no form)."""
        forms = [] if word in vocabulary.unknown else [_Form(word, prefix=False, score=EXACT)]
        if len(word) >= PREFIX_MIN:
            longer = vocabulary.longer.get(word)
            if longer is None or len(longer) > PREFIX_TERMS:
                forms.append(_Form(word, prefix=True, score=PREFIX))
            else:  # the few words it begins, each as itself (none: no prefix form at all)
                forms.extend(_Form(term, prefix=False, score=PREFIX) for term in longer)
        return (*forms, *vocabulary.typos.get(word, ()))

    def _vocabulary(self, query_words: Sequence[str]) -> Generator[Query, Rows, _Vocabulary]:
        """Each word's best typo forms (for words of TYPO_MIN letters or more), the index's
        terms it begins, up to one more than PREFIX_TERMS, and whether it is a term itself
        (for words of PREFIX_MIN letters or more); one statement for all, with the row of
        `statistics_sql` where the database has one. `search_terms` holds every word ever
        indexed, so a word missing there is in no product."""
        looked_up = [word for word in query_words if len(word) >= PREFIX_MIN]
        long_enough = [word for word in looked_up if len(word) >= TYPO_MIN]
        vocabulary = _Vocabulary({}, {}, set(looked_up))
        if not looked_up:
            return vocabulary
        # The word itself, if a term, takes one row of the terms it begins (`longer_terms`).
        params: dict[str, Any] = {"limit": TYPO_CANDIDATES, "longer": PREFIX_TERMS + 2}
        selects = []
        for i, word in enumerate(looked_up):
            params[f"word{i}"] = word
            selects.append(self.dialect.longer_terms.format(i=i))
            vocabulary.longer[word] = []
            if len(word) < TYPO_MIN:
                continue
            places = []
            for j, trigram in enumerate(trigrams(word)):
                params[f"t{i}_{j}"] = trigram
                places.append(f":t{i}_{j}")
            params |= {
                f"length{i}": len(word),
                f"shortest{i}": len(word) - TYPO_LENGTH_SLACK,
                f"longest{i}": len(word) + TYPO_LENGTH_SLACK,
            }
            selects.append(_TYPO_CANDIDATES.format(i=i, places=", ".join(places)))
        if self.dialect.statistics_sql is not None:
            selects.append(self.dialect.statistics_sql)
        candidates: dict[str, list[str]] = {word: [] for word in long_enough}
        statistics = None
        for i, term in (yield Query(" UNION ALL ".join(selects), params)):
            if i < 0:
                statistics = term
                continue
            word = looked_up[i]
            # Typo candidates never begin with the word: what does is a longer term, or itself.
            if term == word:
                vocabulary.unknown.discard(word)
            else:
                (vocabulary.longer[word] if term.startswith(word) else candidates[word]).append(
                    term
                )
        for word, terms in candidates.items():
            scored = sorted((-term_score(word, term), term) for term in terms)
            vocabulary.typos[word] = [
                _Form(term, prefix=False, score=-negative)
                for negative, term in scored
                if 0 < -negative < PREFIX
            ][:TYPOS_PER_WORD]
        return dataclasses.replace(vocabulary, statistics=statistics)

    def _ranked(self, resolved: Sequence[_Word], rows: int, *, at_least: int) -> Steps:
        """The first `rows` product ids in rank order, of those matching `at_least` of the
        words (in any form); of them, those matching the most words only."""
        d = self.dialect
        require_all = at_least == len(resolved)
        params: dict[str, Any] = {"rows": rows}

        def bind(expression: str) -> str:
            name = f"q{len(params)}"
            params[name] = expression
            return name

        any_form = [d.any_of([d.term(f) for f in w.forms]) for w in resolved]
        wanted = d.any_of([d.all_of(some) for some in combinations(any_form, at_least)])
        listed = yield from d.candidate_ids(wanted)
        if listed == []:
            return []
        if listed is None:
            where, matches = d.candidates(bind(wanted)), d.matches
        else:  # scored among themselves; a few of them each form by form (see _SQLite)
            where = f"p.id IN (SELECT value FROM json_each(:{bind(json.dumps(listed))}))"
            matches = d.matches_one if len(listed) <= ONE_BY_ONE else d.matches
        scores = []
        for i, word in enumerate(resolved):
            # With every word required, a candidate matching none of a word's better forms
            # must match its last one.
            tested = word.forms[:-1] if require_all else word.forms
            cases = " ".join(
                f"WHEN {matches(bind(d.term(form)))} THEN {form.score}" for form in tested
            )
            otherwise = word.forms[-1].score if require_all else 0
            scores.append(
                f"CASE {cases} ELSE {otherwise} END AS s{i}" if cases else f"{otherwise} AS s{i}"
            )
        matched = " + ".join(
            f"CASE WHEN s{i} > 0 THEN {w.weight} ELSE 0 END" for i, w in enumerate(resolved)
        )
        score = " + ".join(f"s{i} * {w.weight}" for i, w in enumerate(resolved))
        sql = f"""
            WITH scored AS MATERIALIZED (
                SELECT p.id, p.title, {", ".join(scores)}
                FROM products p WHERE {where}
            )
            SELECT p.id, {matched} AS matched FROM scored p
            ORDER BY matched DESC, {score} DESC, {d.title_order}, p.id
            LIMIT :rows
        """
        ranked = yield Query(sql, params)
        most = ranked[0][1] if ranked else 0
        return [id_ for id_, matched in ranked if matched == most]


async def ranked_ids(
    session: AsyncSession, query_words: Sequence[str], *, limit: int, offset: int = 0
) -> list[int]:
    """`ProductSearch.plan`'s ids, straight through the session's driver: on SQLite in one
    trip to a connection's thread (under `heavy_reads()`, a visit's session gives one), or
    on the event loop's own when nothing else waits for it (`here_if_alone`); on PostgreSQL
    statement by statement on its asyncpg connection."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    plan = ProductSearch(name).plan(query_words, limit=limit, offset=offset)
    if name != "sqlite":
        return await run_on_asyncpg(plan, session)
    here = here_if_alone(session)
    if here is not None:  # nothing else waits for the loop: no trip to a thread
        try:
            return run_on_connection(here, plan)
        except sqlite3.OperationalError as error:  # a WAL reader waits only for a crash
            if "locked" not in str(error):  # recovery: let a connection's thread wait
                raise
            plan = ProductSearch(name).plan(query_words, limit=limit, offset=offset)
    connection = await one_trip_connection(session)
    found: list[int] = await connection.on_thread(run_on_connection, plan)
    return found


def run_on_connection(connection: sqlite3.Connection, plan: Plan) -> list[int]:
    """Every statement of `plan` on this sqlite3 connection, here and now (on its thread)."""
    try:
        query = next(plan)
        while True:
            query = plan.send(connection.execute(query.sql, query.params).fetchall())
    except StopIteration as done:
        result: list[int] = done.value
        return result


async def run_on_asyncpg(plan: Plan, session: AsyncSession) -> list[int]:
    """Every statement of `plan` on the session's asyncpg connection, each awaited. Through
    SQLAlchemy's execution each cost a greenlet, a compiled form and a result besides the
    trip: 27% of a search's time (in-process at 100,000, the same results)."""
    driver = await asyncpg_connection(session)
    try:
        query = next(plan)
        while True:
            sql, names = _numbered(query.sql)
            rows = await driver.fetch(sql, *(query.params[name] for name in names))
            query = plan.send(cast(Rows, rows))  # a Record is a sequence, as a tuple is
    except StopIteration as done:
        result: list[int] = done.value
        return result


_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """The statement with asyncpg's $1, $2 ... for its :names, and the names in that order
    (made once per distinct SQL)."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAMED.sub(number, sql), tuple(names)
