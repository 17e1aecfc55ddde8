"""Money as integer minor units with a currency; parsing and formatting live only here."""

from __future__ import annotations

import copy
import functools
import re
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, is_currency

# Digits after the decimal point where they are not the usual two. Telegram's own list
# (core.telegram.org/bots/payments/currencies.json, its "exp") decides: an invoice amount is
# read with it, so UGX and PYG count whole units there as JPY does. Currencies Telegram does
# not list follow ISO 4217. XTR is Telegram Stars.
_EXPONENTS: dict[str, int] = {
    # exp 0 in Telegram's list
    "CLP": 0,
    "ISK": 0,
    "JPY": 0,
    "KRW": 0,
    "PYG": 0,
    "UGX": 0,
    "VND": 0,
    "XTR": 0,
    # not in Telegram's list: ISO 4217
    "BIF": 0,
    "DJF": 0,
    "GNF": 0,
    "KMF": 0,
    "RWF": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
_DECIMAL_RE = re.compile(r"^\s*(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]+))?\s*$")  # ASCII digits only
_CODE_TOUCHING_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_MOST_DIGITS = 30  # before the point: far more than any price, far less than int() takes

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
    "PYG": 8000,
    "UGX": 4000,
    "XTR": 1,
}
# The largest invoice total Telegram accepts (its max_amount, about US$10,000), at or below
# its figures; other currencies: 99,999,999 minor units, the most that list gives any.
_TELEGRAM_MAXIMUMS: dict[str, int] = {
    "USD": 1_000_000,
    "EUR": 890_000,
    "GBP": 760_000,
    "CAD": 1_350_000,
    "AUD": 1_340_000,
    "CHF": 970_000,
    "JPY": 1_110_000,
    "INR": 64_570_000,
    "RUB": 57_040_000,
    "UAH": 26_340_000,
    "BRL": 3_280_000,
    "SEK": 8_740_000,
    "DKK": 6_640_000,
    "PLN": 3_750_000,
    "PYG": 55_770_000,
    "UGX": 36_170_000,
    # Telegram Stars: a fixed 10,000 per invoice (its list's XTR max_amount; the same figure
    # as python-telegram-bot's SubscriptionLimit.MAX_PRICE and the Stars transfer limit).
    "XTR": 10_000,
}
_LARGEST_MAXIMUM = 99_999_999


def N_(message: str) -> str:
    """Mark a text for extraction, as bot.i18n.N_ does (bot.i18n imports this module)."""
    return message


class MoneyError(ValueError):
    """An amount or currency that cannot be represented exactly; `template` (a catalog msgid)
    filled from `params` says why, in English as `str()` and in a reader's language by
    `said`."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.template = template
        self.params = params

    def said(self, tr: Any) -> str:
        """The problem in the language of `tr` (a bot.i18n.Translator)."""
        return str(tr._(self.template, **self.params))


@functools.lru_cache(maxsize=256)
def check_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 code, or raise MoneyError (kept: Babel's lookup was a
    twentieth of seeding a 100,000-product catalog, every row naming the same currency)."""
    upper = code.strip().upper()
    if not _CURRENCY_RE.match(upper):
        raise MoneyError(
            N_("{code} is not a three-letter currency code such as USD or XTR"), code=repr(code)
        )
    if upper != STARS and not is_currency(upper):  # Babel holds the ISO 4217 list
        raise MoneyError(
            N_("{code} is not an ISO 4217 currency (such as USD), nor XTR for Stars"),
            code=repr(code),
        )
    return upper


def exponent(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit."""
    return _EXPONENTS.get(currency.upper(), 2)


def telegram_minimum(currency: str) -> int:
    """The smallest total an invoice in `currency` may have (see _TELEGRAM_MINIMUMS)."""
    upper = currency.upper()
    return _TELEGRAM_MINIMUMS.get(upper, 10 ** exponent(upper))


def telegram_maximum(currency: str) -> int:
    """The largest total an invoice in `currency` may have (see _TELEGRAM_MAXIMUMS)."""
    return _TELEGRAM_MAXIMUMS.get(currency.upper(), _LARGEST_MAXIMUM)


def parse_amount(text: str, currency: str) -> int:
    """Parse a decimal string such as "12.50" into minor units, refusing anything inexact."""
    match = _DECIMAL_RE.match(str(text))
    if not match:
        raise MoneyError(N_("'{text}' is not an amount; write it like 12.50"), text=text)
    if len(match.group("int")) > _MOST_DIGITS:
        shown = str(text).strip()[:_MOST_DIGITS]
        raise MoneyError(N_("'{text}…' is too large an amount"), text=shown)
    digits = exponent(currency)
    frac = match.group("frac") or ""
    if len(frac) > digits:
        if digits == 0:
            raise MoneyError(
                N_("'{text}' has decimals, but {currency} amounts are whole numbers"),
                text=text,
                currency=currency,
            )
        raise MoneyError(
            N_("'{text}' has more than {digits} decimals for {currency}"),
            text=text,
            digits=digits,
            currency=currency,
        )
    return int(match.group("int")) * 10**digits + int(frac.ljust(digits, "0") or "0")


def to_decimal_string(amount: int, currency: str) -> str:
    """Minor units back to the plain decimal form used in catalog files ("12.50")."""
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**digits) if digits else (abs(amount), 0)
    return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"


@functools.lru_cache(maxsize=4096)
def format_money(amount: int, currency: str, language: str = "en") -> str:
    """Human form for a reader of `language` (CLDR rules, by Babel): "$1,234.50" in English,
    "1 234,50 €" in Russian, "1.234,50 €" in Spanish; Stars as "⭐ 120".

    Remembered: a shop shows the same few prices over and over, and Babel's formatting was
    a tenth of rendering a product card (profiled)."""
    locale = _locale(language)
    if currency == STARS:
        return f"⭐ {format_decimal(amount, locale=locale)}"
    value = Decimal(to_decimal_string(amount, currency))
    text = _currency_pattern(language, exponent(currency)).apply(
        value, locale, currency=currency, currency_digits=False
    )
    return _CODE_TOUCHING_DIGIT.sub("\u00a0", text)  # CLDR currency spacing: "CHF 15.00"


@functools.cache
def _currency_pattern(language: str, digits: int) -> NumberPattern:
    """The language's currency pattern showing exactly `digits` decimals: the currency's own
    (bot.money.exponent), where CLDR's idea of it would round HUF 123.45 to "HUF 123" or
    show whole-unit UGX with two zeros."""
    pattern = copy.copy(_locale(language).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return pattern


@functools.cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)
