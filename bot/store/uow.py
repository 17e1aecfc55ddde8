"""Unit of work: one session, one transaction; commits on success, rolls back on error.

Two kinds: `Store.uow()` writes (on SQLite it queues for the one writer and begins IMMEDIATE),
`Store.reading()` only reads (a plain transaction beside the writer; any write raises
`WriteWhileReading`, so work that turns out to write can be run again in a writing unit).
`Store.snapshot()` reads like `reading()`, every read at one moment (an export's chunks).

A reading unit may also *defer* writes (`Store.reading(deferring=True)`): repositories hand
their compare-and-set statements to `UnitOfWork.write`, which keeps them, and `Store.apply`
later makes them all or none in one short transaction. SQLite's single writer is then held
for one trip to the database instead of for the whole visit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.store import handling, inline, postgres_driver, sqlite_driver
from bot.store.db import (
    READING,
    WriteWhileReading,
    create_engine,
    create_sessionmaker,
    rowcount,
)
from bot.store.models import utcnow
from bot.store.repositories import (
    AuditRepository,
    BroadcastRepository,
    CartRepository,
    CategoryRepository,
    ChatStateRepository,
    CustomerRepository,
    OrderRepository,
    PaymentRepository,
    ProductRepository,
    PromoRepository,
    RefundRepository,
    RestockRepository,
    SupportRepository,
)
from bot.store.repositories.category_sales import CategorySaleRepository
from bot.store.repositories.chat_states import lock_chat_sql
from bot.store.repositories.daily_reports import DailyReportRepository
from bot.store.repositories.delivery_slots import DeliverySlotRepository
from bot.store.repositories.faq import FaqRepository
from bot.store.repositories.favourites import FavouriteRepository
from bot.store.repositories.gift_cards import GiftCardRepository
from bot.store.repositories.inbox import MARK_APPLIED, InboxRepository
from bot.store.repositories.invoices import InvoiceRepository
from bot.store.repositories.order_notes import OrderNoteRepository
from bot.store.repositories.pairs import ProductPairRepository
from bot.store.repositories.privacy import PrivacyRepository
from bot.store.repositories.ratings import RatingRepository
from bot.store.repositories.referrals import ReferralRepository
from bot.store.repositories.returns import ReturnRepository
from bot.store.repositories.reviews import ReviewRepository
from bot.store.repositories.sales_pause import SalesRepository

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 500
"""Commits on the event loop's connection between two WAL checkpoints (a few pages each:
SQLite's own default is a checkpoint per 1,000 pages)."""


@dataclass(frozen=True, slots=True)
class Write:
    """A statement and how many rows it must touch to count as done (None: any number)."""

    statement: Executable
    rows: int | None = 1
    params: dict[str, Any] | None = None
    # Refused, it may stay written where it stands alone: its caller reads back what it
    # did (the inbox's insert of new updates). On PostgreSQL it then needs no transaction.
    kept_if_refused: bool = False


class _Refused(Exception):
    """A write touched another number of rows than it expects: undo them all."""


def _applied_mark() -> tuple[handling.Handling | None, Write | None]:
    """The update being handled, and the write that marks it applied if not marked yet."""
    current = handling.current.get()
    if current is None or current.applied:
        return None, None
    params = {"applied_update": current.update_id, "applied_now": utcnow()}
    return current, Write(MARK_APPLIED, rows=None, params=params)


def _stands_alone(writes: Sequence[Write], chat_id: int | None) -> bool:
    """One statement needing no lock, that nothing need undo whatever rows it touches."""
    if len(writes) != 1 or chat_id is not None:
        return False
    return writes[0].rows is None or writes[0].kept_if_refused


class UnitOfWork:
    """`async with store.uow() as uow:` gives repositories sharing one transaction."""

    session: AsyncSession
    categories: CategoryRepository
    products: ProductRepository
    customers: CustomerRepository
    carts: CartRepository
    orders: OrderRepository
    order_notes: OrderNoteRepository
    returns: ReturnRepository
    payments: PaymentRepository
    refunds: RefundRepository
    chat_states: ChatStateRepository
    audit: AuditRepository
    broadcasts: BroadcastRepository
    inbox: InboxRepository
    support: SupportRepository
    restock: RestockRepository
    favourites: FavouriteRepository
    ratings: RatingRepository
    reviews: ReviewRepository
    promos: PromoRepository
    gift_cards: GiftCardRepository
    sales: SalesRepository
    daily_reports: DailyReportRepository
    category_sales: CategorySaleRepository
    pairs: ProductPairRepository
    privacy: PrivacyRepository
    faq: FaqRepository
    invoices: InvoiceRepository
    referrals: ReferralRepository

    def __init__(
        self,
        sessionmaker: Callable[[], AsyncSession],
        write_lock: asyncio.Lock | None = None,
        *,
        reading: bool = False,
        deferring: bool = False,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._write_lock = write_lock
        self.reading = reading
        self.deferring = deferring
        self.deferred: list[Write] = []

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
        self.products = ProductRepository(session, reading=self.reading)
        self.customers = CustomerRepository(session, self.write)
        self.carts = CartRepository(session, self.write)
        self.orders = OrderRepository(session)
        self.order_notes = OrderNoteRepository(session)
        self.returns = ReturnRepository(session)
        self.payments = PaymentRepository(session)
        self.refunds = RefundRepository(session)
        self.chat_states = ChatStateRepository(session, self.write)
        self.audit = AuditRepository(session)
        self.broadcasts = BroadcastRepository(session)
        self.inbox = InboxRepository(session)
        self.support = SupportRepository(session)
        self.restock = RestockRepository(session, self.write)
        self.favourites = FavouriteRepository(session, self.write)
        self.ratings = RatingRepository(session, self.write)
        self.reviews = ReviewRepository(session, self.write)
        self.promos = PromoRepository(session)
        self.gift_cards = GiftCardRepository(session)
        self.sales = SalesRepository(session, self.write)
        self.daily_reports = DailyReportRepository(session, self.write)
        self.category_sales = CategorySaleRepository(session, self.write)
        self.pairs = ProductPairRepository(session)
        self.privacy = PrivacyRepository(session)
        self.faq = FaqRepository(session)
        self.invoices = InvoiceRepository(session)
        self.referrals = ReferralRepository(session)
        self.delivery_slots = DeliverySlotRepository(session)
        return self

    async def write(
        self,
        statement: Executable,
        *,
        rows: int | None = 1,
        params: dict[str, Any] | None = None,
    ) -> bool:
        """Run a compare-and-set write now: True if it touched `rows` rows. A deferring unit
        keeps it for `Store.apply` instead and answers True (the apply checks it later)."""
        if self.deferring:
            self.deferred.append(Write(statement, rows, params))
            return True
        result = await self.session.execute(statement, params)
        return rows is None or rowcount(result) == rows

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                marked, mark = _applied_mark() if not self.reading else (None, None)
                if mark is not None:
                    await self.session.execute(mark.statement, mark.params)
                await self.session.commit()
                if marked is not None:
                    marked.applied = True
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
        self._snapshot_sessionmaker = create_sessionmaker(engine, snapshot=True)
        # A shopper's visit on PostgreSQL runs the reads marked `prepared` on asyncpg itself.
        self._visit_sessionmaker = (
            create_sessionmaker(engine, reading=True, session=postgres_driver.VisitSession)
            if engine.dialect.name == "postgresql"
            else self._reading_sessionmaker
        )
        # SQLite has one writer at a time and every unit of work begins IMMEDIATE. Queueing them
        # here, in order, beats letting SQLite's busy handler sleep and retry (measured: about
        # twice the concurrent reservations per second; see README "Benchmarks").
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # A SQLite file also gets a connection used on the event loop's own thread, for
        # shoppers' visits and short writes (bot.store.inline).
        self._loop = inline.LoopConnection.for_url(engine.url.render_as_string(False))
        self._commits_since_checkpoint = 0
        self._checkpoint: asyncio.Task[None] | None = None

    @classmethod
    def from_url(cls, url: str, *, pool_size: int | None = None) -> Store:
        """`pool_size`: PostgreSQL connections kept open (None: POSTGRES_POOL_SIZE)."""
        return cls(create_engine(url, pool_size=pool_size))

    def uow(self) -> UnitOfWork:
        """A new unit of work; never open one inside another (on SQLite it would wait forever)."""
        return UnitOfWork(self.sessionmaker, self._write_lock)

    def reading(self, *, deferring: bool = False, by_key: bool = False) -> UnitOfWork:
        """A unit of work that only reads: it waits for no writer (WAL on SQLite). With
        `deferring`, repositories' compare-and-set writes are kept for `apply`. With
        `by_key` (a shopper's visit: a few rows by key), SQLite reads run on the event loop's
        own thread (bot.store.inline); reads that may take long, like searches
        (`heavy_reads()`), still go to a connection's thread. On PostgreSQL such a visit's
        reads marked `prepared` run straight on asyncpg (postgres_driver.VisitSession)."""
        sessions: Callable[[], AsyncSession] = (
            self._visit_sessionmaker if by_key else self._reading_sessionmaker
        )
        if by_key and self._loop is not None:
            loop, heavy = self._loop, self._reading_sessionmaker
            sessions = lambda: inline.InlineSession(loop, self.engine, heavy)  # noqa: E731
        return UnitOfWork(sessions, reading=True, deferring=deferring)

    @property
    def one_writer(self) -> bool:
        """Whether every write waits for any other (SQLite's one writer), so work that can
        be done before a long writing unit should be (PostgreSQL locks rows instead)."""
        return self._write_lock is not None

    def snapshot(self) -> UnitOfWork:
        """A reading unit whose reads all see the database as one moment left it, however
        long it reads (an export read in chunks while prices and stock change): one read
        transaction, REPEATABLE READ and READ ONLY on PostgreSQL, a plain BEGIN under WAL on
        SQLite. It waits for no writer and no writer waits for it."""
        return UnitOfWork(self._snapshot_sessionmaker, reading=True)

    async def apply(self, writes: Sequence[Write], *, chat_id: int | None) -> bool:
        """Make `writes` all or none, in one short transaction holding `chat_id`'s lock (None:
        writes that belong to no chat).

        False (and nothing written, but for a lone write `kept_if_refused`) if any touched
        another number of rows than it expects: someone changed what they were computed
        from, and the work must be done again. On SQLite the statements, their checks and
        the COMMIT run on the event loop's connection while this process's one writer is
        held; on PostgreSQL they go as one statement where they can (`_apply_postgres`).
        """
        marked, mark = _applied_mark()
        if mark is not None:
            writes = [*writes, mark]
        if self._write_lock is None and _stands_alone(writes, chat_id):
            # One statement is atomic on its own: no BEGIN and COMMIT round trips (the
            # inbox's insert before every update and its done marks after).
            [write] = writes
            async with self._autocommit() as connection:
                touched = await postgres_driver.write(connection, write.statement, write.params)
            applied = write.rows is None or touched == write.rows
        elif self._write_lock is None:
            applied = await self._apply_postgres(writes, chat_id)
        else:
            async with self._write_lock:
                applied = await self._apply_sqlite(writes)
        if applied and marked is not None:
            marked.applied = True
        return applied

    async def _apply_postgres(self, writes: Sequence[Write], chat_id: int | None) -> bool:
        """`apply` on PostgreSQL: one statement where the writes can go as one (one trip),
        else a transaction, begun together with the chat's lock."""
        async with self._autocommit() as connection:
            at_once = [(write.statement, write.params, write.rows) for write in writes]
            applied = await postgres_driver.apply_as_one(connection, at_once, chat_id=chat_id)
            if applied is not None:
                return applied
            try:
                holding = None if chat_id is None else lock_chat_sql(chat_id)
                async with postgres_driver.transaction(connection, first=holding) as driver:
                    for write in writes:
                        statement, params = write.statement, write.params
                        touched = await postgres_driver.write(connection, statement, params, driver)
                        if write.rows is not None and touched != write.rows:
                            raise _Refused
            except _Refused:
                return False
            return True

    async def _apply_sqlite(self, writes: Sequence[Write]) -> bool:
        """`apply` on SQLite, with the writer lock held: on the event loop's thread, unless
        another process is writing (then on a connection's thread, which may wait)."""
        if self._loop is not None:
            try:
                applied = self._loop.apply(writes)
            except inline.Busy:
                pass
            else:
                self._after_commit()
                return applied
        async with self.engine.connect() as connection:
            driver = await sqlite_driver.one_trip_connection(connection)
            with driver.batch() as batch:  # BEGIN IMMEDIATE and the writes are kept, not run
                for write in writes:
                    await connection.execute(write.statement, write.params)
                applied = await batch.run([None] + [write.rows for write in writes])
            await connection.rollback()  # for SQLAlchemy's sake: the batch already ended it
        return applied

    def _after_commit(self) -> None:
        """The loop's connection never checkpoints the WAL itself (it may take a while):
        every CHECKPOINT_EVERY of its commits, a connection's thread does, without waiting
        for readers or writers (PASSIVE)."""
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint < CHECKPOINT_EVERY:
            return
        if self._checkpoint is None or self._checkpoint.done():
            self._commits_since_checkpoint = 0
            self._checkpoint = asyncio.create_task(self._checkpoint_wal())

    async def _checkpoint_wal(self) -> None:
        try:
            async with self.engine.execution_options(**{READING: True}).connect() as connection:
                await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the next one, or any writing unit's commit, checkpoints instead
            log.warning("could not checkpoint the write-ahead log", exc_info=True)

    async def vacuum_catalog(self) -> None:
        """On PostgreSQL, after many products arrived at once: VACUUM the products table and
        the search vocabulary's, so their visibility maps let a catalog page be read from
        the browse index alone, and a word's typo candidates from the trigram index alone.
        Until autovacuum came by (if it runs at all), each deep page read the rows before it
        from the table (measured at 100,000 products: a middle page of the largest category
        23 ms, after 0.9 ms), and each typo lookup some 250 of the vocabulary's pages (its
        statement 0.39 -> 0.32 ms). SQLite needs nothing. VACUUM runs outside any
        transaction."""
        if self.engine.dialect.name != "postgresql":
            return
        async with self._autocommit() as connection:
            await connection.exec_driver_sql("VACUUM products, search_terms, search_trigrams")

    @contextlib.asynccontextmanager
    async def _autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose every statement commits on its own (PostgreSQL)."""
        async with self.engine.connect() as connection:
            yield await connection.execution_options(isolation_level="AUTOCOMMIT")

    async def migrate(self) -> None:
        from bot.store.migrate import upgrade_to_head

        await upgrade_to_head(self.engine)

    async def close(self) -> None:
        if self._checkpoint is not None:
            await self._checkpoint
        if self._loop is not None:
            await self._loop.close()
        await self.engine.dispose()


__all__ = ["Store", "UnitOfWork", "WriteWhileReading"]
