"""/start and /help until the shopper's journey takes them over."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import AnyApplication, ShopContext

HELP_TEXT = (
    "I am the shop's assistant. Commands:\n"
    "/catalog - browse the catalog\n"
    "/search <words> - find products\n"
    "/cart - your cart\n"
    "/orders - your orders\n"
    "/cancel - cancel the current step"
)


async def start(update: Update, context: ShopContext) -> None:
    if update.effective_message:
        await update.effective_message.reply_text("Welcome to the shop!\n\n" + HELP_TEXT)


async def help_command(update: Update, context: ShopContext) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(HELP_TEXT)


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
