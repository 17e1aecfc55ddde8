"""The shop's front: /start (with deep links), /help, /shop, /catalog, /search, /cancel, and the
buttons for browsing and viewing products. Thin: parse, one journey call, present."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.callback_data import (
    AddToCart,
    Back,
    Home,
    Noop,
    SearchHint,
    ShowCategories,
    ShowCategory,
    ShowHelp,
    ShowProduct,
    ShowSearchPage,
)
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.views import payments as payment_views
from bot.views import sharing
from bot.views.display import present

PRIVATE = filters.ChatType.PRIVATE


async def start(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        payload = context.args[0] if context.args else ""
        await present(update, context, await journey.start(context.shop, who, payload))


async def pasted_link(update: Update, context: ShopContext) -> None:
    """A link to this bot sent as a message (or a product card shared through inline mode):
    what the link would do, as if it had been tapped."""
    message, who = update.effective_message, shopper_of(update)
    if message is not None and who is not None:
        payload = sharing.link_in(message, context.bot.username) or ""
        await present(update, context, await journey.start(context.shop, who, payload))


class _LinkToThisBot(filters.MessageFilter):
    """A message that is only a link to this bot, or a card posted through its inline mode."""

    def filter(self, message: Message) -> bool:
        return sharing.link_in(message, message.get_bot().username) is not None


async def help_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.help_screen(context.shop, who))


async def shop_command(update: Update, context: ShopContext) -> None:
    """/shop: a button that opens the storefront page on the same cart."""
    if who := shopper_of(update):
        await present(update, context, await journey.storefront(context.shop, who))


async def catalog_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.categories(context.shop, who))


async def search_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        query = " ".join(context.args or [])
        await present(update, context, await journey.search(context.shop, who, query))


async def cancel_command(update: Update, context: ShopContext) -> None:
    """Back to the menu; an open invoice is cancelled and taken out of the chat."""
    if who := shopper_of(update):
        screen = await journey.cancel(context.shop, who)
        await payment_views.retire_invoices(context, who.chat_id, screen.cancelled_invoices)
        await present(update, context, screen)


# ---- buttons


async def on_home(update: Update, context: ShopContext, who: Shopper, data: Home) -> Screen:
    return await journey.menu(context.shop, who)


async def on_help(update: Update, context: ShopContext, who: Shopper, data: ShowHelp) -> Screen:
    return await journey.help_screen(context.shop, who)


async def on_find(update: Update, context: ShopContext, who: Shopper, data: SearchHint) -> Screen:
    return await journey.search_hint(context.shop, who)


async def on_categories(
    update: Update, context: ShopContext, who: Shopper, data: ShowCategories
) -> Screen:
    return await journey.categories(
        context.shop, who, data.page, order=data.order, in_stock=data.in_stock
    )


async def on_category(
    update: Update, context: ShopContext, who: Shopper, data: ShowCategory
) -> Screen:
    return await journey.category(
        context.shop,
        who,
        data.category_id,
        data.page,
        data.categories_page,
        order=data.order,
        in_stock=data.in_stock,
    )


async def on_search_page(
    update: Update, context: ShopContext, who: Shopper, data: ShowSearchPage
) -> Screen:
    return await journey.search_page(context.shop, who, data.page)


async def on_product(
    update: Update, context: ShopContext, who: Shopper, data: ShowProduct
) -> Screen:
    return await journey.view(
        context.shop, who, data.product_id, data.quantity, data.variant_id, data.photo
    )


async def on_add(update: Update, context: ShopContext, who: Shopper, data: AddToCart) -> Screen:
    return await journey.add(context.shop, who, data.product_id, data.quantity, data.variant_id)


async def on_back(update: Update, context: ShopContext, who: Shopper, data: Back) -> Screen:
    return await journey.back(context.shop, who)


async def on_noop(update: Update, context: ShopContext, who: Shopper, data: Noop) -> Screen | None:
    """A label-only button (page number, quantity): nothing to do, but stop the spinner."""
    if update.callback_query:
        await update.callback_query.answer()
    return None


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("start", start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    app.add_handler(CommandHandler("catalog", catalog_command, filters=PRIVATE))
    app.add_handler(CommandHandler("shop", shop_command, filters=PRIVATE))
    app.add_handler(CommandHandler("search", search_command, filters=PRIVATE))
    app.add_handler(CommandHandler("cancel", cancel_command, filters=PRIVATE))
    app.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & _LinkToThisBot(), pasted_link)
    )
    app.add_handler(
        button_handler(
            Route(Home, on_home),
            Route(ShowHelp, on_help),
            Route(SearchHint, on_find),
            Route(ShowCategories, on_categories),
            Route(ShowCategory, on_category),
            Route(ShowSearchPage, on_search_page),
            Route(ShowProduct, on_product),
            Route(AddToCart, on_add),
            Route(Back, on_back),
            Route(Noop, on_noop),
        )
    )
