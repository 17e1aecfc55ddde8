"""A note for the shop (delivery instructions, a gift message): plain text, one rule for
what is kept. Control and formatting characters (bidi overrides, zero-width marks) are
dropped, line breaks kept, spaces squeezed; then it must be 1 to NOTE_MAX characters."""

from __future__ import annotations

import re
import unicodedata

from bot.services.errors import NoteRefused

NOTE_MAX = 200
_SPACES = re.compile(r"[ \t]+")


def clean_note(text: str) -> str:
    """The note as it is kept, or NoteRefused saying what to send instead."""
    kept = "".join(
        " " if ch == "\t" else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    lines = [_SPACES.sub(" ", line).strip() for line in kept.splitlines()]
    note = "\n".join(line for line in lines if line)
    if not note:
        raise NoteRefused("That note is empty. Type a few words for the shop, or go back.")
    if len(note) > NOTE_MAX:
        raise NoteRefused(
            f"That note is {len(note)} characters long; please keep it to {NOTE_MAX}."
        )
    return note
