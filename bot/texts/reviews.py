"""The words of written reviews: the buttons that ask for them, the prompt, the thanks, a
product's page of them, and the admins' alert with 🙈 Hide."""

from __future__ import annotations

from bot.callback_data import HideReview
from bot.i18n import N_, Translator
from bot.notifier import Buttons
from bot.store.repositories.reviews import Review

ADD = N_("✍️ Add a few words")
CHANGE = N_("✍️ Change my words")
DELETE = N_("🗑 Delete my words")
ADD_ABOUT = N_("✍️ Add a few words about {title}")  # on the order, after her stars
CHANGE_ABOUT = N_("✍️ Change my words about {title}")
PROMPT = N_(
    "What would you tell others about {title}? Send a few words ({least}-{most} characters, "
    "plain text). Send /cancel to leave it."
)
NOW = N_("Your words now:")
KEPT = N_("Thank you! Your words about {title} are on its card.")
KEPT_HIDDEN = N_("Your words about {title} are kept.")
DELETED = N_("Your words about {title} are deleted.")
REVIEWS = N_("💬 Reviews ({count})")
HEAD = N_("💬 Reviews of {title}")
NONE = N_("No reviews of {title} yet.")
NEWER = N_("◀ Newer")
OLDER = N_("Older ▶")
BACK = N_("⬅ Back to {title}")
# A ◀ ▶ button whose page is gone (the review it starts from taken away or hidden), or forged.
RESTARTED = N_("Those reviews have changed since: here are the newest.")

# The admins' alert (plain text) and its buttons.
NEW = N_("💬 New review of {title} by {name} ({stars}):")
CHANGED = N_("💬 Changed review of {title} by {name} ({stars}):")
REVIEW = N_("💬 Review of {title} by {name} ({stars}):")
HIDE = N_("🙈 Hide")
SHOW = N_("👁 Show")
HIDDEN_NOW = N_("🙈 Hidden: the card no longer lists it (her stars still count).")
SHOWN_NOW = N_("👁 Shown: the card lists it.")
ALREADY_HIDDEN = N_("That review is hidden already.")
ALREADY_SHOWN = N_("That review is shown already.")
NO_WORDS = N_("She has taken those words away: nothing to hide.")


def review_alert(tr: Translator, review: Review, new: bool | None = None) -> str:
    """The admins' plain-text alert of her words: `new` ones, changed ones (False), or
    (None) as they stand once an admin pressed 🙈 or 👁, saying so; hidden ones (changed
    after a hide) say so too."""
    head = tr._(
        REVIEW if new is None else NEW if new else CHANGED,
        title=tr.name(review.title, review.translations),
        name=review.first_name or "…",
        stars="★" * review.stars,
    )
    text = f"{head}\n{review.words}"
    if new is None or review.hidden:
        text += "\n\n" + tr._(HIDDEN_NOW if review.hidden else SHOWN_NOW)
    return text


def moderation(tr: Translator, review: Review) -> Buttons:
    """🙈 Hide under a listed review, 👁 Show under a hidden one."""
    hiding = HideReview(review.customer_id, review.product_id, int(not review.hidden))
    return (((tr._(SHOW if review.hidden else HIDE), hiding),),)
