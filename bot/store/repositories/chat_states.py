"""Per-chat conversation state, so a restart (or another worker) resumes where the chat was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ChatState, utcnow


class ChatStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, chat_id: int) -> None:
        """Hold this chat until the transaction ends, so workers handle its updates one by one.

        On PostgreSQL a transaction-scoped advisory lock keyed by the chat id (it works before
        the chat's row exists); on SQLite every writing transaction already holds the write lock.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:chat_id)"), {"chat_id": chat_id}
            )

    async def get(self, chat_id: int) -> ChatState | None:
        return await self.session.get(ChatState, chat_id)

    async def save(
        self, chat_id: int, state: str, data: dict[str, Any], *, version: int | None
    ) -> bool:
        """Write the chat's state if it is still at `version` (None: it had no row yet).

        False when someone wrote the chat since it was read (nothing is changed then): a chat
        read without a lock is saved with this compare-and-set instead.
        """
        statement: Any
        if version is None:
            postgresql = self.session.get_bind().dialect.name == "postgresql"
            statement = (
                (postgresql_insert if postgresql else sqlite_insert)(ChatState)
                .values(chat_id=chat_id, state=state, data=dict(data), version=1)
                .on_conflict_do_nothing()
            )
        else:
            statement = (
                update(ChatState)
                .where(ChatState.chat_id == chat_id, ChatState.version == version)
                .values(state=state, data=dict(data), version=version + 1, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0) == 1
