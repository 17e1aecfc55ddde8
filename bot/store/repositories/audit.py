"""The audit log of admin actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import AuditEntry


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        actor_telegram_id: int | None,
        action: str,
        target: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        entry = AuditEntry(
            actor_telegram_id=actor_telegram_id, action=action, target=target, details=details
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def list_recent(self, limit: int = 50) -> Sequence[AuditEntry]:
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def targets_of(self, action: str, targets: Sequence[str]) -> set[str]:
        """Which of `targets` already have an entry for `action`."""
        if not targets:
            return set()
        stmt = select(AuditEntry.target).where(
            AuditEntry.action == action, AuditEntry.target.in_(targets)
        )
        return {t for t in (await self.session.scalars(stmt)).all() if t is not None}

    async def details_of(self, action: str, target: str) -> list[dict[str, Any]]:
        """The details of `target`'s entries for `action`, oldest first (a shopper's few)."""
        stmt = (
            select(AuditEntry.details)
            .where(AuditEntry.action == action, AuditEntry.target == target)
            .order_by(AuditEntry.id)
        )
        return [details or {} for details in (await self.session.scalars(stmt)).all()]
