"""The composition root: everything handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.payments.stripe_gateway import StripeGateway
from bot.store.uow import Store


@dataclass
class Shop:
    """Services shared by all handlers; reached through `context.shop` (see bot.context)."""

    settings: Settings
    store: Store
    extras: dict[str, Any] = field(default_factory=dict)
    stripe: StripeGateway | None = None  # set when STRIPE_API_KEY is (charge checks, refunds)

    @classmethod
    def create(cls, settings: Settings) -> Shop:
        return cls(
            settings=settings,
            store=Store.from_url(settings.database_url),
            stripe=StripeGateway.from_settings(settings),
        )

    async def close(self) -> None:
        if self.stripe is not None:
            await self.stripe.close()
        await self.store.close()
