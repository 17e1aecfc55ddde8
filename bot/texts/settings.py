"""Every text of /settings (what the shopper can choose about the shop's messages)."""

from __future__ import annotations

TITLE = "⚙️ Settings"
REMINDERS_ON = "🔔 Cart reminders are on: if you leave items in your cart, I'll remind you once."
REMINDERS_OFF = "🔕 Cart reminders are off."
REMINDERS_NOT_USED = "This shop sends no cart reminders."
TURN_OFF = "🔕 Turn cart reminders off"
TURN_ON = "🔔 Turn cart reminders on"
TURNED_ON = "Cart reminders are on."
TURNED_OFF = "Cart reminders are off. You can turn them back on here in /settings."
