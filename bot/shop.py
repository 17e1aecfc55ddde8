"""The composition root: everything handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.store.uow import Store


@dataclass
class Shop:
    """Services shared by all handlers; reached through `context.shop` (see bot.context)."""

    settings: Settings
    store: Store
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> Shop:
        return cls(settings=settings, store=Store.from_url(settings.database_url))

    async def close(self) -> None:
        await self.store.close()
