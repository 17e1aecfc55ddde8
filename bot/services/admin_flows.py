"""Where an admin stands in a multi-step admin flow, kept in the database.

The flow lives in ChatState.data["admin"] of the admin's chat, so it survives restarts and
works with several workers. The conversation machine owns the row's `state` and its other
data keys: this module only ever reads and replaces the "admin" key.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from bot.store.models import utcnow
from bot.store.uow import UnitOfWork

ADMIN_KEY = "admin"
DEFAULT_STATE = "idle"  # the ChatState column default, used only when the row does not exist
# An admin who walks away mid-flow should not have tomorrow's plain text read as today's answer.
FLOW_TTL = timedelta(minutes=30)

Flow = dict[str, Any]


def new_flow(kind: str, **values: Any) -> Flow:
    """A fresh flow; `id` ties its buttons to it, so a stale preview cannot confirm a newer one."""
    return {"kind": kind, "id": secrets.token_hex(3), **values}


async def read_flow(uow: UnitOfWork, chat_id: int, *, now: datetime | None = None) -> Flow | None:
    """The admin's open flow, or None if there is none or it was left untouched too long."""
    row = await uow.chat_states.get(chat_id)
    if row is None:
        return None
    flow = (row.data or {}).get(ADMIN_KEY)
    if not isinstance(flow, dict):
        return None
    touched = flow.get("touched")
    if isinstance(touched, str) and (now or utcnow()) - datetime.fromisoformat(touched) > FLOW_TTL:
        return None
    return dict(flow)


async def write_flow(uow: UnitOfWork, chat_id: int, flow: Flow | None) -> None:
    """Replace (or with None, drop) the admin flow, keeping the row's state and other keys."""
    row = await uow.chat_states.get(chat_id)
    if row is None:
        if flow is None:
            return
        await uow.chat_states.save(
            chat_id, DEFAULT_STATE, {ADMIN_KEY: _stamped(flow)}, version=None
        )
        return
    data = dict(row.data or {})
    if flow is None:
        if ADMIN_KEY not in data:
            return
        data.pop(ADMIN_KEY)
    else:
        data[ADMIN_KEY] = _stamped(flow)
    await uow.chat_states.save(chat_id, row.state, data, version=row.version)


def _stamped(flow: Flow) -> Flow:
    return {**flow, "touched": utcnow().isoformat()}
