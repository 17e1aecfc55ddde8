"""VAT included in prices (bot.tax): how much of an amount is tax, rounded half to even per
line after its share of the discount; rates as admins write them; what an order says."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import translator
from bot.services.cart import CartLineView
from bot.services.order_history import OrderView
from bot.services.order_summary import order_taxes, tax_lines
from bot.services.promos import split_exactly
from bot.store.models import Order, OrderLine
from bot.tax import (
    RateTax,
    TaxedLine,
    TaxRateError,
    by_rate,
    file_rate,
    goods_taxed,
    included,
    line_rate,
    line_taxes,
    parse_rate,
    rate_text,
)
from bot.webapp import views as webapp_views

MUG, BOOK, GIFT = 1600, 1800, 2500  # $16.00 at the shop's 20%, $18.00 at 5%, a gift card


def _line(total: int, own_rate: int | None = None, *, untaxed: bool = False) -> CartLineView:
    return CartLineView(
        1, "SKU", "Thing", total, "USD", 1, 5, True, tax_rate_bp=own_rate, untaxed=untaxed
    )


def test_the_tax_in_a_price_is_rounded_half_to_even() -> None:
    assert included(MUG, 2000) == 267  # 266.67
    assert included(BOOK, 500) == 86  # 85.71
    assert included(500, 2000) == 83  # shipping: 83.33
    assert included(5, 10000) == 2 and included(7, 10000) == 4  # 2.5 and 3.5: to even
    assert included(MUG, 0) == 0 and included(0, 2000) == 0


def test_rates_are_read_and_written_as_admins_write_them() -> None:
    assert [parse_rate(t) for t in ("20", "7.7", "5,5%", " 0 ", "100", "0.05")] == [
        2000,
        770,
        550,
        0,
        10000,
        5,
    ]
    for wrong in ("", "abc", "-5", "100.01", "7.777", "1e2"):
        with pytest.raises(TaxRateError):
            parse_rate(wrong)
    assert [file_rate(r) for r in (2000, 770, 550, 5, None)] == ["20", "7.7", "5.5", "0.05", ""]
    assert rate_text(770, "en") == "7.7" and rate_text(770, "ru") == "7,7"


def test_a_line_takes_its_products_rate_else_the_shops_and_a_gift_card_none() -> None:
    assert line_rate(2000, None) == 2000
    assert line_rate(2000, 500) == 500
    assert line_rate(2000, 0) == 0  # zero-rated: taxed at 0%
    assert line_rate(2000, 500, untaxed=True) is None  # a voucher: taxed when spent
    assert line_rate(None, 500) is None  # a shop without TAX_RATE shows no tax at all


def test_two_rates_after_the_discount_and_an_untaxed_gift_card() -> None:
    lines = [_line(MUG), _line(BOOK, 500), _line(GIFT, untaxed=True)]
    shares = split_exactly(590, [MUG, BOOK, GIFT])  # a $5.90 code over the three lines
    assert shares == [160, 180, 250]
    taxed = goods_taxed(2000, lines, shares)
    assert taxed == [TaxedLine(1440, 2000), TaxedLine(1620, 500), TaxedLine(2250, None)]
    taxes = line_taxes(taxed)
    assert taxes == [240, 77, 0]
    assert by_rate(zip((t.rate for t in taxed), taxes, strict=True)) == (
        RateTax(2000, 240),
        RateTax(500, 77),
    )
    assert line_taxes(goods_taxed(None, lines, shares)) == [0, 0, 0]


def test_an_order_says_its_lines_and_shippings_tax_per_rate_and_an_old_order_none() -> None:
    order = Order(
        currency="USD",
        tax_label="VAT",
        tax_rate_bp=2000,
        shipping_tax=83,
        lines=[
            OrderLine(tax_rate_bp=2000, tax=267),
            OrderLine(tax_rate_bp=500, tax=86),
            OrderLine(tax_rate_bp=None, tax=0),  # a gift card bought
        ],
    )
    taxes = order_taxes(order)
    assert taxes == (RateTax(2000, 350), RateTax(500, 86))
    assert tax_lines(translator("en"), "VAT", taxes, "USD") == [
        "Includes VAT 20%: $3.50",
        "Includes VAT 5%: $0.86",
    ]
    old = Order(currency="USD", tax_label=None, shipping_tax=0, lines=[OrderLine(tax=0)])
    assert order_taxes(old) == () and tax_lines(translator("en"), None, (), "USD") == []


@given(st.integers(0, 10**12), st.integers(0, 10000))
def test_the_tax_is_never_more_than_the_price_and_rounds_as_decimals_do(
    gross: int, rate: int
) -> None:
    tax = included(gross, rate)
    exact = Decimal(gross) * rate / (10000 + rate)
    assert 0 <= tax <= gross
    assert tax == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**9), min_size=1, max_size=20))
def test_discount_shares_always_add_up_to_the_discount(discount: int, totals: list[int]) -> None:
    discount = min(discount, sum(totals))  # a code never takes off more than the lines
    shares = split_exactly(discount, totals)
    assert sum(shares) == (discount if sum(totals) else 0)
    assert all(0 <= share <= total for share, total in zip(shares, totals, strict=True))


def test_the_storefronts_order_page_says_the_same_lines() -> None:
    view = OrderView(1, "paid", "USD", 3400, 500, 0, 3900, 0, datetime.now(UTC), None, ())
    taxed = replace(view, tax_label="VAT", taxes=(RateTax(2000, 350), RateTax(500, 86)))
    assert webapp_views.order(taxed, "")["tax_texts"] == [
        "Includes VAT 20%: $3.50",
        "Includes VAT 5%: $0.86",
    ]
    assert webapp_views.order(view, "")["tax_texts"] == []  # an order without tax
