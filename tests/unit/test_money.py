"""Money is exact: integer minor units, parsed and formatted in one place."""

from __future__ import annotations

import pytest

from bot.money import MoneyError, exponent, format_money, parse_amount, to_decimal_string


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.50", "USD", 1250),
        ("12.5", "USD", 1250),
        ("0.01", "EUR", 1),
        ("7", "USD", 700),
        ("1200", "JPY", 1200),
        ("150", "XTR", 150),
        ("1.234", "KWD", 1234),
    ],
)
def test_decimal_strings_become_exact_minor_units(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor
    assert parse_amount(to_decimal_string(minor, currency), currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "complaint"),
    [
        ("12.505", "USD", "more than 2 decimals"),
        ("-3", "USD", "not an amount"),
        ("abc", "USD", "not an amount"),
        ("1.5", "XTR", "whole numbers"),
        ("1e3", "USD", "not an"),
        ("٥.٠٠", "USD", "not an amount"),
        ("5.٠٠", "USD", "not an amount"),
    ],
)
def test_inexact_or_malformed_amounts_are_refused(text: str, currency: str, complaint: str) -> None:
    with pytest.raises(MoneyError, match=complaint):
        parse_amount(text, currency)


def test_amounts_are_shown_with_the_currency_symbol() -> None:
    assert format_money(1250, "USD") == "$12.50"
    assert format_money(300, "EUR") == "€3.00"
    assert format_money(120, "XTR") == "⭐ 120"
    assert format_money(1200, "JPY") == "¥1,200"
    assert format_money(1500, "CHF") == "CHF\u00a015.00"


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("5000", "UGX", 5000), ("5000", "PYG", 5000), ("990", "ISK", 990), ("1500", "CLP", 1500)],
)
def test_currencies_telegram_counts_in_whole_units_have_no_minor_unit(
    text: str, currency: str, minor: int
) -> None:
    """Telegram's currencies.json gives UGX and PYG (like JPY) exp 0: an invoice amount of
    5000 is 5,000 shillings, so a price of 5000 must be stored as 5000, not 500000."""
    assert parse_amount(text, currency) == minor
    with pytest.raises(MoneyError, match="whole numbers"):
        parse_amount("5000.50", currency)


# Telegram's currencies.json (core.telegram.org/bots/payments/currencies.json), its "exp":
# 0 for these, 2 for every other currency it lists, among them some ISO 4217 or CLDR count
# otherwise (HUF, TWD, IDR, LBP, YER: CLDR's cash digits are 0; ISK's ISO exponent is 0 too).
TELEGRAM_WHOLE_UNITS = ("CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND")


@pytest.mark.parametrize(
    ("currency", "exp"),
    [*((c, 0) for c in TELEGRAM_WHOLE_UNITS), ("HUF", 2), ("TWD", 2), ("IDR", 2), ("LBP", 2)],
)
def test_each_currency_has_the_minor_unit_telegram_reads_its_amounts_in(
    currency: str, exp: int
) -> None:
    """An invoice amount is read with Telegram's exp: a price kept with any other would be
    charged 100 times too much or too little."""
    assert exponent(currency) == exp


@pytest.mark.parametrize(
    ("minor", "currency", "language", "shown"),
    [
        (5000, "UGX", "en", "UGX\u00a05,000"),
        (5000, "PYG", "es", "5.000\u00a0PYG"),
        (12345, "HUF", "en", "HUF\u00a0123.45"),  # CLDR would round it to HUF 123
        (1050, "LBP", "en", "LBP\u00a010.50"),
        (1050, "YER", "ru", "10,50\u00a0YER"),
        (1234, "KWD", "en", "KWD\u00a01.234"),
        (1200, "JPY", "en", "¥1,200"),
        (1250, "USD", "es", "12,50\u00a0US$"),
    ],
)
def test_amounts_show_exactly_the_decimals_of_their_currency(
    minor: int, currency: str, language: str, shown: str
) -> None:
    assert format_money(minor, currency, language) == shown
