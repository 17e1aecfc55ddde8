"""A note for the shop: plain text kept as typed, minus what cannot be shown; too long or
empty is refused with a sentence saying what to send."""

from __future__ import annotations

import pytest

from bot.services.errors import NoteRefused
from bot.services.notes import NOTE_MAX, clean_note


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Leave it with the neighbour", "Leave it with the neighbour"),
        ("  two   spaces\tand a tab  ", "two spaces and a tab"),
        ("Gift!\n\n\nFrom Sam 🎁", "Gift!\nFrom Sam 🎁"),
        ("bell\x07 null\x00 rtl\u202e zero\u200bwidth", "bell null rtl zerowidth"),
        ("<b>not bold</b> & co", "<b>not bold</b> & co"),  # kept as text; views escape it
        ("é" * NOTE_MAX, "é" * NOTE_MAX),
    ],
)
def test_a_note_is_kept_as_plain_text(typed: str, kept: str) -> None:
    assert clean_note(typed) == kept


def test_too_long_or_empty_notes_are_refused_clearly() -> None:
    with pytest.raises(NoteRefused, match="201 characters long; please keep it to 200"):
        clean_note("x" * 201)
    for empty in ("", "   ", "\u200b\x07\n"):
        with pytest.raises(NoteRefused, match="That note is empty"):
            clean_note(empty)
