"""Small wording helpers for messages people read."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 order', '3 orders'; irregular forms are given: plural(2, "unit is", "units are")."""
    word = singular if count == 1 else plural_form or singular + "s"
    return f"{count} {word}"
