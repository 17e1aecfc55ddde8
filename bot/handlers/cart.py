"""/cart and the cart's buttons, checkout (promo code, note) and the hand-over to payment."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callback_data import (
    AddOne,
    AskNote,
    AskPromoCode,
    ChangeSlot,
    Checkout,
    ChooseSlot,
    ClearCart,
    Pay,
    RemoveGiftCard,
    RemoveLine,
    RemoveNote,
    RemovePromoCode,
    ShowCart,
    TakeOne,
)
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper, Shown
from bot.conversation.screens import (
    InvoiceScreen,
    InvoiceSentScreen,
    PaidByCardScreen,
    PaymentRefusedScreen,
    Screen,
)
from bot.handlers.language import speak_chosen
from bot.handlers.payments import paid_by_card
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.services.errors import GiftCardRefused
from bot.texts import checkout as checkout_texts
from bot.usecases import gift_cards
from bot.views import payments as payment_views
from bot.views.display import present
from bot.views.replies import answer_button, say


async def cart_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.show_cart(context.shop, who))


async def on_cart(update: Update, context: ShopContext, who: Shopper, data: ShowCart) -> Screen:
    return await journey.show_cart(context.shop, who)


async def on_plus(update: Update, context: ShopContext, who: Shopper, data: AddOne) -> Screen:
    return await journey.change_line(context.shop, who, data.product_id, +1, data.variant_id)


async def on_minus(update: Update, context: ShopContext, who: Shopper, data: TakeOne) -> Screen:
    return await journey.change_line(context.shop, who, data.product_id, -1, data.variant_id)


async def on_remove(update: Update, context: ShopContext, who: Shopper, data: RemoveLine) -> Screen:
    return await journey.remove_line(context.shop, who, data.product_id, data.variant_id)


async def on_clear(update: Update, context: ShopContext, who: Shopper, data: ClearCart) -> Screen:
    return await journey.clear_cart(context.shop, who)


async def on_checkout(update: Update, context: ShopContext, who: Shopper, data: Checkout) -> Screen:
    return await journey.checkout(context.shop, who)


async def on_ask_code(
    update: Update, context: ShopContext, who: Shopper, data: AskPromoCode
) -> Screen:
    return await journey.ask_code(context.shop, who)


async def on_remove_code(
    update: Update, context: ShopContext, who: Shopper, data: RemovePromoCode
) -> Screen:
    return await journey.remove_code(context.shop, who)


async def on_remove_card(
    update: Update, context: ShopContext, who: Shopper, data: RemoveGiftCard
) -> Screen:
    return await journey.remove_card(context.shop, who)


async def giftcard_command(update: Update, context: ShopContext) -> None:
    """/giftcard CODE: what is left on the card (the code masked in the answer)."""
    if (who := shopper_of(update)) is None:
        return
    tr = await speak_chosen(update, context)
    typed = " ".join(context.args or [])
    try:
        said = checkout_texts.card_balance(tr, await gift_cards.balance(context.shop, typed))
    except GiftCardRefused as refused:
        said = refused.said(tr) if typed else tr._(checkout_texts.CARD_USAGE)
    await say(context, who.chat_id, said)


async def on_ask_note(update: Update, context: ShopContext, who: Shopper, data: AskNote) -> Screen:
    return await journey.ask_note(context.shop, who)


async def on_remove_note(
    update: Update, context: ShopContext, who: Shopper, data: RemoveNote
) -> Screen:
    return await journey.remove_note(context.shop, who)


async def on_choose_slot(
    update: Update, context: ShopContext, who: Shopper, data: ChooseSlot
) -> Screen:
    return await journey.choose_slot(context.shop, who, data.chosen())


async def on_change_slot(
    update: Update, context: ShopContext, who: Shopper, data: ChangeSlot
) -> Screen:
    return await journey.change_slot(context.shop, who)


async def on_pay(update: Update, context: ShopContext, who: Shopper, data: Pay) -> Screen | None:
    """Verify once more, hold the stock, send the invoice; the button spins until it is out.
    Only the cart the summary showed is paid (a button from before it said: shown again)."""
    shown = Shown(data.cart, data.total, data.paid) if data.cart else Shown(0)
    screen = await journey.pay(context.shop, who, shown)
    if isinstance(screen, InvoiceScreen):
        message_id = await payment_views.send_invoice(context, who.chat_id, screen)
        screen = await journey.invoice_sent(context.shop, who, screen, message_id)
    if isinstance(screen, PaidByCardScreen):  # no invoice: the card pays it
        await answer_button(update)
        await payment_views.retire_invoices(context, who.chat_id, screen.replaced_invoices)
        await paid_by_card(context.shop, who, screen)
        return None
    if isinstance(screen, InvoiceSentScreen | PaymentRefusedScreen):
        await payment_views.show_payment_step(update, context, who.chat_id, screen)
        return None
    return screen  # something changed, or nothing to pay: shown instead of the summary


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("cart", cart_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("giftcard", giftcard_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        button_handler(
            Route(ShowCart, on_cart),
            Route(AddOne, on_plus),
            Route(TakeOne, on_minus),
            Route(RemoveLine, on_remove),
            Route(ClearCart, on_clear),
            Route(Checkout, on_checkout),
            Route(Pay, on_pay),
            Route(AskPromoCode, on_ask_code),
            Route(RemovePromoCode, on_remove_code),
            Route(RemoveGiftCard, on_remove_card),
            Route(AskNote, on_ask_note),
            Route(RemoveNote, on_remove_note),
            Route(ChooseSlot, on_choose_slot),
            Route(ChangeSlot, on_change_slot),
        )
    )
