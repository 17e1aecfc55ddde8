"""Which language each update is answered in, and /language, where the shopper chooses.

Before any other handler (group -4) the reader is set from the update's Telegram
`language_code` (else DEFAULT_LANGUAGE): gates, errors and admin replies speak it. A shopper's
visit then refines it with the choice kept in customers.language (bot.conversation.journey).
Payment updates (shipping and pre-checkout queries, the successful payment) and admins'
updates have no shopper visit before they answer, so for them the choice is read here: one
small query, for a few updates per order and for the admins, instead of one per update.
The other answers given without a visit (an unknown command, a sticker, an edit, an apology)
are rare, so each reads the choice itself, just before answering (`speak_chosen`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, TypeHandler, filters

from bot import i18n, permissions
from bot.callback_data import ChooseLanguage
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.views.display import present

READER_GROUP = -4  # before the gate (-3): its answers are worded too


async def reader(update: Update, context: ShopContext) -> None:
    """This update is answered in its sender's Telegram language, until a visit knows better."""
    user = update.effective_user
    code = user.language_code if user is not None else None
    chosen = None
    settings = context.shop.settings
    on_the_team = user is not None and permissions.role_of(settings, user.id) is not None
    if user is not None and (_is_payment(update) or on_the_team):
        chosen = await journey.chosen_language(context.shop, user.id)
    i18n.use(i18n.choose(chosen, code, settings.default_language))


async def speak_chosen(
    update: Update, context: ShopContext, *, refusing: bool = True
) -> i18n.Translator:
    """The rest of this update speaks the sender's chosen language: for an answer given
    without a visit, which would otherwise speak the Telegram language of `reader`. One the
    shop blocked gets no such answer (Blocked: bot.handlers.errors answers her), unless the
    answer is one a block must not refuse (`refusing=False`: /privacy)."""
    user = update.effective_user
    if user is None:
        return i18n.current()
    chosen = await journey.chosen_language(context.shop, user.id, refusing=refusing)
    return i18n.use(i18n.choose(chosen, user.language_code, context.shop.settings.default_language))


def _is_payment(update: Update) -> bool:
    message = update.message
    paid = message is not None and message.successful_payment is not None
    return paid or update.shipping_query is not None or update.pre_checkout_query is not None


async def language_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.languages(context.shop, who))


async def on_language(
    update: Update, context: ShopContext, who: Shopper, data: ChooseLanguage
) -> Screen:
    if data.language == i18n.LANGUAGE_MENU:
        return await journey.languages(context.shop, who)
    return await journey.choose_language(context.shop, who, data.language)


def register(app: AnyApplication) -> None:
    app.add_handler(TypeHandler(Update, reader), group=READER_GROUP)
    app.add_handler(CommandHandler("language", language_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(button_handler(Route(ChooseLanguage, on_language)))
