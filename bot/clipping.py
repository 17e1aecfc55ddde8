"""Cutting text to fit: the one helper for every limit (Telegram's, a button's, an echo's).

A cut is always marked with "…", so a reader knows there was more.
"""

from __future__ import annotations

ELLIPSIS = "…"
ECHO_LENGTH = 60  # what of a shopper's or admin's own words a reply quotes back


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and "…" (`limit` in all)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def echo(text: str) -> str:
    """Someone's own words quoted back in a reply ("Nothing found for “…”"): on one line and
    clipped, so a 4,000-character message is not sent back whole."""
    return clip(" ".join(text.split()), ECHO_LENGTH)
