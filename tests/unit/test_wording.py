from bot.wording import plural


def test_counts_read_naturally() -> None:
    assert plural(1, "order") == "1 order"
    assert plural(0, "order") == "0 orders"
    assert plural(3, "unit is", "units are") == "3 units are"
    assert plural(1, "unit is", "units are") == "1 unit is"
