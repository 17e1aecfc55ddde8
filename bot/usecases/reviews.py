"""Written reviews and the admins: each new or changed one is sent to them (the paced alert
path) with 🙈 Hide; an admin hides one from its product's card, or shows it again."""

from __future__ import annotations

from functools import partial

from bot.services import reviews
from bot.services.reviews import Written
from bot.shop import Shop
from bot.store.repositories.reviews import Review
from bot.texts.reviews import moderation, review_alert


async def announce(shop: Shop, written: Written) -> int:
    """The admins hear of her words, with the button to hide them; how many heard."""
    review = written.review
    return await shop.alert_admins(
        partial(review_alert, review=review, new=written.new),
        partial(moderation, review=review),
    )


async def hide(
    shop: Shop, customer_id: int, product_id: int, hidden: bool
) -> tuple[Review | None, bool]:
    """An admin's 🙈 Hide (or 👁 Show): the review as it is now, and whether this press
    moved it; None if she has taken her words away."""
    async with shop.store.uow() as uow:
        return await reviews.hide(uow, customer_id, product_id, hidden)
