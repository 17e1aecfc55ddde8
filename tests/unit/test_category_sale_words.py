"""/sale's answers and its /audit line in the admin's language, with each language's plural
forms (Russian: 1 товар, 3 товара, 5 товаров; Spanish has three forms here too, the second
for whole millions) and its way of writing a percent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import pytest

from bot import i18n
from bot.services.category_sale import SalePlan
from bot.views import admin_sale
from bot.views.admin_audit import _sale


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    yield
    i18n.use(None)


def sale(products: int, *, variants: int = 0, already: int = 0, percent: int = 20) -> SalePlan:
    return SalePlan(
        1, "Mugs", {"ru": "Кружки", "es": "Tazas"}, percent, 0, [], products, variants, already
    )


def test_the_answers_in_english() -> None:
    i18n.use("en")
    assert admin_sale.done(sale(18, already=3), UTC) == (
        "🔖 Mugs is on sale: 18 products at −20% (3 already on sale, left as they are)."
    )
    assert admin_sale.done(sale(1, variants=1, already=1), UTC) == (
        "🔖 Mugs is on sale: 1 product and 1 variant priced on its own at −20% "
        "(1 already on sale, left as it is)."
    )
    assert admin_sale.done(sale(21, percent=0), UTC) == (
        "Mugs' sale ended: 21 products back at their regular price."
    )


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 товар"), (3, "3 товара"), (5, "5 товаров"), (21, "21 товар")]
)
def test_russian_counts_products_with_its_three_forms(count: int, words: str) -> None:
    i18n.use("ru")
    said = admin_sale.done(sale(count, variants=2), UTC)
    assert said == (
        f"🔖 Распродажа «Кружки» началась: {words} и 2 варианта со своей ценой со скидкой −20\xa0%."
    )


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 producto"), (3, "3 productos"), (1_000_000, "1000000 productos")],
)
def test_spanish_counts_products_with_its_three_forms(count: int, words: str) -> None:
    i18n.use("es")
    said = admin_sale.done(sale(count, already=1), UTC)
    assert said.startswith(f"🔖 Tazas está en rebajas: {words} con un −20\xa0%")
    assert said.endswith("(1 ya en rebajas, se queda como está).")


def test_the_audit_line_in_russian() -> None:
    tr = i18n.use("ru")
    details = {"category": "Mugs", "percent": 20, "products": 5, "variants": 1, "already": 2}
    assert _sale(tr, details) == ("−20\xa0%, 5 товаров, 1 вариант со своей ценой, 2 уже со скидкой")
