"""Every text shoppers read of the shop's answers to common questions (/faq)."""

from __future__ import annotations

from bot.i18n import N_

LIST_HEAD = N_("ℹ️ Questions we are often asked. Tap one to read the answer.")
NONE_YET = N_(
    "ℹ️ The shop has no answers to common questions yet. Ask the shop with /support: "
    "a person will reply here."
)
FOUND_HEAD = N_("This may help:")
NO_ANSWER = N_("I couldn't find an answer to that. 💬 Ask the shop: a person will reply here.")
ASK = N_("💬 Ask the shop")
ALL = N_("ℹ️ All questions")
MENU_BUTTON = N_("ℹ️ Questions")
BACK = N_("⬅ Back")
QUESTION_WIDTH = 60  # a question's start on its button
