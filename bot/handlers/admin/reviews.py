"""🙈 Hide / 👁 Show under the admins' alert of a shopper's review."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import HideReview, button
from bot.context import ShopContext
from bot.texts import reviews as texts
from bot.usecases import reviews
from bot.views.admin import show
from bot.views.replies import answer_button


async def on_hide(update: Update, context: ShopContext, data: HideReview) -> None:
    """Hide the review from its card (or show it), then the alert says where it stands; a
    doubled or stale press changes nothing and says so."""
    hidden = bool(data.hide)
    review, moved = await reviews.hide(context.shop, data.customer_id, data.product_id, hidden)
    tr = i18n.current()
    if review is None:
        await answer_button(update, tr._(texts.NO_WORDS))
        return
    if moved:
        said = texts.HIDDEN_NOW if review.hidden else texts.SHOWN_NOW
    else:
        said = texts.ALREADY_HIDDEN if review.hidden else texts.ALREADY_SHOWN
    rows = [
        [button(label, action) for label, action in row] for row in texts.moderation(tr, review)
    ]
    await show(update, texts.review_alert(tr, review), rows)  # first: answered once shown
    await answer_button(update, tr._(said))
