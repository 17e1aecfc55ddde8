"""Load a chat from the database, fire a trigger on the machine, save it back.

Nothing about a chat is kept in the process between updates, so any number of workers can
serve the same bot, and a restart resumes where each chat was.
"""

from __future__ import annotations

import copy
from typing import Any

from transitions import MachineError

from bot.conversation.machine import TRIGGERS, ChatSession, Step, build_machine
from bot.store.models import ChatState
from bot.store.repositories.customers import SavedChat
from bot.store.uow import Store, UnitOfWork

_MACHINE = build_machine()  # pure data and behaviour: no connections, safe to share


async def load(uow: UnitOfWork, chat_id: int) -> ChatSession:
    """The chat as saved (a new chat starts idle), locked until a writing unit of work ends."""
    if not uow.reading:
        await uow.chat_states.lock(chat_id)
    return session_of(chat_id, await uow.chat_states.get(chat_id))


def session_of(chat_id: int, row: ChatState | SavedChat | None) -> ChatSession:
    """The machine's model of a saved chat row (a new chat starts idle)."""
    if row is None:
        return ChatSession(chat_id, Step.IDLE)
    state = row.state if row.state in _MACHINE.states else Step.IDLE
    return ChatSession(chat_id, state, row.data, version=row.version)


async def save(uow: UnitOfWork, chat: ChatSession) -> bool:
    """Persist state and data if changed (keys owned by other features are written back
    unchanged); False if the chat was written by someone else since it was loaded."""
    if not chat.changed:
        return True
    return await uow.chat_states.save(chat.chat_id, chat.state, chat.data, version=chat.version)


async def fire(chat: ChatSession, name: str, **facts: Any) -> bool:
    """Fire `name` on this chat; False (state unchanged) if the table refuses the move.

    The one way to fire a trigger: a journey step uses it through `Visit.fire`, other
    features between `load` and `save` in a unit of work of their own.

    The event is fired with the chat as its model (`Event.trigger(model)`), rather than by
    `add_model` binding trigger methods onto each short-lived chat object and removing them.
    """
    if name not in TRIGGERS:
        raise ValueError(f"unknown conversation trigger {name!r}")
    try:
        return bool(_MACHINE.events[name].trigger(chat, **facts))
    except MachineError:
        return False


async def may(chat: ChatSession, name: str, **facts: Any) -> bool:
    """Would `name` be accepted now (guards included)? Tried on a copy: nothing changes."""
    trial = ChatSession(chat.chat_id, chat.state, copy.deepcopy(chat.data))
    return await fire(trial, name, **facts)


async def state_of(store: Store, chat_id: int) -> str:
    """Where the chat stands now, e.g. "awaiting_payment"."""
    async with store.reading() as uow:
        return (await load(uow, chat_id)).state
