"""What is wrong with a cart line: one rule for the cart screen, the checkout review and
placing the order (bot.services.cart.line_problems)."""

from __future__ import annotations

from bot.services.cart import CartLineView, LineProblem, line_problems, shortage
from bot.services.errors import Shortage

P = LineProblem


def _line(
    quantity: int = 2,
    available: int = 5,
    price: int = 1600,
    quoted: int | None = 1600,
    active: bool = True,
) -> CartLineView:
    return CartLineView(
        product_id=1,
        sku="MUG",
        title="Mug",
        unit_price=price,
        currency="USD",
        quantity=quantity,
        available=available,
        is_active=active,
        quoted_price=quoted,
    )


def test_a_line_that_can_be_bought_as_it_stands_has_no_problem() -> None:
    assert line_problems(_line()) == ()
    assert line_problems(_line(quoted=None)) == ()  # no quote: today's price counts
    assert shortage(_line()) is None


def test_a_product_taken_off_sale_or_sold_out_takes_the_line_away() -> None:
    assert line_problems(_line(active=False, price=1800)) == (P.OFF_SALE,)
    assert line_problems(_line(available=0, price=1800)) == (P.SOLD_OUT,)
    assert shortage(_line(available=0)) == Shortage("Mug", 2, 0)


def test_fewer_left_than_wanted_and_a_new_price_are_both_reported() -> None:
    assert line_problems(_line(quantity=4, available=3)) == (P.FEWER_LEFT,)
    assert line_problems(_line(price=1800)) == (P.PRICE_CHANGED,)
    assert line_problems(_line(quantity=4, available=3, price=1800)) == (
        P.FEWER_LEFT,
        P.PRICE_CHANGED,
    )
    assert shortage(_line(quantity=4, available=3), in_cart=1) == Shortage("Mug", 3, 3, 1)
