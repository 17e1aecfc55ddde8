"""Cutting text to fit: the one helper for every limit (Telegram's, a button's, an echo's).

Lengths are counted as Telegram counts them, in UTF-16 code units (`telegram_length`): an
emoji such as 🛒 or 📦 is two, so 4,096 of them would be twice too long for a message. A cut
never splits such a character in two, and is always marked with "…", so a reader knows there
was more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

ELLIPSIS = "…"
ECHO_LENGTH = 60  # what of a shopper's or admin's own words a reply quotes back


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count as two)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` UTF-16 units, else its start and "…" (`limit` in all)."""
    if telegram_length(text) <= limit:
        return text
    return _head(text, max(limit - 1, 0)).rstrip() + ELLIPSIS


def _head(text: str, units: int) -> str:
    """The longest start of `text` of at most `units` UTF-16 units: a character that would
    be cut in half (the first unit of an emoji) is left out whole."""
    return text.encode("utf-16-le")[: units * 2].decode("utf-16-le", errors="ignore")


def echo(text: str) -> str:
    """Someone's own words quoted back in a reply ("Nothing found for “…”"): on one line and
    clipped, so a 4,000-character message is not sent back whole."""
    return clip(" ".join(text.split()), ECHO_LENGTH)


# The widths a message's product titles are cut to, widest first, when whole titles would make
# it longer than Telegram takes (a cart, a summary, a receipt of 40 long names).
TITLE_WIDTHS = (96, 64, 48, 32, 24, 18, 12)


def titles_fitting(
    build: Callable[[int | None], T], room: int, text_of: Callable[[T], str] = str
) -> T:
    """What `build` makes with whole titles (`None`) when its text fits in `room` UTF-16
    units, else with titles cut to the widest of TITLE_WIDTHS that fits (the narrowest if
    none does): every line stays, only names get shorter."""
    made = build(None)
    for width in TITLE_WIDTHS:
        if telegram_length(text_of(made)) <= room:
            break
        made = build(width)
    return made
