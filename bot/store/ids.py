"""The range of the database's row ids: the one bound for every id a person, a link or a
button can send (/start order-7, button data, the storefront's paths).

Row ids are INTEGER columns, 32-bit signed on PostgreSQL: asking it for a wider one fails
("out of range") instead of finding nothing. An id beyond the bound names no row, so it is
refused as an unknown id is, without asking the database.
"""

from __future__ import annotations

MAX_ROW_ID = 2**31 - 1
_MOST_DIGITS = len(str(MAX_ROW_ID))


def is_row_id(value: int) -> bool:
    """True if `value` could be a row's id (1 up to MAX_ROW_ID)."""
    return 1 <= value <= MAX_ROW_ID


def row_id(text: str) -> int | None:
    """The id written in `text` (ASCII digits only: "²" or "٣" are no id), or None if it
    is none or could name no row."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MOST_DIGITS:
        return None
    value = int(text)
    return value if is_row_id(value) else None
