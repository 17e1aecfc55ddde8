"""What the shop does not serve, answered before any feature sees it (handler group -3).

- Group chats: carts, invoices and admin replies are personal, so the shop lives in private
  chats only. In a group the bot answers a command meant for it, and being added, with one
  line pointing to its private chat, and ignores everything else (no chatter in groups).
- Kinds of update the shop does not serve (`SERVED`): dropped without a word.
- Edited messages: an edit is not a new request. Acting on it would run a command twice
  (an admin's "/stock SKU +5" edited to "+6" would add six more), so the bot says it only
  acts on new messages and does nothing else. A live location's moves arrive as edits too:
  those are dropped without a word (the location was answered once, when shared).
"""

from __future__ import annotations

from telegram import Chat, Message, Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import i18n
from bot.context import AnyApplication, ShopContext
from bot.handlers.admin.guard import run_consuming
from bot.handlers.language import speak_chosen
from bot.i18n import N_

GATE_GROUP = -3

# The update kinds the shop serves. Anything else (a business account's chats, reactions,
# polls, join requests, boosts...) is dropped here without a word: a reply to a business
# chat would go to a stranger in the owner's name, and the rest asks nothing of the shop.
# Telegram is asked for these only (bot.app.ALLOWED_UPDATES); this drops any that come anyway.
SERVED = (
    "message",
    "edited_message",
    "callback_query",
    "inline_query",
    "chosen_inline_result",
    "shipping_query",
    "pre_checkout_query",
    "my_chat_member",
)

PRIVATE_ONLY = N_("🛍 I work in private chats only. Open https://t.me/{username} and press Start.")
EDIT_IGNORED = N_(
    "✏️ I only act on new messages, so I did nothing with that edit. "
    "Send it again as a new message if you meant it."
)


async def gate(update: Update, context: ShopContext) -> None:
    """Let private, unedited updates of the kinds the shop serves through; answer or drop the
    rest (errors included, so no later handler group answers a group chat or an edit after
    all)."""
    if not any(getattr(update, kind) is not None for kind in SERVED):
        raise ApplicationHandlerStop  # not for the shop: quietly dropped
    chat = update.effective_chat
    if chat is None:
        return  # inline, shipping and pre-checkout queries: no chat
    if chat.type != Chat.PRIVATE:
        await run_consuming(_outside_private_chat, update, context)
    if update.edited_message is not None:
        if update.edited_message.location is not None:
            raise ApplicationHandlerStop  # a live location moving: answered once, when shared
        await run_consuming(_edit_ignored, update, context)


async def _edit_ignored(update: Update, context: ShopContext) -> None:
    if update.edited_message is not None:
        tr = await speak_chosen(update, context)
        await update.edited_message.reply_text(tr._(EDIT_IGNORED))


async def _outside_private_chat(update: Update, context: ShopContext) -> None:
    pointer = i18n.current()._(PRIVATE_ONLY, username=context.bot.username)
    if update.callback_query is not None:
        await update.callback_query.answer(pointer, show_alert=True)
    elif update.message is not None and _speaks_to_bot(update.message, context):
        await update.message.reply_text(pointer)


def _speaks_to_bot(message: Message, context: ShopContext) -> bool:
    """A command for this bot ("/start", "/start@thisbot"), or the bot being added."""
    if any(member.id == context.bot.id for member in message.new_chat_members or ()):
        return True
    text = message.text or ""
    if not text.startswith("/"):
        return False
    _, _, addressee = text.split(maxsplit=1)[0].partition("@")
    return not addressee or addressee.lower() == context.bot.username.lower()


def register(app: AnyApplication) -> None:
    app.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
