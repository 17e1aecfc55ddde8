"""/orders: the shopper's order history, one order's lines, its digital items again, its
🧾 Invoice, ⭐ stars for what she bought, 🔁 Buy again, ✖️ Cancel order before it ships, and
↩️ Return items once it is delivered."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callback_data import (
    BuyAgain,
    CancelMyOrder,
    DownloadAgain,
    MyInvoice,
    MyOrder,
    MyOrders,
    RateProduct,
    ReturnItems,
)
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import EXPIRED, Shopper
from bot.conversation.screens import Screen
from bot.handlers.language import speak_chosen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.services.errors import DownloadUnavailable, NoInvoice
from bot.texts import invoices as texts
from bot.usecases import deliveries, invoices
from bot.usecases.returns import request_return_said
from bot.usecases.shopper_orders import cancel_own_order_said
from bot.views import invoice_pdf
from bot.views.display import present
from bot.views.replies import answer_button, say


async def orders_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.orders(context.shop, who))


async def on_orders(update: Update, context: ShopContext, who: Shopper, data: MyOrders) -> Screen:
    return await journey.orders(context.shop, who, data.page)


async def on_order(update: Update, context: ShopContext, who: Shopper, data: MyOrder) -> Screen:
    return await journey.order(context.shop, who, data.order_id, data.page)


async def on_buy_again(
    update: Update, context: ShopContext, who: Shopper, data: BuyAgain
) -> Screen:
    return await journey.buy_again(context.shop, who, data.order_id, data.page)


async def on_cancel(
    update: Update, context: ShopContext, who: Shopper, data: CancelMyOrder
) -> Screen:
    """✖️ Cancel order asks first (`sure` 0); then cancels, refunds and shows the order."""
    if not data.sure:
        return await journey.ask_cancel(context.shop, who, data.order_id, data.page)
    said = await cancel_own_order_said(context.shop, who.user_id, data.order_id)
    return await journey.cancelled(context.shop, who, data.order_id, data.page, said)


async def on_return(
    update: Update, context: ShopContext, who: Shopper, data: ReturnItems
) -> Screen:
    """↩️ Return items, one step a press; the last (`step` 3) sends the request to the shop."""
    if data.step < 3:
        return await journey.return_items(
            context.shop, who, data.order_id, data.mask, data.reason, data.step
        )
    said = await request_return_said(
        context.shop, who.user_id, data.order_id, data.mask, data.reason
    )
    return await journey.return_sent(context.shop, who, data.order_id, 0, said)


async def on_rate(update: Update, context: ShopContext, who: Shopper, data: RateProduct) -> Screen:
    return await journey.rate(
        context.shop, who, data.order_id, data.product_id, data.stars, data.page
    )


async def on_download(
    update: Update, context: ShopContext, who: Shopper, data: DownloadAgain
) -> Screen | None:
    """⬇️ on an order: send that digital line again (only the presser's own paid order)."""
    try:
        item = await deliveries.find(context.shop, who.user_id, data.order_id, data.line_id)
    except DownloadUnavailable:
        return await journey.current(context.shop, who, EXPIRED)
    tr = await speak_chosen(update, context)  # no visit read her /language choice
    await answer_button(update, tr._("Sending {title}…", title=item.name(tr)))
    if not await deliveries.send(context.shop, who.chat_id, item, tr):
        sorry = tr._(
            "Sorry, I could not send {title} just now. Please try again in a while.",
            title=item.name(tr),
        )
        await say(context, who.chat_id, sorry)
    return None


async def on_invoice(
    update: Update, context: ShopContext, who: Shopper, data: MyInvoice
) -> Screen | None:
    """🧾 Invoice on her paid order: its PDF (the same number every time); a press on an
    order that has none (not hers, unpaid, forged) is told why."""
    tr = await speak_chosen(update, context)
    try:
        document = await invoices.invoice(context.shop, data.order_id, who.user_id)
    except NoInvoice as exc:
        await answer_button(update, exc.said(tr))
        await say(context, who.chat_id, exc.said(tr))
        return None
    await answer_button(update, tr._(texts.SENDING, number=document.number))
    zone = context.shop.settings.zone
    if not await invoice_pdf.send(context.bot, who.chat_id, document, zone):
        await say(context, who.chat_id, tr._(texts.SEND_FAILED))
    return None


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("orders", orders_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        button_handler(
            Route(MyOrders, on_orders),
            Route(MyOrder, on_order),
            Route(BuyAgain, on_buy_again),
            Route(CancelMyOrder, on_cancel),
            Route(RateProduct, on_rate),
            Route(ReturnItems, on_return),
            Route(DownloadAgain, on_download),
            Route(MyInvoice, on_invoice),
        )
    )
