"""The two small rules every input passes through: how text is cut to fit (bot.clipping) and
which ids can name a row (bot.store.ids). Properties over any input, by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.clipping import ECHO_LENGTH, clip, echo, telegram_length
from bot.store.ids import MAX_ROW_ID, row_id
from bot.store.search_index import FORMAT_CHARACTERS, plain, words


@given(st.text(max_size=300), st.integers(0, 200))
def test_clipped_text_fits_as_telegram_counts_and_says_it_was_cut(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert telegram_length(clipped) <= max(limit, 1)
    if telegram_length(text) <= limit:
        assert clipped == text
    else:
        assert clipped.endswith("…")
        assert text.startswith(clipped[:-1].rstrip())  # whole characters, never half an emoji


def test_a_message_of_emoji_is_cut_to_4096_units_as_telegram_counts_them() -> None:
    """🛒 is two UTF-16 units: 3,000 of them are 6,000 to Telegram, not 3,000."""
    carts = "🛒" * 3000
    assert telegram_length(carts) == 6000
    clipped = clip(carts, 4096)
    assert clipped == "🛒" * 2047 + "…"  # 4,094 + 1 units: no half 🛒 left at the cut
    assert telegram_length(clip("a" + carts, 4096)) == 4096


@given(st.text(max_size=5000))
def test_an_echo_is_one_short_line(text: str) -> None:
    quoted = echo(text)
    assert telegram_length(quoted) <= ECHO_LENGTH
    assert "\n" not in quoted


@given(st.text(max_size=30))
def test_a_row_id_is_plain_digits_within_the_databases_range(text: str) -> None:
    found = row_id(text)
    if found is not None:
        assert 1 <= found <= MAX_ROW_ID
        assert str(found) == text.strip().lstrip("0")


def test_ids_at_the_edge_of_the_range() -> None:
    assert row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    assert row_id(str(MAX_ROW_ID + 1)) is None
    assert row_id("0") is None
    assert row_id("²") is None
    assert row_id("٣") is None


@given(st.text(max_size=100))
def test_searching_plain_text_is_what_it_reads_as(text: str) -> None:
    assert words(plain(text)) == words(text)  # normalising twice changes nothing
    assert all("\u200b" not in word for word in words(text))


def test_the_invisible_characters_search_drops_are_format_characters_and_only_those() -> None:
    """One list for queries and both databases' products (PostgreSQL holds it, migration
    0019): each is a format character, the usual disguises among them."""
    import unicodedata

    assert {unicodedata.category(ch) for ch in FORMAT_CHARACTERS} == {"Cf"}
    assert set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202e") <= set(FORMAT_CHARACTERS)
    assert words("e\u200b\u0301t\u00e9") == ["\u00e9t\u00e9"]


@pytest.mark.parametrize(
    ("typed", "order_id"),
    [("#12", 12), ("12", 12), ("#0", None), ("#", None), ("#1.5", None), ("#١٢", None),
     (f"#{2**31}", None), ("paid", None), (None, None)],
)  # fmt: skip
def test_an_admin_names_an_order_by_its_number_with_or_without_its_hash(
    typed: str | None, order_id: int | None
) -> None:
    from bot.services.admin_orders import order_number

    assert order_number(typed) == order_id
