"""/cart and the cart's buttons, checkout and the hand-over to payment."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, filters

from bot.callback_data import AddOne, Checkout, ClearCart, Pay, RemoveLine, ShowCart, TakeOne
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import CheckoutScreen, Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.payments.checkout import start_payment
from bot.views.display import present


async def cart_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.show_cart(context.shop, who))


async def on_cart(update: Update, context: ShopContext, who: Shopper, data: ShowCart) -> Screen:
    return await journey.show_cart(context.shop, who)


async def on_plus(update: Update, context: ShopContext, who: Shopper, data: AddOne) -> Screen:
    return await journey.change_line(context.shop, who, data.product_id, +1)


async def on_minus(update: Update, context: ShopContext, who: Shopper, data: TakeOne) -> Screen:
    return await journey.change_line(context.shop, who, data.product_id, -1)


async def on_remove(update: Update, context: ShopContext, who: Shopper, data: RemoveLine) -> Screen:
    return await journey.remove_line(context.shop, who, data.product_id)


async def on_clear(update: Update, context: ShopContext, who: Shopper, data: ClearCart) -> Screen:
    return await journey.clear_cart(context.shop, who)


async def on_checkout(update: Update, context: ShopContext, who: Shopper, data: Checkout) -> Screen:
    return await journey.checkout(context.shop, who)


async def on_pay(update: Update, context: ShopContext, who: Shopper, data: Pay) -> Screen | None:
    """Verify once more, then hand over to payments; the chat waits only if an invoice went out.

    The button is answered last, so its spinner turns until the invoice is in the chat.
    """
    screen = await journey.prepare_payment(context.shop, who)
    if not isinstance(screen, CheckoutScreen) or not screen.proceed:
        return screen  # something changed, or nothing to pay: show it instead
    sent = False
    try:
        sent = await start_payment(update, context)
        if sent:
            await journey.payment_started(context.shop, who, screen.review)
    finally:
        if update.callback_query:
            with contextlib.suppress(BadRequest):
                await update.callback_query.answer("Invoice sent below." if sent else None)
    return None


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("cart", cart_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        button_handler(
            Route(ShowCart, on_cart),
            Route(AddOne, on_plus),
            Route(TakeOne, on_minus),
            Route(RemoveLine, on_remove),
            Route(ClearCart, on_clear),
            Route(Checkout, on_checkout),
            Route(Pay, on_pay),
        )
    )
