"""/faq for the admins: the numbered list, and the steps that change it. `add` asks for the
question, then the answer; `edit N` and `lang N ru` ask the same, /skip keeping what is
there; `del N` asks first (🗑 Delete); `move N up|down` swaps it with its neighbour. The
changes themselves are bot.usecases.faq's; a shopper's /faq is bot.handlers.faq's."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import AdminFaqPage, FlowAction, FlowSkip
from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id, save_flow
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.services.admin_flows import Flow, new_flow
from bot.services.faq import NOT_TEXT, FaqInputError, FaqItem, check_answer, check_question
from bot.usecases import faq
from bot.views import admin_faq as views
from bot.views.admin import reply, show
from bot.views.replies import answer_button

SKIP = "/skip"
NO_LANGUAGE = i18n.N_(
    "Questions are written in {language}, the shop's language; a version can be in {others}."
)


async def faq_command(update: Update, context: ShopContext) -> None:
    args = [word.lower() for word in context.args or []]
    verb = args[0] if args else "list"
    try:
        if verb == "list":
            await reply(update, views.faq_list(await faq.listing(context.shop)))
        elif verb == "add" and len(args) == 1:
            await faq.check_room(context.shop)
            await _begin(update, context, new_flow("faq", step="question", entry_id=0), None)
        elif verb == "edit" and len(args) == 2:
            item = await faq.entry(context.shop, _number(args[1]))
            await _begin(update, context, _step(item), item)
        elif verb == "lang" and len(args) == 3:
            item = await faq.entry(context.shop, _number(args[1]))
            language = _other_language(context, args[2])
            await _begin(update, context, _step(item, language=language), item)
        elif verb in ("del", "delete") and len(args) == 2:
            item = await faq.entry(context.shop, _number(args[1]))
            flow = _step(item, step="delete")
            await save_flow(update, context, flow)
            await reply(update, views.ask_delete(flow, item))
        elif verb == "move" and len(args) == 3 and args[2] in ("up", "down"):
            up = args[2] == "up"
            number = _number(args[1])
            moved = await faq.move(context.shop, actor(update), number, up)
            await reply(
                update, views.faq_list(moved, views.page_with(number - 1 if up else number + 1))
            )
        else:
            await reply(update, views.usage())
    except FaqInputError as exc:
        await reply(update, str(exc))


async def on_page(update: Update, context: ShopContext, data: AdminFaqPage) -> None:
    """◀ ▶ under the list: that page of it as it is now, in place."""
    await answer_button(update)
    await show(update, views.faq_list(await faq.listing(context.shop), data.page))


def _number(text: str) -> int:
    """A question's number in the list ("3", "#3")."""
    digits = text.removeprefix("#")
    if not digits.isdigit() or len(digits) > 4:
        raise FaqInputError(views.usage())
    return int(digits)


def _other_language(context: ShopContext, code: str) -> str:
    """A language of the shop's other than the one its questions are written in."""
    written = context.shop.settings.default_language
    others = [language for language in i18n.LANGUAGES if language != written]
    if code not in others:
        raise FaqInputError(
            i18n.current()._(NO_LANGUAGE, language=written, others=", ".join(others))
        )
    return code


def _step(item: FaqItem, *, step: str = "question", language: str | None = None) -> Flow:
    return new_flow("faq", step=step, entry_id=item.id, language=language)


async def _begin(update: Update, context: ShopContext, flow: Flow, item: FaqItem | None) -> None:
    await save_flow(update, context, flow)
    await reply(update, views.ask(flow, item))


async def _entry_of(context: ShopContext, flow: Flow) -> FaqItem | None:
    """The entry a step changes (None: a new one, or one deleted meanwhile)."""
    entry_id = int(flow.get("entry_id") or 0)
    items = await faq.listing(context.shop) if entry_id else ()
    return next((item for item in items if item.id == entry_id), None)


async def on_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    await _answered(update, context, flow, message.text if message is not None else None)


async def on_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    if isinstance(data, FlowSkip):
        await _answered(update, context, flow, SKIP)


async def _answered(update: Update, context: ShopContext, flow: Flow, text: str | None) -> None:
    """The admin's answer to the step's question: checked, kept, then the next question or
    the change made (the step ends with it)."""
    item = await _entry_of(context, flow)
    if flow.get("step") == "delete":
        if item is None:
            await save_flow(update, context, None)
            await reply(update, i18n.current()._(faq.ENTRY_GONE))
        else:
            await reply(update, views.ask_delete(flow, item))
        return
    if flow.get("entry_id") and item is None:
        await save_flow(update, context, None)
        await reply(update, i18n.current()._(faq.ENTRY_GONE))
        return
    part = views.part_of(flow)
    skipped = text is not None and text.strip() == SKIP
    keeping = skipped and views.kept(flow, item, part) is not None
    try:
        checked = None if keeping else _checked(part, text)
    except FaqInputError as exc:
        await reply(update, views.ask(flow, item, str(exc)))
        return
    if flow.get("step") == "question":
        flow.update(step="answer", question=checked)
        await save_flow(update, context, flow)
        await reply(update, views.ask(flow, item))
        return
    await _save(update, context, flow, checked)


def _checked(part: str, text: str | None) -> str:
    if text is not None and text.strip() == SKIP:  # nothing to keep: a new version
        raise FaqInputError(i18n.current()._(NOT_TEXT))
    return check_question(text) if part == "question" else check_answer(text)


async def _save(update: Update, context: ShopContext, flow: Flow, answer: str | None) -> None:
    question = flow.get("question")
    try:
        if not flow.get("entry_id"):
            assert question is not None and answer is not None
            item = await faq.add(
                context.shop, actor(update), question, answer, step_chat=chat_id(update)
            )
        else:
            item = await faq.edit(
                context.shop,
                actor(update),
                int(flow["entry_id"]),
                question,
                answer,
                language=flow.get("language"),
                step_chat=chat_id(update),
            )
    except FaqInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.saved(item, added=not flow.get("entry_id")))
    await reply(
        update, views.faq_list(await faq.listing(context.shop), views.page_with(item.number))
    )


async def on_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    """🗑 Delete under `/faq del N`; under another step, its question again."""
    if flow.get("step") != "delete":
        await reply(update, views.ask(flow, await _entry_of(context, flow)))
        return
    try:
        gone = await faq.delete(
            context.shop, actor(update), int(flow["entry_id"]), step_chat=chat_id(update)
        )
    except FaqInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.deleted(gone))
    await reply(
        update, views.faq_list(await faq.listing(context.shop), views.page_with(gone.number))
    )


register_flow("faq", FlowKind(on_input=on_input, on_confirm=on_confirm, on_button=on_button))
