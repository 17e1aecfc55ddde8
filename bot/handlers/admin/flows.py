"""Routing of an admin's input while a multi-step admin flow is open.

Each flow kind (add, edit, broadcast, ship, tracking, refund, note) registers what to do with
typed input, with its buttons and with Confirm. The flow itself is stored in the database (see
bot.services.admin_flows); this module only routes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Message, Update

from bot import i18n, permissions
from bot.callback_data import FlowAction, FlowCancel, FlowConfirm
from bot.context import ShopContext
from bot.handlers.admin.catalog_files import import_document
from bot.handlers.admin.common import load_flow, save_flow
from bot.handlers.admin.guard import may, on_the_team, refuse, run_consuming
from bot.i18n import N_
from bot.services.admin_flows import Flow
from bot.usecases import broadcast as broadcasts
from bot.views import admin_broadcast as broadcast_views
from bot.views.admin import reply

log = logging.getLogger(__name__)

FlowStep = Callable[[Update, ShopContext, Flow], Coroutine[Any, Any, None]]
FlowButton = Callable[[Update, ShopContext, Flow, FlowAction], Awaitable[None]]
STALE = N_("This step is over. Start again from the command or /admin.")


@dataclass(frozen=True)
class FlowKind:
    """What a flow does with input (`on_input`), Confirm, and its other buttons."""

    on_input: FlowStep
    on_confirm: FlowStep
    on_button: FlowButton | None = None
    label: str = "this step"


FLOWS: dict[str, FlowKind] = {}


def register_flow(kind: str, handlers: FlowKind) -> None:
    """A kind of step; bot.permissions.STEPS must say who may take it (checked at import)."""
    if kind not in permissions.STEPS:
        raise KeyError(f"bot.permissions.STEPS does not say who may take a {kind!r} step")
    FLOWS[kind] = handlers


def command_of(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    return text.split()[0][1:].split("@")[0].lower()


async def on_admin_message(update: Update, context: ShopContext) -> None:
    """Every message in group -1: an admin's (or staff's) input to an open flow, or a catalog
    file.

    Anything else (shoppers, admins without a flow, other commands) returns without stopping,
    so the shopper's handlers still see it.
    """
    message = update.effective_message
    if not on_the_team(update, context) or update.effective_chat is None or message is None:
        return
    flow = await load_flow(update, context)
    if flow is None or flow.get("kind") not in FLOWS:
        await _without_flow(update, context, message)
        return
    command = command_of(message.text)
    if command == "cancel":
        await run_consuming(cancel_flow, update, context)
    if command not in (None, "skip"):
        return  # other commands work as usual; the flow waits where it was
    if not may(update, context, step_action(flow)):  # a step opened before a restart took it
        await run_consuming(lambda update, context: _refuse_step(update, flow), update, context)
    step = FLOWS[flow["kind"]].on_input
    await run_consuming(lambda update, context: step(update, context, flow), update, context)


def step_action(flow: Flow) -> str:
    return permissions.STEPS.get(str(flow.get("kind")), "admins only")


async def _refuse_step(update: Update, flow: Flow) -> None:
    await refuse(update, f"step {flow.get('kind')}")


async def _without_flow(update: Update, context: ShopContext, message: Message) -> None:
    """No step open: /cancel stops a broadcast being sent, if there is one; a file is a
    catalog to import (admins'; staff's files go on, as a shopper's would). Anything else goes
    on to the shopper's handlers."""
    if command_of(message.text) == "cancel" and may(update, context, "broadcast"):
        stopping = await broadcasts.stop(context.shop)
        if stopping is not None:
            said = broadcast_views.stopping(stopping, message.chat_id)
            await run_consuming(lambda update, context: _answer(update, said), update, context)
    if message.document is not None and may(update, context, "files"):
        await run_consuming(import_document, update, context)


async def _answer(update: Update, text: str) -> None:
    await reply(update, text)


async def cancel_flow(update: Update, context: ShopContext) -> None:
    await save_flow(update, context, None)
    await reply(update, i18n.current()._("Cancelled. Nothing was changed."))


async def on_flow_button(update: Update, context: ShopContext, data: FlowAction) -> None:
    """AFC confirm, AFX cancel and each flow's own buttons; stale buttons say so."""
    query = update.callback_query
    assert query is not None
    flow = await load_flow(update, context)
    if flow is None or flow.get("id") != data.flow_id or flow.get("kind") not in FLOWS:
        await query.answer(i18n.current()._(STALE), show_alert=True)
        return
    if not may(update, context, step_action(flow)):
        await refuse(update, f"button {query.data} of step {flow.get('kind')}")
        return
    kind = FLOWS[flow["kind"]]
    await query.answer(i18n.current()._("Cancelled") if isinstance(data, FlowCancel) else None)
    if isinstance(data, FlowCancel):
        await cancel_flow(update, context)
    elif isinstance(data, FlowConfirm):
        await kind.on_confirm(update, context, flow)
    elif kind.on_button is not None:
        await kind.on_button(update, context, flow, data)
