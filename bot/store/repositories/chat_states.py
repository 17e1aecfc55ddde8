"""Per-chat conversation state, so a restart (or another worker) resumes where the chat was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import ChatState, utcnow
from bot.store.prepared import prepared

LOCK_CHAT = text("SELECT pg_advisory_xact_lock(:chat_id)")
"""PostgreSQL: hold a chat until the transaction ends (works before the chat's row exists)."""


def lock_chat_sql(chat_id: int) -> str:
    """LOCK_CHAT as plain SQL, to go in one trip with the BEGIN before it (an integer: no
    quoting to get wrong)."""
    return f"SELECT pg_advisory_xact_lock({int(chat_id)})"


_columns = ChatState.__table__.c
_SAVE = prepared(  # built once: a statement built per save cost more than running it
    update(ChatState)
    .where(ChatState.chat_id == bindparam("chat"), ChatState.version == bindparam("seen"))
    .values(
        state=bindparam("state", type_=_columns.state.type),
        data=bindparam("data", type_=_columns.data.type),
        version=bindparam("next", type_=_columns.version.type),
        updated_at=bindparam("now", type_=_columns.updated_at.type),
    )
    .execution_options(synchronize_session=False)
)


class ChatStateRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def lock(self, chat_id: int) -> None:
        """Hold this chat until the transaction ends, so workers handle its updates one by one.

        On PostgreSQL a transaction-scoped advisory lock keyed by the chat id (it works before
        the chat's row exists); on SQLite every writing transaction already holds the write lock.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(LOCK_CHAT, {"chat_id": chat_id})

    async def get(self, chat_id: int) -> ChatState | None:
        return await self.session.get(ChatState, chat_id)

    async def save(
        self, chat_id: int, state: str, data: dict[str, Any], *, version: int | None
    ) -> bool:
        """Write the chat's state if it is still at `version` (None: it had no row yet).

        False when someone wrote the chat since it was read (nothing is changed then): a chat
        read without a lock is saved with this compare-and-set instead.
        """
        if version is None:
            first = insert_or_ignore(self.session, ChatState).values(
                chat_id=chat_id, state=state, data=dict(data), version=1, updated_at=utcnow()
            )
            return await self._write(first)
        params = {
            "chat": chat_id,
            "seen": version,
            "state": state,
            "data": dict(data),
            "next": version + 1,
            "now": utcnow(),
        }
        return await self._write(_SAVE, params=params)
