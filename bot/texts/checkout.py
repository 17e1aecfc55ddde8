"""What the order summary says about promo codes and the note for the shop."""

from __future__ import annotations

PROMO_BUTTON = "🏷 Promo code"
PROMO_REMOVE = "✖ Remove code {code}"
NOTE_BUTTON = "📝 Note for the shop"
NOTE_EDIT = "📝 Change note"
NOTE_REMOVE = "✖ Remove note"
BACK_TO_SUMMARY = "⬅ Back to the summary"

PROMO_PROMPT = "🏷 Type your promo code (for example WELCOME10)."
NOTE_PROMPT = (
    "📝 Type a short note for the shop: delivery instructions, a gift message "
    "(up to {limit} characters, plain text)."
)
NOTE_NOW = "Your note now: “{note}”"

PROMO_APPLIED = "Code {code} applied: {label} (−{amount})."
PROMO_SAVED = "🏷 Code {code} is saved: {label}. It comes off at checkout."
PROMO_REMOVED = "Code {code} removed."
NOTE_KEPT = "Your note is added to the order."
NOTE_REMOVED = "Note removed."
