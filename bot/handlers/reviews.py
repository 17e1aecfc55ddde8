"""Written reviews, the shopper's side: ✍️ her few words about a product she rated (the
words themselves arrive as text, bot.handlers.text), 🗑 taking them away, 💬 a product's
reviews from its card; and the admins hear of words just kept."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import DeleteReview, ShowReviews, WriteReview
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import OrderScreen, Screen
from bot.handlers.shopper import Route, button_handler
from bot.usecases import reviews


async def on_write(update: Update, context: ShopContext, who: Shopper, data: WriteReview) -> Screen:
    return await journey.ask_review(context.shop, who, data.order_id, data.product_id, data.page)


async def on_delete(
    update: Update, context: ShopContext, who: Shopper, data: DeleteReview
) -> Screen:
    return await journey.delete_review(context.shop, who, data.order_id, data.product_id, data.page)


async def on_reviews(
    update: Update, context: ShopContext, who: Shopper, data: ShowReviews
) -> Screen:
    return await journey.product_reviews(
        context.shop,
        who,
        data.product_id,
        data.page,
        data.variant_id,
        after_id=data.after_id,
        before_id=data.before_id,
    )


async def announce_review(context: ShopContext, screen: Screen) -> None:
    """After her order is shown, thanking her: the admins hear of the words she kept."""
    if isinstance(screen, OrderScreen) and screen.reviewed is not None:
        await reviews.announce(context.shop, screen.reviewed)


def register(app: AnyApplication) -> None:
    app.add_handler(
        button_handler(
            Route(WriteReview, on_write),
            Route(DeleteReview, on_delete),
            Route(ShowReviews, on_reviews),
        )
    )
