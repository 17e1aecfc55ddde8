"""/sale's answers and its /audit line in the admin's language, with each language's plural
forms (Russian: 1 товар, 3 товара, 5 товаров; Spanish has three forms here too, the second
for whole millions) and its way of writing a percent."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import i18n
from bot.services.category_sale import SalePlan
from bot.store.repositories.category_sales import RunningSale
from bot.texts.category_sale import ended_as_planned
from bot.texts.category_sale import running as texts_running
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
        "The sale of Mugs has ended: 21 products back at their regular price."
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


MADRID = ZoneInfo("Europe/Madrid")
NEW_YEAR = datetime(2036, 12, 31, 23, tzinfo=UTC)  # the midnight that ends Dec 31 in Madrid


def test_a_sale_with_an_end_says_its_last_day_on_the_shops_clock() -> None:
    i18n.use("en")
    plan = dataclasses.replace(sale(18), ends_at=NEW_YEAR)
    assert admin_sale.done(plan, MADRID) == (
        "🔖 Mugs is on sale: 18 products at −20%.\n"
        "Ends automatically at the end of Dec 31, 2036 (Europe/Madrid)."
    )
    running = [
        RunningSale(1, "Mugs", None, 20, NEW_YEAR),
        RunningSale(2, "Kitchen", None, 10, None),
    ]
    assert admin_sale.sales_running(running, MADRID).startswith(
        "🔖 Sales running: Mugs −20% until Dec 31, 2036 · Kitchen −10% (no end date)\nSend /sale"
    )


@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("en", 1, "🔖 The sale of Mugs ended as planned: 1 product back at their regular price."),
        ("ru", 1, "🔖 Распродажа «Кружки» завершилась в срок: обычные цены вернулись — 1 товар."),
        ("ru", 3, "🔖 Распродажа «Кружки» завершилась в срок: обычные цены вернулись — 3 товара."),
        ("ru", 5, "🔖 Распродажа «Кружки» завершилась в срок: обычные цены вернулись — 5 товаров."),
        (
            "es",
            1,
            "🔖 Las rebajas de Tazas terminaron según lo previsto: 1 producto, de nuevo a su "
            "precio normal.",
        ),
        (
            "es",
            1_000_000,
            "🔖 Las rebajas de Tazas terminaron según lo previsto: 1000000 productos, de nuevo "
            "a su precio normal.",
        ),
    ],
)
def test_the_admins_hear_the_sale_ended_as_planned_in_their_language(
    language: str, count: int, said: str
) -> None:
    tr = i18n.use(language)
    assert ended_as_planned(tr, sale(count, percent=0)) == said


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "🔖 The sale of Mugs ended as planned; none of its prices was still reduced."),
        ("ru", "🔖 Распродажа «Кружки» завершилась в срок; сниженных цен в ней уже не было."),
        (
            "es",
            "🔖 Las rebajas de Tazas terminaron según lo previsto; ya no quedaba ningún precio "
            "rebajado.",
        ),
    ],
)
def test_a_sale_that_ended_with_nothing_left_on_sale_says_so_not_0_products(
    language: str, said: str
) -> None:
    """Every mug's price was put back by /price before the end date: the admins hear the
    sale ended with nothing to put back, not "0 products back at their regular price"."""
    assert ended_as_planned(i18n.use(language), sale(0, percent=0)) == said


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "ru",
            "🔖 Идут распродажи: Кружки −20\xa0% до 31 дек. 2036\u202fг. · "
            "Кружки −10\xa0% (без даты окончания)",
        ),
        (
            "es",
            "🔖 Rebajas en curso: Tazas −20\xa0% hasta el 31 dic 2036 · "
            "Tazas −10\xa0% (sin fecha de fin)",
        ),
    ],
)
def test_the_sales_running_in_russian_and_spanish(language: str, said: str) -> None:
    tr = i18n.use(language)
    names = {"ru": "Кружки", "es": "Tazas"}
    running = [
        RunningSale(1, "Mugs", names, 20, NEW_YEAR),
        RunningSale(2, "Mugs", names, 10, None),
    ]
    assert texts_running(tr, running, MADRID) == said
