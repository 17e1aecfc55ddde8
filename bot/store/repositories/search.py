"""Searching products through the database's own text index (migration 0003).

Two steps, each bounded whatever the catalog's size. First each query word is resolved to
index terms: itself, its prefix, and a few typo candidates (terms sharing trigrams with it,
judged by bot.store.search_index.term_score). Then one query over the index scores products
(per word, its best-matching form; per product, the sum) and returns one page of ids, ranked
in the database. No product is loaded unless it is on that page.
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
TYPO_CANDIDATES = 40  # nearest terms (by trigrams) judged per word
TYPOS_PER_WORD = 8  # best typo matches kept per word


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a query word can match: an index term (or a prefix of terms) and its score."""

    term: str
    prefix: bool
    score: int


@dataclass(frozen=True, slots=True)
class _Word:
    word: str
    weight: int  # how often the query has it: "mug mug kettle" counts mugs twice
    forms: tuple[_Form, ...]


class _Dialect:
    """How one database spells a term query, an OR and an AND, and finds matching products."""

    # FROM ... WHERE of active products matching the search expression bound to :{param}
    matching: str
    product_id: str
    title_order: str
    typo_candidates: Any  # a text() of terms near :word, at most :limit of them

    def term(self, form: _Form) -> str:
        raise NotImplementedError

    def any_of(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def all_of(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def typo_params(self, word: str) -> dict[str, Any]:
        return {
            "word": word,
            "length": len(word),
            "shortest": len(word) - TYPO_LENGTH_SLACK,
            "longest": len(word) + TYPO_LENGTH_SLACK,
            "limit": TYPO_CANDIDATES,
        }


class _SQLite(_Dialect):
    matching = "search_products WHERE search_products MATCH :{param}"
    product_id = "rowid"
    title_order = "lower(p.title)"
    # Terms sharing the most trigrams with the word (prefixes of it are found by MATCH).
    typo_candidates = text(
        "SELECT term FROM search_trigrams WHERE trigram IN :trigrams "
        "AND length BETWEEN :shortest AND :longest AND substr(term, 1, :length) <> :word "
        "GROUP BY term ORDER BY count(*) DESC, term LIMIT :limit"
    ).bindparams(bindparam("trigrams", expanding=True))

    def term(self, form: _Form) -> str:
        quoted = '"' + form.term.replace('"', '""') + '"'
        return quoted + "*" if form.prefix else quoted

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return " AND ".join(parts)

    def typo_params(self, word: str) -> dict[str, Any]:
        return super().typo_params(word) | {"trigrams": trigrams(word)}


class _PostgreSQL(_Dialect):
    matching = (
        "products WHERE is_active AND "
        "array_to_tsvector(search_words(title || ' ' || description)) @@ CAST(:{param} AS tsquery)"
    )
    product_id = "id"
    title_order = 'lower(p.title) COLLATE "C"'
    # The nearest terms by pg_trgm distance, from its GiST index.
    typo_candidates = text(
        "SELECT term FROM search_terms WHERE length(term) BETWEEN :shortest AND :longest "
        "AND substr(term, 1, :length) <> :word ORDER BY term <-> :word, term LIMIT :limit"
    )

    def term(self, form: _Form) -> str:
        quoted = "'" + form.term.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + ":*" if form.prefix else quoted

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + " | ".join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return " & ".join(parts)


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
        counted = Counter(w for text_ in query_words for w in words(text_))
        chosen = list(counted.items())[:MAX_QUERY_WORDS]
        if not chosen or limit <= 0:
            return []
        resolved = [_Word(word, weight, await self._forms(word)) for word, weight in chosen]
        # Usually some product has every word: then only those are scored (a small set).
        ids = await self._rank(resolved, limit, offset, require_all=True)
        if ids or len(resolved) == 1:
            return ids
        return await self._rank(resolved, limit, offset, require_all=False)

    async def _forms(self, word: str) -> tuple[_Form, ...]:
        forms = [_Form(word, prefix=False, score=EXACT)]
        if len(word) >= PREFIX_MIN:
            forms.append(_Form(word, prefix=True, score=PREFIX))
        if len(word) >= TYPO_MIN:
            forms.extend(await self._typos(word))
        return tuple(forms)

    async def _typos(self, word: str) -> list[_Form]:
        dialect = self.dialect
        terms = await self.session.scalars(dialect.typo_candidates, dialect.typo_params(word))
        scored = sorted((-term_score(word, term), term) for term in terms)
        return [
            _Form(term, prefix=False, score=-negative)
            for negative, term in scored
            if 0 < -negative < PREFIX
        ][:TYPOS_PER_WORD]

    async def _rank(
        self, resolved: Sequence[_Word], limit: int, offset: int, *, require_all: bool
    ) -> list[int]:
        d = self.dialect
        any_form = [d.any_of([d.term(f) for f in w.forms]) for w in resolved]
        hits: list[str] = []
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        for i, word in enumerate(resolved):
            others = [any_form[j] for j in range(len(resolved)) if j != i] if require_all else []
            for form in word.forms:
                param = f"m{len(hits)}"
                params[param] = d.all_of([d.term(form), *others])
                hits.append(
                    f"SELECT {d.product_id} AS product_id, {i} AS word, "
                    f"{word.weight} AS weight, {form.score} AS score "
                    f"FROM {d.matching.format(param=param)}"
                )
        sql = f"""
            WITH hits AS ({" UNION ALL ".join(hits)}),
            per_word AS (
                SELECT product_id, max(weight) AS weight, max(score) AS score
                FROM hits GROUP BY product_id, word
            ),
            per_product AS (
                SELECT product_id, sum(weight) AS matched, sum(weight * score) AS score,
                       max(sum(weight)) OVER () AS most
                FROM per_word GROUP BY product_id
            )
            SELECT pp.product_id FROM per_product pp JOIN products p ON p.id = pp.product_id
            WHERE pp.matched = pp.most
            ORDER BY pp.score DESC, {d.title_order}, p.id
            LIMIT :limit OFFSET :offset
        """
        return list((await self.session.scalars(text(sql), params)).all())
