"""Every text of /settings (what the shopper can choose about the shop's messages)."""

from __future__ import annotations

from bot.i18n import N_

TITLE = N_("⚙️ Settings")
REMINDERS_ON = N_(
    "🔔 Cart reminders are on: if you leave items in your cart, I'll remind you once."
)
REMINDERS_OFF = N_("🔕 Cart reminders are off.")
REMINDERS_NOT_USED = N_("This shop sends no cart reminders.")
TURN_OFF = N_("🔕 Turn cart reminders off")
TURN_ON = N_("🔔 Turn cart reminders on")
TURNED_ON = N_("Cart reminders are on.")
TURNED_OFF = N_("Cart reminders are off. You can turn them back on here in /settings.")
