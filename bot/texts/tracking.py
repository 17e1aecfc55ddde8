"""📦 Track parcel: the button to the carrier's page (TRACKING_URL), the same words under the
shopper's shipped notice, her corrected-number notice and her order in /orders."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.notifier import Buttons, Link

TRACK_PARCEL = N_("📦 Track parcel")


def track_parcel(tr: Translator, url: str | None) -> Buttons:
    """The button, or none without a tracking page (bot.services.tracking.tracking_link)."""
    return (((tr._(TRACK_PARCEL), Link(url)),),) if url else ()
