"""Per-chat conversation state, so a restart (or another worker) resumes where the chat was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ChatState


class ChatStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, chat_id: int) -> None:
        """Hold this chat until the transaction ends, so workers handle its updates one by one.

        On PostgreSQL a transaction-scoped advisory lock keyed by the chat id (it works before
        the chat's row exists); on SQLite every transaction already holds the write lock.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:chat_id)"), {"chat_id": chat_id}
            )

    async def get(self, chat_id: int) -> ChatState | None:
        return await self.session.get(ChatState, chat_id)

    async def save(self, chat_id: int, state: str, data: dict[str, Any]) -> ChatState:
        row = await self.get(chat_id)
        if row is None:
            row = ChatState(chat_id=chat_id, state=state, data=dict(data))
            self.session.add(row)
        else:
            row.state = state
            row.data = dict(data)  # a new object so the JSON column is seen as changed
        await self.session.flush()
        return row
