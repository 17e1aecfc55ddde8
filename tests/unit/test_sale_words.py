"""A sale price in words: the card, a list button and the admin's list follow one rule (a
regular price above the price is a sale; what it takes off, rounded down, when a whole
percent), each in its own shape."""

from __future__ import annotations

from bot.i18n import translator
from bot.texts.sale import price_html, price_label, price_was

EN = translator("en")


def test_a_mug_on_sale_reads_alike_on_the_card_a_button_and_the_admins_list() -> None:
    assert price_html(EN, 1600, 2000, "USD") == "<s>$20.00</s> $16.00 · −20%"
    assert price_label(EN, 1600, 2000, "USD") == "$16.00 (−20%)"
    assert price_was(EN, 1600, 2000, "USD") == "$16.00 (was $20.00, −20%)"


def test_a_price_not_on_sale_is_the_price_alone_everywhere() -> None:
    for regular in (None, 1600, 1500):  # none, the same, below: no sale
        assert price_html(EN, 1600, regular, "USD") == "$16.00"
        assert price_label(EN, 1600, regular, "USD") == "$16.00"
        assert price_was(EN, 1600, regular, "USD") == "$16.00"


def test_a_sale_of_less_than_a_whole_percent_names_the_regular_price_without_a_percent() -> None:
    assert price_was(EN, 19999, 20000, "USD") == "$199.99 (was $200.00)"
    assert price_label(EN, 19999, 20000, "USD") == "$199.99"


def test_the_admins_list_says_it_in_her_language() -> None:
    assert price_was(translator("es"), 1600, 2000, "USD").startswith("16,00")
    assert "(antes " in price_was(translator("es"), 1600, 2000, "USD")
    assert "(было " in price_was(translator("ru"), 1600, 2000, "USD")
