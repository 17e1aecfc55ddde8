"""Whom a broadcast goes to, and when: the audiences an admin picks from and the rule for a
time to send it later.

An audience is a segment of customers (bot.store.repositories.customers: everyone, bought in
the last 90 days, never bought, has items in the cart) or the shoppers who read one of our
languages. Who reads which is bot.i18n.choose (their /language choice, else Telegram's
language, else DEFAULT_LANGUAGE): a rule of three fallbacks and a prefix match that SQL would
have to copy, so the database counts customers by (choice, Telegram language), a few hundred
groups at most, and `choose` sums them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo

from bot import i18n
from bot.clipping import echo
from bot.i18n import LANGUAGES, N_
from bot.services.promos import parse_day
from bot.store.repositories.customers import (
    BOUGHT_LATELY,
    EVERYONE,
    IN_CART,
    NEVER_BOUGHT,
    SEGMENTS,
)

AUDIENCES: dict[str, str] = {  # key (in the row and the button) -> its name
    EVERYONE: N_("👥 Everyone"),
    BOUGHT_LATELY: N_("🛍 Bought in the last 90 days"),
    NEVER_BOUGHT: N_("🆕 Never bought"),
    IN_CART: N_("🛒 Has items in the cart"),
    "ru": N_("🌐 Reads Russian"),
    "es": N_("🌐 Reads Spanish"),
    "en": N_("🌐 Reads English"),
}
assert set(AUDIENCES) == {*SEGMENTS, *LANGUAGES}

MOST_AHEAD = timedelta(days=30)
WHEN_FORMAT = "2026-12-05 09:00"  # how the admin writes a time, as the prompt shows it


class PlanRefused(ValueError):
    """A time or audience that cannot be used; the message says what to send instead."""


def is_language(audience: str) -> bool:
    return audience in LANGUAGES


def segment_of(audience: str) -> str:
    """The customers' segment an audience is drawn from (a language's: everyone)."""
    return EVERYONE if is_language(audience) else audience


def reads(language: str, chosen: str | None, telegram: str | None, default: str) -> bool:
    """Whether a shopper reads `language`, by the one rule for it (bot.i18n.choose)."""
    return i18n.choose(chosen, telegram, default) == language


def by_language(
    groups: Iterable[tuple[str | None, str | None, int]], default: str
) -> dict[str, int]:
    """Counts by (choice, Telegram language) summed by the language each group reads."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for chosen, telegram, count in groups:
        counts[i18n.choose(chosen, telegram, default)] += count
    return counts


def send_at(text: str, zone: tzinfo, now: datetime) -> datetime:
    """ "2026-12-05 09:00" on the shop's clock (`zone`: SHOP_TIMEZONE) as a moment (UTC);
    PlanRefused for anything else, a time past, or one more than 30 days ahead."""
    tr = i18n.current()
    day_text, _, clock_text = " ".join(text.split()).partition(" ")
    day = parse_day(day_text)
    try:
        clock = datetime.strptime(clock_text, "%H:%M").time()
    except ValueError:
        clock = None
    if day is None or clock is None:
        raise PlanRefused(
            tr._(
                "“{text}” is not a time like {example} (the shop's clock).",
                text=echo(text),
                example=WHEN_FORMAT,
            )
        )
    moment = datetime.combine(day, time(clock.hour, clock.minute), tzinfo=zone).astimezone(UTC)
    if moment <= now:
        raise PlanRefused(tr._("That time has passed. Send a time still to come."))
    if moment > now + MOST_AHEAD:
        raise PlanRefused(
            tr._("That is more than {days} days ahead. Send an earlier time.", days=MOST_AHEAD.days)
        )
    return moment
