"""/sale's arithmetic: a percent off in whole minor units of the currency (cents, yen, whole
Stars), half up, with integers only, never below one minor unit; and what /sale accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.money import exponent
from bot.pricing import SALE_PERCENTS, discounted
from bot.services.admin_catalog import AdminInputError
from bot.services.category_sale import EndDateRequest, SaleRequest, parse_request
from bot.services.promos import day_bound


@pytest.mark.parametrize(
    ("currency", "price", "percent", "sale"),
    [
        ("USD", 2000, 20, 1600),  # $20.00 -> $16.00
        ("USD", 999, 20, 799),  # 799.2 -> $7.99
        ("USD", 25, 10, 23),  # 22.5 -> 23: half up
        ("USD", 99, 25, 74),  # 74.25 -> $0.74
        ("USD", 1, 90, 1),  # 0.1 of a cent: never below a cent
        ("JPY", 999, 15, 849),  # 849.15 -> ¥849: yen have no minor unit
        ("JPY", 15, 10, 14),  # 13.5 -> ¥14: half up
        ("JPY", 5, 10, 5),  # 4.5 -> ¥5, no lower: /sale leaves it as it is
        ("XTR", 3, 50, 2),  # 1.5 -> 2 Stars: whole Stars, half up
        ("XTR", 1, 90, 1),  # never below one Star
        ("XTR", 10**6, 90, 10**5),
    ],
)
def test_a_percent_off_in_whole_minor_units_half_up(
    currency: str, price: int, percent: int, sale: int
) -> None:
    assert exponent(currency) == (2 if currency == "USD" else 0)
    assert discounted(price, percent) == sale


def test_integers_only_even_where_a_float_would_be_wrong() -> None:
    # 0.29 * 0.5 is 0.145 in decimals, 0.14499999... in floats: half up gives 15 cents
    assert discounted(29, 50) == 15
    assert discounted(10**15 + 1, 50) == 5 * 10**14 + 1  # far past a float's 53 bits


def test_sale_takes_a_category_and_a_whole_percent_from_1_to_90() -> None:
    assert parse_request(["Mugs", "20%"]) == SaleRequest("Mugs", 20)
    assert parse_request(["Home", "Decor", "15"]) == SaleRequest("Home Decor", 15)
    assert parse_request(["END", "Home", "Decor"]) == SaleRequest("Home Decor")
    assert (min(SALE_PERCENTS), max(SALE_PERCENTS)) == (1, 90)
    for bad in (["Mugs", "0%"], ["Mugs", "91%"], ["Mugs", "-5%"], ["Mugs", "1e1"], ["Mugs"], []):
        with pytest.raises(AdminInputError):
            parse_request(bad)


def test_until_is_the_whole_day_on_the_shops_clock_by_the_promo_rule() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    winter = parse_request(["Mugs", "20%", "UNTIL=2036-12-31"], madrid)
    assert winter == SaleRequest("Mugs", 20, datetime(2036, 12, 31, 23, tzinfo=UTC))
    assert winter.ends_at == day_bound("until", "2036-12-31", madrid)  # one rule with /promo
    summer = parse_request(["Home", "Decor", "15", "until=2036-07-31"], madrid)
    assert summer.ends_at == datetime(2036, 7, 31, 22, tzinfo=UTC)  # UTC+2 in summer
    today = datetime(2036, 12, 31, 22, 59, tzinfo=UTC)  # 23:59 on Dec 31 in Madrid
    assert parse_request(["Mugs", "20%", "until=2036-12-31"], madrid, today) == winter
    assert parse_request(["Mugs", "until=-"], madrid, today) == EndDateRequest("Mugs", None)
    for bad in (
        ["Mugs", "20%", "until=2036-12-30"],
        ["Mugs", "20%", "until=31.12.2036"],
        ["Mugs", "20%", "until=-"],  # "no end" is for a running sale: a new one has none
    ):
        with pytest.raises(AdminInputError):
            parse_request(bad, madrid, today)


def test_until_dash_on_a_start_is_refused_and_only_removes_a_running_sales_end() -> None:
    with pytest.raises(AdminInputError, match=r"leave until= out, e\.g\. /sale Mugs 20%"):
        parse_request(["Mugs", "20%", "until=-"])
    assert parse_request(["Mugs", "until=-"]) == EndDateRequest("Mugs", None)
