"""A throwaway python-telegram-bot Application wired to the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    ShippingOption,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    ShippingQueryHandler,
    filters,
)

from bot.money import telegram_maximum
from bot.standin import BotApiStandIn

Context = ContextTypes.DEFAULT_TYPE
PAYLOAD = "order-42"
PRICES = [LabeledPrice("Mug", 1200), LabeledPrice("Tax", 100)]


def menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Add mug", callback_data="add:mug")],
            [
                InlineKeyboardButton("Same again", callback_data="same"),
                InlineKeyboardButton("Website", url="https://example.com"),
            ],
        ]
    )


async def start(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "Welcome to the <b>shop</b>!", parse_mode="HTML", reply_markup=menu()
    )


async def echo(update: Update, context: Context) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def on_add(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Added to cart")
    await query.edit_message_text(
        "Mug added",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Undo", callback_data="undo")]]),
    )


async def on_same(update: Update, context: Context) -> None:
    """Edits to identical content, as a double tap does; reports the error it gets."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    try:
        await query.edit_message_text(
            "Welcome to the <b>shop</b>!", parse_mode="HTML", reply_markup=menu()
        )
    except BadRequest as exc:
        context.bot_data.setdefault("errors", []).append(exc)
        await context.bot.send_message(query.message.chat.id, f"edit failed: {exc.message}")


async def on_other_data(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"unknown action {query.data}", show_alert=True)


async def _shipped_invoice(
    update: Update, context: Context, title: str, prices: list[LabeledPrice], max_tip: int = 0
) -> None:
    """A card invoice for goods that ship, the shipping options asked for (`shipping`)."""
    assert update.effective_chat is not None
    await context.bot.send_invoice(
        update.effective_chat.id,
        title=title,
        description=f"A sturdy {title.lower()}",
        payload=PAYLOAD,
        provider_token="TEST:provider",
        currency="USD",
        prices=prices,
        need_shipping_address=True,
        is_flexible=True,
        max_tip_amount=max_tip,
    )


async def buy(update: Update, context: Context) -> None:
    await _shipped_invoice(update, context, "Blue mug", PRICES, max_tip=500)


async def buy_big(update: Update, context: Context) -> None:
    """An order just under Telegram's US$10,000 for one payment: express shipping (15.00)
    would take it past, standard (5.00) would not. The sloppy handlers below offer both."""
    machine = [LabeledPrice("Machine", telegram_maximum("USD") - 1000)]
    await _shipped_invoice(update, context, "Espresso machine", machine)


async def stars(update: Update, context: Context) -> None:
    assert update.effective_chat is not None
    await context.bot.send_invoice(
        update.effective_chat.id,
        "Wallpaper",
        "A digital wallpaper",
        "wall-1",
        "XTR",
        [LabeledPrice("Wallpaper", 50)],
    )


async def bad_invoice(update: Update, context: Context) -> None:
    """Tries invoices Telegram refuses and reports each error text."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    attempts = {
        "long payload": dict(payload="x" * 129, currency="USD", provider_token="T", prices=PRICES),
        "stars with two prices": dict(payload="p", currency="XTR", prices=PRICES),
        "stars with shipping": dict(
            payload="p", currency="XTR", prices=[LabeledPrice("A", 5)], need_shipping_address=True
        ),
        "stars with token": dict(
            payload="p", currency="XTR", provider_token="T", prices=[LabeledPrice("A", 5)]
        ),
        "usd without token": dict(payload="p", currency="USD", prices=PRICES),
    }
    lines = []
    for name, kwargs in attempts.items():
        try:
            await context.bot.send_invoice(chat_id, "Title", "Description", **kwargs)  # type: ignore[arg-type]
            lines.append(f"{name}: sent")
        except BadRequest as exc:
            lines.append(f"{name}: {exc.message}")
    await context.bot.send_message(chat_id, "\n".join(lines))


async def shipping(update: Update, context: Context) -> None:
    query = update.shipping_query
    assert query is not None
    if query.invoice_payload != PAYLOAD:
        await query.answer(ok=False, error_message="Unknown order")
    elif query.shipping_address.country_code != "US":
        await query.answer(ok=False, error_message="We only ship to the US")
    else:
        await query.answer(
            ok=True,
            shipping_options=[
                ShippingOption("std", "Standard", [LabeledPrice("Standard", 500)]),
                ShippingOption("exp", "Express", [LabeledPrice("Express", 1500)]),
            ],
        )


async def pre_checkout(update: Update, context: Context) -> None:
    query = update.pre_checkout_query
    assert query is not None
    expected = {PAYLOAD: ("USD", None), "wall-1": ("XTR", 50)}
    if query.invoice_payload not in expected:
        await query.answer(ok=False, error_message="Unknown order")
        return
    currency, total = expected[query.invoice_payload]
    if query.currency != currency or (total is not None and query.total_amount != total):
        await query.answer(ok=False, error_message="Price changed, please retry")
        return
    await query.answer(ok=True)


async def paid(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.successful_payment is not None
    payment = message.successful_payment
    await message.reply_text(
        f"Paid {payment.total_amount} {payment.currency}, "
        f"charge {payment.telegram_payment_charge_id}"
    )


async def on_document(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    file = await message.document.get_file()
    data = await file.download_as_bytearray()
    await message.reply_text(f"got {message.document.file_name}: {bytes(data).decode()}")


async def on_photo(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.photo
    await message.reply_photo(message.photo[-1].file_id, caption="Nice photo", reply_markup=menu())


async def on_error(update: object, context: Context) -> None:
    if isinstance(context.error, TelegramError):
        context.bot_data.setdefault("handler_errors", []).append(context.error)


def build_app(standin: BotApiStandIn) -> Application:
    app = (
        ApplicationBuilder()
        .token(standin.token)
        .base_url(standin.base_url)
        .base_file_url(standin.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("buy", buy))
    app.add_handler(CommandHandler("buybig", buy_big))
    app.add_handler(CommandHandler("stars", stars))
    app.add_handler(CommandHandler("badinvoice", bad_invoice))
    app.add_handler(CallbackQueryHandler(on_add, pattern=r"^add:"))
    app.add_handler(CallbackQueryHandler(on_same, pattern=r"^same$"))
    app.add_handler(CallbackQueryHandler(on_other_data))
    app.add_handler(ShippingQueryHandler(shipping))
    app.add_handler(PreCheckoutQueryHandler(pre_checkout))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, paid))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    return app


@pytest.fixture
async def app(standin: BotApiStandIn) -> AsyncIterator[Application]:
    application = build_app(standin)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    """The bot's side alone: python-telegram-bot's Bot, no Application polling."""
    async with Bot(
        standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url
    ) as client:
        yield client
