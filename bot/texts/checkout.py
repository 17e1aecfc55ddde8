"""What the order summary says about promo codes and the note for the shop."""

from __future__ import annotations

from bot.i18n import N_

PROMO_BUTTON = N_("🏷 Promo code")
PROMO_REMOVE = N_("✖ Remove code {code}")
NOTE_BUTTON = N_("📝 Note for the shop")
NOTE_EDIT = N_("📝 Change note")
NOTE_REMOVE = N_("✖ Remove note")
BACK_TO_SUMMARY = N_("⬅ Back to the summary")

PROMO_PROMPT = N_("🏷 Type your promo code (for example WELCOME10).")
NOTE_PROMPT = N_(
    "📝 Type a short note for the shop: delivery instructions, a gift message "
    "(up to {limit} characters, plain text)."
)
NOTE_NOW = N_("Your note now: “{note}”")

PROMO_APPLIED = N_("Code {code} applied: {label} (−{amount}).")
PROMO_SAVED = N_("🏷 Code {code} is saved: {label}. It comes off at checkout.")
PROMO_REMOVED = N_("Code {code} removed.")
NOTE_KEPT = N_("Your note is added to the order.")
NOTE_REMOVED = N_("Note removed.")
