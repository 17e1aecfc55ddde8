"""What a production bot reports on /metrics (Prometheus text format), one registry per Shop.

Counted as they happen: updates received, handled and failed (by kind), handling time, and
the Bot API's faults and the retries they caused. Read from the database at each scrape:
the inbox backlog and the age of its oldest unfinished update, and orders and payments by
status, so every worker reports the same truth about the shop.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select

from bot.store.models import Order, Payment, utcnow
from bot.store.uow import Store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.received = Counter(
            "shopbot_updates_received", "Updates stored in the inbox", ["kind"], registry=registry
        )
        self.handled = Counter(
            "shopbot_updates_handled",
            "Updates whose handlers finished",
            ["kind"],
            registry=registry,
        )
        self.failed = Counter(
            "shopbot_updates_failed", "Updates whose handlers raised", ["kind"], registry=registry
        )
        self.duplicates = Counter(
            "shopbot_updates_duplicate",
            "Redelivered updates dropped because they were handled or being handled",
            registry=registry,
        )
        self.latency = Histogram(
            "shopbot_update_handling_seconds",
            "Time from taking an update to finishing its handlers",
            ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=registry,
        )
        self.api_errors = Counter(
            "shopbot_bot_api_errors",
            "Faults met calling the Bot API (429, 5xx, timeouts, dropped connections)",
            ["method", "fault"],
            registry=registry,
        )
        self.api_retries = Counter(
            "shopbot_bot_api_retries", "Bot API calls tried again", ["method"], registry=registry
        )
        self.backlog = Gauge(
            "shopbot_inbox_backlog", "Updates stored and not finished", registry=registry
        )
        self.oldest = Gauge(
            "shopbot_inbox_oldest_pending_seconds",
            "Age of the oldest unfinished update (0 when none)",
            registry=registry,
        )
        self.orders = Gauge("shopbot_orders", "Orders by status", ["status"], registry=registry)
        self.payments = Gauge(
            "shopbot_payments", "Payments by provider check status", ["status"], registry=registry
        )

    def api_fault(self, method: str, error: Exception, retried: bool) -> None:
        """For `ShopRateLimiter.on_fault`."""
        self.api_errors.labels(method, type(error).__name__).inc()
        if retried:
            self.api_retries.labels(method).inc()

    async def render(self, store: Store) -> bytes:
        """The text for one scrape, after reading the shop's state from the database."""
        async with store.reading() as uow:
            count, oldest = await uow.inbox.backlog()
            orders = (
                await uow.session.execute(select(Order.status, func.count()).group_by(Order.status))
            ).all()
            payments = (
                await uow.session.execute(
                    select(Payment.verification_status, func.count()).group_by(
                        Payment.verification_status
                    )
                )
            ).all()
        self.backlog.set(count)
        self.oldest.set((utcnow() - oldest).total_seconds() if oldest is not None else 0.0)
        for status, number in orders:
            self.orders.labels(status).set(number)
        for status, number in payments:
            self.payments.labels(status).set(number)
        return generate_latest(self.registry)
