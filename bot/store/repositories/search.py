"""Searching products through the database's own text index (migration 0004).

Two steps, each bounded whatever the catalog's size. First each query word is resolved to
its forms: itself, its prefix, and a few typo terms (index terms sharing trigrams with it,
judged by bot.store.search_index.term_score). Then one query finds the products matching the
forms in the text index, scores each (per word its best form, per product the sum), orders
them in the database and returns one page of ids. No product is loaded unless it is shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

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

MAX_QUERY_WORDS = 10  # distinct words of one query that count; the rest are ignored
TYPO_CANDIDATES = 40  # index terms sharing the most trigrams with a word, judged for typos
TYPOS_PER_WORD = 8  # best typo terms kept per word
COUNT_CAP = 5_000  # SQLite: matches counted at most when choosing how to read them
WALK_FACTOR = 8  # SQLite: walk titles when hits² ≥ this × products (see first_by_title)

# Terms sharing the most trigrams with the word, of a length a typo can have; terms the word
# begins are left to the prefix form.
_TYPO_CANDIDATES = text(
    "SELECT term FROM search_trigrams WHERE trigram IN :trigrams "
    "AND length BETWEEN :shortest AND :longest AND substr(term, 1, :length) <> :word "
    "GROUP BY term ORDER BY count(*) DESC, term LIMIT :limit"
).bindparams(bindparam("trigrams", expanding=True))


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a query word can match: an index term (or every term it begins) and a score."""

    term: str
    prefix: bool
    score: int


@dataclass(frozen=True, slots=True)
class _Word:
    weight: int  # how often the query has it: "mug mug kettle" counts mugs twice
    forms: tuple[_Form, ...]  # best score first


class _Dialect:
    """How one database writes a text-index expression and tests products against one."""

    title_order = "lower(p.title)"

    def term(self, form: _Form) -> str:
        raise NotImplementedError

    def any_of(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def all_of(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def matches(self, param: str) -> str:
        """A condition on product `p`: it matches the expression bound to :param."""
        raise NotImplementedError

    def candidates(self, param: str) -> str:
        """The same, as the WHERE clause that finds the products to score."""
        return self.matches(param)

    async def first_by_title(
        self, session: AsyncSession, expression: str, rows: int
    ) -> list[int] | None:
        """The first `rows` products matching `expression`, by title; None if fewer match."""
        raise NotImplementedError


class _SQLite(_Dialect):
    # How many matches to count at most, and the title walk: for a common word the titles in
    # order meet `rows` matches long before sorting every match would finish.
    _count = text(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM search_products "
        "WHERE search_products MATCH :q LIMIT :cap)) AS hits, "
        "(SELECT coalesce(sum(active_products), 0) FROM categories) AS products"
    )
    _walk = text(
        "SELECT p.id FROM products p INDEXED BY ix_search_products_title "
        "WHERE +p.id IN (SELECT rowid FROM search_products WHERE search_products MATCH :q) "
        "ORDER BY lower(p.title), p.id LIMIT :rows"
    )
    _sort = text(
        "SELECT p.id FROM products p "
        "WHERE p.id IN (SELECT rowid FROM search_products WHERE search_products MATCH :q) "
        "ORDER BY lower(p.title), p.id LIMIT :rows"
    )

    def term(self, form: _Form) -> str:
        quoted = '"' + form.term.replace('"', '""') + '"'
        return quoted + "*" if form.prefix else quoted

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return " AND ".join(parts)

    def matches(self, param: str) -> str:
        return f"p.id IN (SELECT rowid FROM search_products WHERE search_products MATCH :{param})"

    async def first_by_title(
        self, session: AsyncSession, expression: str, rows: int
    ) -> list[int] | None:
        counted = await session.execute(self._count, {"q": expression, "cap": COUNT_CAP})
        hits, products = counted.one()
        if hits < rows:
            return None
        # Walking titles reads about rows * products / hits index entries; sorting reads
        # every hit. Walk when that is the smaller (a word in a good share of the catalog).
        walk = hits * hits >= WALK_FACTOR * products
        found = await session.scalars(
            self._walk if walk else self._sort, {"q": expression, "rows": rows}
        )
        return list(found)


class _PostgreSQL(_Dialect):
    title_order = 'lower(p.title) COLLATE "C"'

    def term(self, form: _Form) -> str:
        quoted = "'" + form.term.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + ":*" if form.prefix else quoted

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + " | ".join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return " & ".join(parts)

    def matches(self, param: str) -> str:
        return (
            "p.id IN (SELECT id FROM products WHERE is_active "
            f"AND search_vector @@ CAST(:{param} AS tsquery))"
        )

    def candidates(self, param: str) -> str:
        return f"p.is_active AND p.search_vector @@ CAST(:{param} AS tsquery)"

    # The planner walks ix_search_products_title or sorts the matches, as its statistics
    # on search_vector say is cheaper.
    _first = text(
        "SELECT p.id FROM products p "
        "WHERE p.is_active AND p.search_vector @@ CAST(:q AS tsquery) "
        'ORDER BY lower(p.title) COLLATE "C", p.id LIMIT :rows'
    )

    async def first_by_title(
        self, session: AsyncSession, expression: str, rows: int
    ) -> list[int] | None:
        found = list(await session.scalars(self._first, {"q": expression, "rows": rows}))
        return found if len(found) == rows else None


class ProductSearch:
    """Ranked product ids for the words of a query; reads only."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        name = session.bind.dialect.name if session.bind is not None else "sqlite"
        self.dialect: _Dialect = _PostgreSQL() if name == "postgresql" else _SQLite()

    async def ranked_ids(
        self, query_words: Sequence[str], *, limit: int, offset: int = 0
    ) -> list[int]:
        """Products matching every word first, best scores first, ties by title; when none
        matches every word, only those matching the most. Inactive products are not indexed.
        """
        counted = Counter(w for phrase in query_words for w in words(phrase))
        chosen = list(counted.items())[:MAX_QUERY_WORDS]
        if not chosen or limit <= 0:
            return []
        resolved = [_Word(weight, await self._forms(word)) for word, weight in chosen]
        rows = offset + limit
        # Products with every word exactly score highest: when there are enough of them to
        # fill the page, they are the page, by title (a common word: no need to score all).
        d = self.dialect
        exact = d.all_of([d.term(word.forms[0]) for word in resolved])
        ids = await d.first_by_title(self.session, exact, rows)
        # Else usually some product has every word in some form: only those are scored.
        if ids is None:
            ids = await self._ranked(resolved, rows, require_all=True)
        if not ids and len(resolved) > 1:
            ids = await self._ranked(resolved, rows, require_all=False)
        return ids[offset:]

    async def _forms(self, word: str) -> tuple[_Form, ...]:
        forms = [_Form(word, prefix=False, score=EXACT)]
        if len(word) >= PREFIX_MIN:
            forms.append(_Form(word, prefix=True, score=PREFIX))
        if len(word) >= TYPO_MIN:
            forms.extend(await self._typos(word))
        return tuple(forms)

    async def _typos(self, word: str) -> list[_Form]:
        terms = await self.session.scalars(
            _TYPO_CANDIDATES,
            {
                "trigrams": trigrams(word),
                "word": word,
                "length": len(word),
                "shortest": len(word) - TYPO_LENGTH_SLACK,
                "longest": len(word) + TYPO_LENGTH_SLACK,
                "limit": TYPO_CANDIDATES,
            },
        )
        scored = sorted((-term_score(word, term), term) for term in terms)
        typos = [_Form(term, False, -negative) for negative, term in scored if -negative < PREFIX]
        return [form for form in typos if form.score > 0][:TYPOS_PER_WORD]

    async def _ranked(
        self, resolved: Sequence[_Word], rows: int, *, require_all: bool
    ) -> list[int]:
        """The first `rows` product ids in rank order, those matching the most words only."""
        d = self.dialect
        params: dict[str, Any] = {"rows": rows}

        def bind(expression: str) -> str:
            name = f"q{len(params)}"
            params[name] = expression
            return name

        any_form = [d.any_of([d.term(f) for f in w.forms]) for w in resolved]
        scores = []
        for i, word in enumerate(resolved):
            # With every word required, each form's set holds only the candidates, and a
            # candidate matching none of the better forms must match the last one.
            others = [any_form[j] for j in range(len(resolved)) if j != i] if require_all else []
            tested = word.forms[:-1] if require_all else word.forms
            cases = " ".join(
                f"WHEN {d.matches(bind(d.all_of([d.term(form), *others])))} THEN {form.score}"
                for form in tested
            )
            otherwise = word.forms[-1].score if require_all else 0
            scores.append(
                f"CASE {cases} ELSE {otherwise} END AS s{i}" if cases else f"{otherwise} AS s{i}"
            )
        wanted = (d.all_of if require_all else d.any_of)(any_form)
        matched = " + ".join(
            f"CASE WHEN s{i} > 0 THEN {w.weight} ELSE 0 END" for i, w in enumerate(resolved)
        )
        score = " + ".join(f"s{i} * {w.weight}" for i, w in enumerate(resolved))
        sql = f"""
            WITH scored AS MATERIALIZED (
                SELECT p.id, p.title, {", ".join(scores)}
                FROM products p WHERE {d.candidates(bind(wanted))}
            )
            SELECT p.id, {matched} AS matched FROM scored p
            ORDER BY matched DESC, {score} DESC, {d.title_order}, p.id
            LIMIT :rows
        """
        ranked = (await self.session.execute(text(sql), params)).all()
        most = ranked[0].matched if ranked else 0
        return [row.id for row in ranked if row.matched == most]
