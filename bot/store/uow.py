"""Unit of work: one session, one transaction; commits on success, rolls back on error.

Two kinds: `Store.uow()` writes (on SQLite it queues for the one writer and begins IMMEDIATE),
`Store.reading()` only reads (a plain transaction beside the writer; any write raises
`WriteWhileReading`, so work that turns out to write can be run again in a writing unit).
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.db import WriteWhileReading, create_engine, create_sessionmaker
from bot.store.repositories import (
    AuditRepository,
    CartRepository,
    CategoryRepository,
    ChatStateRepository,
    CustomerRepository,
    OrderRepository,
    PaymentRepository,
    ProductRepository,
    RefundRepository,
)


class UnitOfWork:
    """`async with store.uow() as uow:` gives repositories sharing one transaction."""

    session: AsyncSession
    categories: CategoryRepository
    products: ProductRepository
    customers: CustomerRepository
    carts: CartRepository
    orders: OrderRepository
    payments: PaymentRepository
    refunds: RefundRepository
    chat_states: ChatStateRepository
    audit: AuditRepository

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        write_lock: asyncio.Lock | None = None,
        *,
        reading: bool = False,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._write_lock = write_lock
        self.reading = reading

    async def __aenter__(self) -> UnitOfWork:
        if self._write_lock is not None:
            await self._write_lock.acquire()
        try:
            self.session = session = self._sessionmaker()
            await session.begin()
        except BaseException:
            if self._write_lock is not None:
                self._write_lock.release()
            raise
        self.categories = CategoryRepository(session)
        self.products = ProductRepository(session)
        self.customers = CustomerRepository(session)
        self.carts = CartRepository(session)
        self.orders = OrderRepository(session)
        self.payments = PaymentRepository(session)
        self.refunds = RefundRepository(session)
        self.chat_states = ChatStateRepository(session)
        self.audit = AuditRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            try:
                await self.session.close()
            finally:
                if self._write_lock is not None:
                    self._write_lock.release()


class Store:
    """The database: engine, session factory and units of work. Built once at start-up."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = create_sessionmaker(engine)
        self._reading_sessionmaker = create_sessionmaker(engine, reading=True)
        # SQLite has one writer at a time and every unit of work begins IMMEDIATE. Queueing them
        # here, in order, beats letting SQLite's busy handler sleep and retry (measured: about
        # twice the concurrent reservations per second; see README "Benchmarks").
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, url: str) -> Store:
        return cls(create_engine(url))

    def uow(self) -> UnitOfWork:
        """A new unit of work; never open one inside another (on SQLite it would wait forever)."""
        return UnitOfWork(self.sessionmaker, self._write_lock)

    def reading(self) -> UnitOfWork:
        """A unit of work that only reads: it waits for no writer (WAL on SQLite)."""
        return UnitOfWork(self._reading_sessionmaker, reading=True)

    async def migrate(self) -> None:
        from bot.store.migrate import upgrade_to_head

        await upgrade_to_head(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()


__all__ = ["Store", "UnitOfWork", "WriteWhileReading"]
