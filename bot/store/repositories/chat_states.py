"""Per-chat conversation state, so a restart (or another worker) resumes where the chat was."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ChatState


class ChatStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
