"""A note for the shop (delivery instructions, a gift message): plain text, one rule for
what is kept. Control and formatting characters (bidi overrides, zero-width marks) are
dropped, line breaks kept, spaces squeezed; then it must be 1 to NOTE_MAX characters."""

from __future__ import annotations

import re
import unicodedata

from bot import i18n
from bot.services.errors import NoteRefused

NOTE_MAX = 200
_SPACES = re.compile(r"[ \t]+")


def plain_words(text: str) -> str:
    """Free text a shopper typed for others to read, as it is kept: control and formatting
    characters dropped, line breaks kept (empty lines dropped), spaces squeezed. The one rule
    for her note for the shop and her review of a product."""
    kept = "".join(
        " " if ch == "\t" else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    lines = [_SPACES.sub(" ", line).strip() for line in kept.splitlines()]
    return "\n".join(line for line in lines if line)


def clean_note(text: str) -> str:
    """The note as it is kept, or NoteRefused saying what to send instead."""
    note = plain_words(text)
    if not note:
        raise NoteRefused(
            i18n.current()._("That note is empty. Type a few words for the shop, or go back.")
        )
    if len(note) > NOTE_MAX:
        raise NoteRefused(
            i18n.current()._(
                "That note is {count} characters long; please keep it to {most}.",
                count=len(note),
                most=NOTE_MAX,
            )
        )
    return note
