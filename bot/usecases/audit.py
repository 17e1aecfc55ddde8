"""The admins' audit log as they read it (/audit): the newest rows, each naming who did it.

Admins' own moves name the admin (`admin:9001`), staff's the staff member (`staff:9002`,
kept in the row's details as she was when she made the move: bot.permissions); a shopper's
own move that the admins should see among theirs (✖️ Cancel order) names her as the order's
history does (`customer:1001`, kept in the row's details); a move of the shop itself (an
unmatched Stars payment) names the shop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.permissions import Role, actor_name
from bot.shop import Shop
from bot.store.models import AuditEntry

SHOWN = 20  # rows in one /audit: a screenful, well under Telegram's 4,096 characters
SHOP_ITSELF = "shop"


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One row: when, who (`actor_of`), the action's code, what it touched, and its details."""

    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any] = field(default_factory=dict)


def actor_of(entry: AuditEntry) -> str:
    """Who did it: the name the row gives (a shopper's, staff's), else the admin, else the
    shop."""
    named = (entry.details or {}).get("actor")
    if isinstance(named, str) and named:
        return named
    if entry.actor_telegram_id is None:
        return SHOP_ITSELF
    return actor_name(Role.ADMIN, entry.actor_telegram_id)


async def recent(shop: Shop, limit: int = SHOWN) -> list[AuditLine]:
    """The newest `limit` rows, newest first."""
    async with shop.store.reading() as uow:
        entries = await uow.audit.list_recent(limit)
    return [
        AuditLine(
            entry.created_at, actor_of(entry), entry.action, entry.target, entry.details or {}
        )
        for entry in entries
    ]
