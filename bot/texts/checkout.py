"""What the order summary says about promo codes and the note for the shop."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.services.gift_cards import GiftCardBalance

PROMO_BUTTON = N_("🏷 Promo code")
PROMO_REMOVE = N_("✖ Remove code {code}")
NOTE_BUTTON = N_("📝 Note for the shop")
NOTE_EDIT = N_("📝 Change note")
NOTE_REMOVE = N_("✖ Remove note")
BACK_TO_SUMMARY = N_("⬅ Back to the summary")

PROMO_PROMPT = N_("🏷 Type your promo code (for example WELCOME10) or gift card code.")
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

CARD_REMOVE = N_("✖ Remove gift card")
PAY_BY_CARD = N_("🎁 Pay with the gift card")
CARD_APPLIED = N_("Gift card {code} applied: −{amount} ({left} left on the card).")
CARD_REMOVED = N_("Gift card {code} removed.")
CARD_LINE = N_("Gift card {code}: −{amount} ({left} left on the card)")
NO_CODE_OR_CARD = N_("There is no promo code or gift card {code}. Check the spelling?")
CARD_BALANCE = N_("Gift card {code}: {balance} of {initial} left.")
CARD_BALANCE_VOID = N_("Gift card {code} was cancelled with the order that bought it.")
CARD_BALANCE_VOID_REWARD = N_(
    "Gift card {code} was cancelled: the order that earned it as a reward was refunded."
)
CARD_USAGE = N_(
    "Send /giftcard and the code, for example /giftcard ABCD-EFGH-IJKL, to see what is left "
    "on it. To spend it, type it at 🏷 Promo code on your order summary."
)


def card_balance(tr: Translator, card: GiftCardBalance) -> str:
    """/giftcard's answer: "Gift card ABCD-…-IJKL: ⭐ 40 of ⭐ 100 left." (never whose)."""
    if card.void:
        return tr._(CARD_BALANCE_VOID if card.bought else CARD_BALANCE_VOID_REWARD, code=card.shown)
    return tr._(
        CARD_BALANCE,
        code=card.shown,
        balance=tr.money(card.balance, card.currency),
        initial=tr.money(card.initial, card.currency),
    )
