"""Money as integer minor units with a currency; parsing and formatting live only here."""

from __future__ import annotations

import re

# ISO 4217 exponents that differ from the usual two decimals; XTR is Telegram Stars.
_EXPONENTS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "HUF": 2,
    "XTR": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
}
_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "RUB": "₽",
    "UAH": "₴",
    "KRW": "₩",
    "BRL": "R$",
    "CAD": "CA$",
    "AUD": "A$",
    "XTR": "⭐",
}
_DECIMAL_RE = re.compile(r"^\s*(?P<int>\d+)(?:\.(?P<frac>\d+))?\s*$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

STARS = "XTR"

# The smallest invoice total Telegram accepts, in minor units. Telegram publishes the
# figures (core.telegram.org/bots/payments/currencies.json, about US$1 in each currency, and
# they follow exchange rates); these are at or above them. Other currencies: one whole unit.
_TELEGRAM_MINIMUMS: dict[str, int] = {
    "USD": 100,
    "EUR": 100,
    "GBP": 100,
    "CAD": 150,
    "AUD": 200,
    "CHF": 100,
    "JPY": 200,
    "INR": 10000,
    "RUB": 10000,
    "UAH": 5000,
    "BRL": 600,
    "SEK": 1200,
    "DKK": 800,
    "PLN": 500,
    "XTR": 1,
}


class MoneyError(ValueError):
    """An amount or currency that cannot be represented exactly."""


def check_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 code, or raise MoneyError."""
    upper = code.strip().upper()
    if not _CURRENCY_RE.match(upper):
        raise MoneyError(f"'{code}' is not a three-letter currency code such as USD or XTR")
    return upper


def exponent(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit."""
    return _EXPONENTS.get(currency.upper(), 2)


def telegram_minimum(currency: str) -> int:
    """The smallest total an invoice in `currency` may have (see _TELEGRAM_MINIMUMS)."""
    upper = currency.upper()
    return _TELEGRAM_MINIMUMS.get(upper, 10 ** exponent(upper))


def parse_amount(text: str, currency: str) -> int:
    """Parse a decimal string such as "12.50" into minor units, refusing anything inexact."""
    match = _DECIMAL_RE.match(str(text))
    if not match:
        raise MoneyError(f"'{text}' is not an amount; write it like 12.50")
    digits = exponent(currency)
    frac = match.group("frac") or ""
    if len(frac) > digits:
        if digits == 0:
            raise MoneyError(f"'{text}' has decimals, but {currency} amounts are whole numbers")
        raise MoneyError(f"'{text}' has more than {digits} decimals for {currency}")
    return int(match.group("int")) * 10**digits + int(frac.ljust(digits, "0") or "0")


def to_decimal_string(amount: int, currency: str) -> str:
    """Minor units back to the plain decimal form used in catalog files ("12.50")."""
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**digits) if digits else (abs(amount), 0)
    return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"


def format_money(amount: int, currency: str) -> str:
    """Human form for chat messages: "$12.50", "€3.00", "⭐ 120", "12.500 KWD"."""
    plain = to_decimal_string(amount, currency)
    if currency == STARS:
        return f"⭐ {plain}"
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{plain} {currency}"
    if plain.startswith("-"):
        return f"-{symbol}{plain[1:]}"
    return f"{symbol}{plain}"
