"""VAT-inclusive prices: the price shown is what she pays, and part of it is tax. The one place
for what a tax rate is, how it is written, and how much of an amount is tax.

A rate is kept in basis points (hundredths of a percent: 20% is 2000, 7.7% is 770), so every
sum is integers. The tax included in a gross amount is `gross × rate / (100% + rate)`, rounded
half to even to the minor unit, per order line after its share of any promo discount (its
`OrderLine.discount`), and on shipping at the shop's rate. Prices and totals never change:
the tax is only said ("Includes VAT 20%: $2.67"). Nothing here knows Telegram or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from babel import Locale
from babel.numbers import format_decimal

from bot.money import N_

PERCENT = 100  # basis points in one percent
MOST_RATE = 100 * PERCENT  # 100%: no VAT anywhere comes near it
DEFAULT_LABEL = "VAT"
MAX_LABEL = 16  # "VAT", "MwSt.", "НДС", "IVA", "GST": a word, not a sentence
RATE_REFUSED = N_(
    "{value} is not a percent from 0 to 100 with at most two decimals, such as 20 or 7.7"
)
_RATE_RE = re.compile(r"^\s*(?P<int>[0-9]{1,3})(?:[.,](?P<frac>[0-9]{1,2}))?\s*%?\s*$")


class TaxRateError(ValueError):
    """A rate that cannot be used; `template` (a catalog msgid) filled from `params` says
    what to write instead, as bot.money.MoneyError does."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template.format(**params))
        self.template = template
        self.params = params


def parse_rate(text: str) -> int:
    """ "20" -> 2000, "7.7" -> 770, "5,5%" -> 550 (basis points); TaxRateError for anything
    else, or above 100%."""
    match = _RATE_RE.match(str(text))
    if match is None:
        raise TaxRateError(RATE_REFUSED, value=repr(str(text).strip()))
    rate = int(match.group("int")) * PERCENT + int((match.group("frac") or "").ljust(2, "0"))
    if rate > MOST_RATE:
        raise TaxRateError(RATE_REFUSED, value=repr(str(text).strip()))
    return rate


def rate_text(rate: int, locale: Locale | str = "en") -> str:
    """A rate as a reader of `locale` writes it, without the % sign: "20", "7.7" ("7,7" in
    Russian and Spanish); the form catalog files write it in is `file_rate`."""
    return str(format_decimal(Decimal(rate) / PERCENT, locale=locale))


def file_rate(rate: int | None) -> str:
    """A rate as catalog files write it ("20", "7.7"; "" for none)."""
    if rate is None:
        return ""
    whole, frac = divmod(rate, PERCENT)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".") if frac else str(whole)


def included(gross: int, rate: int) -> int:
    """The tax included in `gross` minor units at `rate` basis points: gross × rate /
    (10000 + rate), rounded half to even (integers only). Never more than `gross`."""
    if gross <= 0 or rate <= 0:
        return 0
    return _half_even(gross * rate, MOST_RATE + rate)


def share_of(tax: int, part: int, whole: int) -> int:
    """`part` of `whole` takes this much of `tax` (a refund of part of an order's total: its
    share of the order's tax), rounded half to even; all of it for all, 0 for none."""
    if whole <= 0 or part <= 0:
        return 0
    return tax if part >= whole else _half_even(tax * part, whole)


def _half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator (both positive) to the nearest whole, a half to the even one."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


def line_rate(shop_rate: int | None, own_rate: int | None, *, untaxed: bool = False) -> int | None:
    """The rate a line is taxed at: its product's own (`Product.tax_rate`), else the shop's
    (TAX_RATE); None (not taxed) in a shop without tax, and for a gift card bought (a
    voucher: taxed when it is spent, as a means of payment)."""
    if shop_rate is None or untaxed:
        return None
    return shop_rate if own_rate is None else own_rate


@dataclass(frozen=True, slots=True)
class TaxedLine:
    """What a line is taxed on: its total after its share of the discount, and its rate."""

    net: int
    rate: int | None


class Taxable(Protocol):
    """A cart line as tax needs it (bot.services.cart.CartLineView)."""

    @property
    def line_total(self) -> int: ...
    @property
    def tax_rate_bp(self) -> int | None: ...
    @property
    def untaxed(self) -> bool: ...


def goods_taxed(
    shop_rate: int | None, lines: Sequence[Taxable], shares: Sequence[int] | None = None
) -> list[TaxedLine]:
    """Each line as it is taxed: its total less its share of the promo discount (`shares`,
    bot.services.promos.split_exactly's, in the lines' order; None: no discount), at its rate
    (`line_rate`)."""
    shares = shares or [0] * len(lines)
    return [
        TaxedLine(
            line.line_total - share, line_rate(shop_rate, line.tax_rate_bp, untaxed=line.untaxed)
        )
        for line, share in zip(lines, shares, strict=True)
    ]


def line_taxes(lines: Iterable[TaxedLine]) -> list[int]:
    """The tax in each line (0 for a line not taxed): the one computation of an order's tax,
    on the summary before paying as when the order is placed."""
    return [0 if line.rate is None else included(line.net, line.rate) for line in lines]


@dataclass(frozen=True, slots=True)
class RateTax:
    """The tax at one rate in an order: one "Includes VAT 20%: $2.67" line."""

    rate: int
    amount: int


def by_rate(taxed: Iterable[tuple[int | None, int]]) -> tuple[RateTax, ...]:
    """(rate, tax) pairs summed per rate, the highest rate first; rates of 0% and lines not
    taxed (None) say nothing and are left out."""
    sums: dict[int, int] = {}
    for rate, amount in taxed:
        if rate:
            sums[rate] = sums.get(rate, 0) + amount
    return tuple(RateTax(rate, sums[rate]) for rate in sorted(sums, reverse=True))
