"""A parcel's tracking number: the one rule for what an admin may type (at Ship, and when she
corrects it later), and the carrier's page a shopper taps to follow the parcel (TRACKING_URL)."""

from __future__ import annotations

from urllib.parse import quote

from bot.i18n import N_
from bot.services.errors import OrderError

MAX_TRACKING = 128  # orders.tracking_number holds this many characters
NUMBER = "{number}"  # where TRACKING_URL takes the number


class BadTracking(OrderError):
    """A tracking number the admin typed that cannot be kept; the step asks again."""

    def __init__(self) -> None:
        super().__init__()
        self._words(
            N_("A tracking number is one line of text (up to {most} characters)."),
            most=MAX_TRACKING,
        )


def clean_tracking(text: str) -> str:
    """The number as kept (blanks around it left out), or BadTracking: one line of text of 1
    to MAX_TRACKING characters. Ship's tracking step and ✏️ Tracking number share it."""
    number = text.strip()
    if not number or len(number) > MAX_TRACKING or "\n" in number or "\r" in number:
        raise BadTracking()
    return number


def tracking_link(template: str, number: str | None) -> str | None:
    """The carrier's page for `number` (TRACKING_URL with the number URL-encoded in place of
    {number}); None without a template or a number, so no button is shown."""
    if not template or not number:
        return None
    return template.replace(NUMBER, quote(number, safe=""))
