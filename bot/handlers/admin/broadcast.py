"""/broadcast: text, preview, confirm; the sending runs in the background with progress."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id, flow_buttons, reply, save_flow
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.handlers.admin.guard import admin_only
from bot.pacing import ShopBot
from bot.services import broadcast as service
from bot.services.admin_flows import Flow, new_flow
from bot.wording import plural

log = logging.getLogger(__name__)


async def begin(update: Update, context: ShopContext) -> None:
    flow = new_flow("broadcast", step="text")
    await save_flow(update, context, flow)
    count = len(await service.audience(context.shop.store))
    await reply(
        update,
        f"Send the text to broadcast to {plural(count, 'customer')} (those who have not "
        "blocked the bot). You will see a preview first.",
        flow_buttons(flow),
    )


@admin_only("/broadcast")
async def broadcast_command(update: Update, context: ShopContext) -> None:
    await begin(update, context)


async def on_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    assert message is not None
    if flow.get("step") == "preview":
        await reply(update, "Press Send to broadcast the text above, or Cancel.")
        return
    if message.text is None or message.text.startswith("/"):
        await reply(
            update,
            "I can broadcast only text. Send the message as text, or /cancel.",
            flow_buttons(flow),
        )
        return
    try:
        text = service.check_text(message.text)
    except ValueError as exc:
        await reply(update, str(exc), flow_buttons(flow))
        return
    count = len(await service.audience(context.shop.store))
    flow.update(step="preview", text=text)
    await save_flow(update, context, flow)
    await reply(update, f"Preview: this goes to {plural(count, 'customer')}.")
    await reply(update, text, flow_buttons(flow, confirm=f"📣 Send to {count}"))


async def on_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") != "preview":
        await reply(update, "Send the text first.")
        return
    await save_flow(update, context, None)  # a second tap on Send finds no flow: sent once
    progress = await reply(update, "📣 Broadcast starting…")
    assert progress is not None
    settings = context.shop.settings
    context.application.create_task(
        _run(context.bot, context, flow["text"], actor(update), chat_id(update), progress.id),
        update=update,
        name=f"broadcast-{flow['id']}",
    )
    log.info("broadcast started by %s at %s/s", actor(update), settings.broadcast_rate)


async def _run(
    bot: ShopBot, context: ShopContext, text: str, admin: int, chat: int, progress_id: int
) -> None:
    async def on_progress(report: service.BroadcastReport) -> None:
        await _edit(bot, chat, progress_id, f"📣 Broadcasting… {report.done}/{report.total}")

    report = await service.run_broadcast(
        bot,
        context.shop.store,
        text,
        actor=admin,
        on_progress=on_progress,
    )
    await _edit(bot, chat, progress_id, f"📣 Broadcast done: {report.done}/{report.total}")
    await bot.send_message(chat, f"📣 Broadcast finished: {report.summary()}.")


async def _edit(bot: ShopBot, chat: int, message_id: int, text: str) -> None:
    try:
        await bot.edit_message_text(text, chat_id=chat, message_id=message_id)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("broadcast progress edit failed: %s", exc)
    except TelegramError as exc:
        log.warning("broadcast progress edit failed: %s", exc)


register_flow("broadcast", FlowKind(on_input=on_input, on_confirm=on_confirm))
