"""Which update the current transactions belong to, so its first change also marks it applied.

Set by the update processor (bot.inbox) around each update's handlers; read by the unit of
work when it commits. A context variable, so concurrent updates never see each other's.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Handling:
    update_id: int
    applied: bool = False
    """A change made while handling this update is committed (now, or in an earlier try)."""
    replay: bool = False
    """This is a later try of an update whose change was made: answer, do not change again."""
    error: str | None = None
    """Set by the error handler: the update is marked failed instead of done."""


current: ContextVar[Handling | None] = ContextVar("handling", default=None)


def being_handled() -> int | None:
    """The update whose handlers run now, if any."""
    found = current.get()
    return None if found is None else found.update_id
