"""The composition root: everything handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.payments.stripe_gateway import StripeGateway
from bot.store.uow import Store
from bot.throttle import TokenBuckets

# Inline queries come from anyone, one per keystroke: a burst of 8, then 2 a second per user.
INLINE_QUERY_RATE = 2.0
INLINE_QUERY_BURST = 8


@dataclass
class Shop:
    """Services shared by all handlers; reached through `context.shop` (see bot.context)."""

    settings: Settings
    store: Store
    extras: dict[str, Any] = field(default_factory=dict)
    stripe: StripeGateway | None = None  # set when STRIPE_API_KEY is (charge checks, refunds)
    inline_queries: TokenBuckets = field(
        default_factory=lambda: TokenBuckets(INLINE_QUERY_RATE, INLINE_QUERY_BURST)
    )

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
