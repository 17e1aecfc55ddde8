"""Quantity tiers' rule (bot.pricing): what /tiers and catalog files accept, the price one
unit costs at the tier a quantity reaches, and a cart's lines priced at their product's tier,
all its variants counting together, with the quote (and a sale) going by the unit's own
price."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pricing import (
    MAX_TIERS_CHARS,
    TiersError,
    discounted,
    next_tier,
    parse_tiers,
    stored_tiers,
    stored_tiers_text,
    tier_for,
    tiered,
)
from bot.services.cart import CartLineView, CartView, LineProblem, line_problems
from bot.store.catalog_file import CatalogError, parse_json

MUG_TIERS = ((3, 10), (6, 15))


@pytest.mark.parametrize(
    "typed",
    ["3:10% 6:15%", "3:10,6:15", "3:10%, 6:15%", " 3:10 ;6:15% ", "3:10%\n6:15%"],
)
def test_spaces_commas_and_percent_signs_all_read_as_the_same_tiers(typed: str) -> None:
    assert parse_tiers(typed) == MUG_TIERS
    assert stored_tiers_text(parse_tiers(typed)) == "3:10,6:15"


@pytest.mark.parametrize(
    "typed",
    [
        "1:10%",  # one unit is no volume
        "3:0%",
        "3:91%",  # at most 90% off, as /sale
        "3:10% 3:15%",  # quantities must grow
        "3:10% 6:10%",  # and so must the percents
        "6:15% 3:10%",
        "3:ten",
        "3 10",
        "2:10,3:20,4:30,5:40,6:50,7:60,8:70,10:80,11:81",  # wider than products.tiers
    ],
)
def test_tiers_that_do_not_give_more_for_more_are_refused(typed: str) -> None:
    with pytest.raises(TiersError):
        parse_tiers(typed)


def test_the_widest_tiers_fit_the_column_and_nothing_means_no_tiers() -> None:
    widest = "2:10,3:20,4:30,5:40,6:50,7:60,8:70,10:80"
    assert len(widest) == MAX_TIERS_CHARS and stored_tiers_text(parse_tiers(widest)) == widest
    assert parse_tiers("") == () and stored_tiers(None) == () and stored_tiers("") == ()


@pytest.mark.parametrize(
    ("price", "quantity", "unit"),
    [
        (1600, 2, 1600),  # below the first tier: the price
        (1600, 3, 1440),  # $16.00 at −10%: $14.40
        (1600, 5, 1440),
        (1600, 6, 1360),  # −15%
        (1600, 99, 1360),
        (999, 3, 899),  # 899.1 -> $8.99, half up as /sale rounds
        (25, 6, 21),  # 21.25 -> 21
        (1, 6, 1),  # never below one minor unit
    ],
)
def test_one_unit_costs_its_price_less_the_tier_its_quantity_reaches(
    price: int, quantity: int, unit: int
) -> None:
    assert tiered(price, quantity, MUG_TIERS) == unit


def test_the_next_tier_is_the_first_one_a_quantity_has_not_reached() -> None:
    assert next_tier(2, MUG_TIERS) == (3, 10) and tier_for(2, MUG_TIERS) is None
    assert next_tier(3, MUG_TIERS) == (6, 15) and tier_for(3, MUG_TIERS) == (3, 10)
    assert next_tier(6, MUG_TIERS) is None and tier_for(7, MUG_TIERS) == (6, 15)


@st.composite
def tiers(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    count = draw(st.integers(0, 4))
    quantities = sorted(draw(st.sets(st.integers(2, 200), min_size=count, max_size=count)))
    percents = sorted(draw(st.sets(st.integers(1, 90), min_size=count, max_size=count)))
    return tuple(zip(quantities, percents, strict=True))


@given(tiers(), st.integers(1, 10**7), st.integers(1, 300))
def test_more_units_never_cost_more_each_nor_less_than_the_deepest_tier_gives(
    found: tuple[tuple[int, int], ...], price: int, quantity: int
) -> None:
    assert parse_tiers(stored_tiers_text(found)) == found  # four tiers always fit
    unit = tiered(price, quantity, found)
    assert 1 <= unit <= price
    assert tiered(price, quantity + 1, found) <= unit
    deepest = max((percent for _, percent in found), default=0)
    assert unit >= (discounted(price, deepest) if deepest else price)
    tier = tier_for(quantity, found)
    assert unit == (price if tier is None else discounted(price, tier[1]))


def _tee(variant_id: int, quantity: int, quoted: int | None = 2400) -> CartLineView:
    return CartLineView(
        product_id=7,
        sku=f"TEE-{variant_id}",
        title="Organic Tee",
        unit_price=2400,
        currency="USD",
        quantity=quantity,
        available=10,
        is_active=True,
        quoted_price=quoted,
        variant_id=variant_id,
        compare_at=3000,
        tiers=((2, 10),),
    )


def test_sizes_of_one_product_count_together_and_a_tier_is_no_price_change() -> None:
    cart = CartView((_tee(1, 1), _tee(2, 1)), "USD")
    assert [line.unit_price for line in cart.lines] == [2160, 2160]
    assert [line.tier for line in cart.lines] == [(2, 10), (2, 10)]
    assert cart.total == 4320
    assert all(line_problems(line) == () for line in cart.lines)  # quoted at $24.00
    assert cart.saving == 2 * 600  # the sale measured against the unit's own price
    assert cart.tier_nudge(7) is None

    one = cart.with_quantity(7, 0, variant_id=2)  # a size taken out: the tier goes with it
    assert [line.unit_price for line in one.lines] == [2400] and one.total == 2400
    nudge = one.tier_nudge(7)  # one more of any size reaches 2+
    assert nudge is not None and (nudge.more, nudge.percent) == (1, 10)
    repriced = CartView((_tee(1, 2, quoted=2200),), "USD")  # the price did change meanwhile
    assert line_problems(repriced.lines[0]) == (LineProblem.PRICE_CHANGED,)
    assert repriced.buyable().lines[0].quoted_price == 2400


ROW = {
    "sku": "MUG",
    "title": "Mug",
    "category": "Kitchen",
    "price": "16.00",
    "currency": "USD",
    "stock": 5,
    "photo": "",
}


def test_a_catalog_file_keeps_tiers_in_their_compact_form_and_refuses_them_where_wrong() -> None:
    [row] = parse_json(json.dumps([{**ROW, "tiers": "3:10% 6:15%"}]))
    assert row.tiers == "3:10,6:15"
    tee = {
        **{key: value for key, value in ROW.items() if key != "stock"},
        "sku": "TEE",
        "options": {"Size": ["M"]},
        "variants": [{"sku": "TEE-M", "values": {"Size": "M"}, "stock": 1, "tiers": "2:5"}],
    }
    card = {**ROW, "sku": "CARD", "digital": True, "download": "giftcode", "tiers": "2:5"}
    with pytest.raises(CatalogError) as refused:
        parse_json(json.dumps([{**ROW, "tiers": "3:10% 2:15%"}, tee, card, {**ROW, "tiers": 3}]))
    said = [(error.line, error.field, error.message) for error in refused.value.errors]
    assert [(line, field) for line, field, _ in said] == [
        (1, "tiers"),
        (2, "variants"),
        (3, "tiers"),
        (4, "tiers"),
    ]
    assert said[0][2].startswith("Write tiers as QUANTITY:PERCENT%")
    assert "quantity tiers count all the variants together" in said[1][2]
    assert said[2][2] == "gift cards are worth the price paid for them: they take no quantity tiers"
