"""Categories and products, including the atomic stock operations."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    func,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, selectinload

from bot.catalog_rules import MAX_STOCK, named_sku, names_category, sku_key
from bot.store.models import (
    IN_STOCK,
    MAYBE_IN_STOCK,
    MAYBE_SOLD_OUT,
    Category,
    Product,
    ProductVariant,
    utcnow,
)
from bot.store.postgres_driver import CopyFeed
from bot.store.prepared import prepared
from bot.store.repositories.search import ranked_ids
from bot.store.search_index import WordCollector, register_sqlite_functions
from bot.store.sqlite_driver import heavy_reads, insert_rows, one_trip_connection

# The words a bulk write kept (a JSON list), added as the triggers would have added them.
_ADD_TERMS = text("INSERT OR IGNORE INTO search_terms (term) SELECT value FROM json_each(:terms)")


class ProductFeed(Protocol):
    """New products going into the database in batches (`ProductRepository.adding`)."""

    async def send(self, rows: Sequence[dict[str, Any]]) -> None: ...
    async def end(self) -> None: ...
    async def abort(self) -> None: ...


class _InsertsAtEnd:
    """SQLite's feed: the rows wait for `end`, then go in as few statements as its limit on
    parameters allows (FTS5 writes out what it holds at the end of each statement)."""

    def __init__(self, session: AsyncSession, table: Table) -> None:
        self.session, self.table = session, table
        self._rows: list[dict[str, Any]] = []

    async def send(self, rows: Sequence[dict[str, Any]]) -> None:
        self._rows.extend(rows)

    async def end(self) -> None:
        rows, self._rows = self._rows, []
        await insert_rows(self.session, self.table, rows)

    async def abort(self) -> None:
        self._rows = []


class CategoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, category_id: int) -> Category | None:
        return await self.session.get(Category, category_id)

    async def get_by_slug(self, slug: str) -> Category | None:
        return await self.session.scalar(select(Category).where(Category.slug == slug))

    async def get_or_create(self, slug: str, title: str) -> Category:
        category = await self.get_by_slug(slug)
        if category is None:  # stored under an older key (before non-Latin slugs): its title
            category = await self.session.scalar(
                select(Category).where(Category.title == title).order_by(Category.id).limit(1)
            )
        if category is None:
            position = await self.session.scalar(select(func.count()).select_from(Category))
            category = Category(slug=slug, title=title, position=position or 0)
            self.session.add(category)
            await self.session.flush()
        return category

    async def ensure(self, titles_by_slug: dict[str, str]) -> dict[str, int]:
        """The id of each category named (slug -> title), creating the missing ones in order.
        A category stored under an older key (before slugs kept non-Latin letters, all such
        titles had one) is found by its title."""
        stored = await self.list_all()
        ids = {c.slug: c.id for c in stored}
        titles = {c.title: c.id for c in reversed(stored)}
        for slug, title in titles_by_slug.items():
            if slug not in ids and title in titles:
                ids[slug] = titles[title]
        missing = [slug for slug in titles_by_slug if slug not in ids]
        for position, slug in enumerate(missing, start=len(ids)):
            category = Category(slug=slug, title=titles_by_slug[slug], position=position)
            self.session.add(category)
            await self.session.flush()
            ids[slug] = category.id
        return ids

    async def translate(self, translations_by_slug: dict[str, dict[str, str]]) -> None:
        """Category titles in other languages, from the catalog file: the languages it names
        change ("": that one goes), the others stay."""
        if not translations_by_slug:
            return
        for category in await self.list_all():
            if category.slug not in translations_by_slug:
                continue
            named = {**(category.translations or {}), **translations_by_slug[category.slug]}
            found = {language: text for language, text in named.items() if text} or None
            if category.translations != found:
                category.translations = found

    async def list_all(self) -> Sequence[Category]:
        return (await self.session.scalars(select(Category).order_by(Category.position))).all()

    async def named(self, name: str) -> Category | None:
        """The category a name stands for (`catalog_rules.names_category`: by title or slug,
        any case, trimmed), as `/promo new ... cat=` and a code's scope match them."""
        for category in await self.list_all():
            if names_category(name, category.title, category.slug):
                return category
        return None

    async def list_with_active_products(
        self, *, in_stock: bool = False, sets: Collection[int] = ()
    ) -> list[tuple[Category, int]]:
        """Categories a shopper can browse, with how many visible products each has; with
        `in_stock` how many can be bought now, leaving out those with none (`sets`: the
        sets whose parts make one now, bot.services.bundles.sets_in_stock)."""
        rows = await self.session.scalars(
            select(Category)
            .where(Category.active_products > 0)
            .order_by(Category.position, Category.id)
            .execution_options(populate_existing=True)  # the count is kept by the database
        )
        counted = [(category, category.active_products) for category in rows]
        if not in_stock:
            return counted
        sold_out = await sold_out_by_category(self.session, sets=sets)
        left = [(category, count - sold_out.get(category.id, 0)) for category, count in counted]
        return [(category, count) for category, count in left if count > 0]


# Built once: a product is read by id or SKU on nearly every update. Always read afresh, since
# stock moves by UPDATE statements the session's copies do not see.
_PRODUCT_BY_ID = prepared(
    select(Product)
    .where(Product.id == bindparam("product_id"))
    .execution_options(populate_existing=True)
)
_PRODUCT_BY_SKU = prepared(select(Product).where(Product.sku == bindparam("sku")))
_PRODUCTS_BY_ID = prepared(
    select(Product).where(Product.id.in_(bindparam("product_ids", expanding=True)))
)


def _same_sku(column: Mapped[str], sku: str) -> ColumnElement[bool]:
    """`column` equal to `sku` as `sku_key` compares them (SKUs are ASCII: SQL's upper
    agrees with Python's on both databases)."""
    return func.upper(column) == sku_key(sku)


class ListedProduct(NamedTuple):
    """A product as a list shows it (a category's page, a page of search results): what a
    line needs, without the description, photo and dates a whole product is read with
    (a page of eight: 145 µs as products, 42 µs so)."""

    id: int
    sku: str
    title: str
    price: int
    currency: str
    available: int
    options: list[dict[str, Any]] | None
    translations: dict[str, dict[str, str]] | None
    compare_at_price: int | None  # the regular price while on sale
    bundle: list[dict[str, int]] | None = None  # a set's parts (its stock is theirs)

    @property
    def has_variants(self) -> bool:
        return bool(self.options)


# The columns of a ListedProduct, in its order: every read of one selects these.
LISTED_COLUMNS = (
    Product.id,
    Product.sku,
    Product.title,
    Product.price,
    Product.currency,
    Product.available,
    Product.options,
    Product.translations,
    Product.compare_at_price,
    Product.bundle,
)

_LISTED_BY_ID = prepared(
    select(*LISTED_COLUMNS).where(Product.id.in_(bindparam("product_ids", expanding=True)))
)


# How a category's products can be ordered, each by an index (name by migration 0008's,
# price and newest by 0020's, rating by 0027's). Prices compare within one currency: a
# category mixing currencies lists one currency's products, then the next's (alphabetically;
# reversed for "price_desc"), never 5 EUR between 4 and 6 USD. A product with variants sorts
# by its own price, the one its line in the list shows. The id breaks ties so that pages
# never overlap or skip.
CATEGORY_ORDERS: dict[str, tuple[Any, ...]] = {
    "name": (Product.title, Product.id),
    "price": (Product.currency, Product.price, Product.id),
    "price_desc": (Product.currency.desc(), Product.price.desc(), Product.id.desc()),
    "newest": (Product.created_at.desc(), Product.id.desc()),
    # Best rated first (Product.rating_rank), then the most rated, then the newest; the
    # unrated last (migration 0027).
    "rating": (Product.rating_rank.desc(), Product.rating_count.desc(), Product.id.desc()),
}


def _browsed(
    category_id: int, *, in_stock: bool, sets: Collection[int] = ()
) -> list[ColumnElement[bool]]:
    """Which products a category page lists: the active ones, and with `in_stock` only those
    with a unit to sell (IN_STOCK), said so that the in-stock indexes (MAYBE_IN_STOCK) serve.
    `sets`: the sets whose parts make one now (their own stock is 0); only when there are
    some does the filter gain their OR branch (and the page leave the in-stock index)."""
    if in_stock and sets:
        return [
            Product.category_id == category_id,
            or_(and_(MAYBE_IN_STOCK, IN_STOCK), Product.id.in_(sorted(sets))),
        ]
    if in_stock:
        return [Product.category_id == category_id, MAYBE_IN_STOCK, IN_STOCK]
    return [Product.category_id == category_id, Product.is_active.is_(True)]


def category_page_ids(
    category_id: int,
    order: str,
    *,
    in_stock: bool,
    offset: int,
    limit: int,
    sets: Collection[int] = (),
) -> Select[int]:
    """The ids of one page of a category in `order` (CATEGORY_ORDERS): read from that
    order's index, or with `in_stock` from its in-stock index (migration 0021)."""
    return (
        select(Product.id)
        .where(*_browsed(category_id, in_stock=in_stock, sets=sets))
        .order_by(*CATEGORY_ORDERS[order])
        .offset(offset)
        .limit(limit)
    )


async def sold_out_by_category(
    session: AsyncSession, category_id: int | None = None, *, sets: Collection[int] = ()
) -> dict[int, int]:
    """How many products on sale cannot be bought now, per category (or in one): read from
    the sold-out index (migration 0021), so that what is in stock is a kept counter less
    these, which most shops have fewer of. A set's own stock is 0: those in `sets` (their
    parts make one now) are not sold out."""
    stmt = (
        select(Product.category_id, func.count())
        .where(MAYBE_SOLD_OUT, not_(IN_STOCK))
        .group_by(Product.category_id)
    )
    if sets:
        stmt = stmt.where(Product.id.not_in(sorted(sets)))
    if category_id is not None:
        stmt = stmt.where(Product.category_id == category_id)
    with heavy_reads():  # walks the sold-out entries of the category, or of every one
        return {int(row[0]): int(row[1]) for row in await session.execute(stmt)}


_WHOLE_ROWS_SQL = "SELECT sku, * FROM products"
_ROW_DIGESTS = text("SELECT p.sku, md5(p::text) FROM products AS p")


def _row_hashes(connection: sqlite3.Connection) -> dict[str, int]:
    """`fingerprints` on a SQLite connection's thread."""
    return {row[0]: hash(row) for row in connection.execute(_WHOLE_ROWS_SQL)}


_IMPORT_LOCK = {"space": 0x73686F70, "key": 1}  # "shop", 1: catalog imports
_WAIT_FOR_IMPORTS = text("SELECT pg_advisory_xact_lock(:space, :key)")
_TRY_IMPORTS = text("SELECT pg_try_advisory_xact_lock(:space, :key)")


class ProductRepository:
    def __init__(self, session: AsyncSession, *, reading: bool = False) -> None:
        self.session = session
        self._reading = reading
        self._read: dict[int, Product] = {}  # a reading unit's products, by id (see `get`)

    @property
    def _dialect(self) -> str | None:
        """The database's dialect ("sqlite", "postgresql"): bulk writes take its own way."""
        bind = self.session.bind
        return bind.dialect.name if bind is not None else None

    async def take_import_turn(self, *, wait: bool) -> bool:
        """The catalog import's turn, for the rest of this transaction: on PostgreSQL two
        imports (two admins, on two workers) would interleave their new rows and collide,
        so each holds an advisory lock (in the two-key space, apart from the chats' locks).
        Without `wait`, False if another import holds it. SQLite has one writer anyway."""
        if self._dialect != "postgresql":
            return True
        if wait:
            await self.session.execute(_WAIT_FOR_IMPORTS, _IMPORT_LOCK)
            return True
        return bool(await self.session.scalar(_TRY_IMPORTS, _IMPORT_LOCK))

    async def add(self, product: Product) -> Product:
        self.session.add(product)
        await self.session.flush()
        return product

    async def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert products given as column values (every row naming the same columns),
        straight through the driver (bot.store.bulk): COPY on PostgreSQL, multi-row INSERTs in
        one trip on SQLite."""
        async with self.adding() as feed:
            await feed.send(rows)

    @asynccontextmanager
    async def adding(self) -> AsyncIterator[ProductFeed]:
        """A feed for many new products sent in batches as they are made (`add_many`'s
        rows): on PostgreSQL one COPY, which the server writes while the next batch is made;
        on SQLite the batches wait for the end, as few multi-row INSERTs as SQLite's limit
        allows. Every row is stored on leaving (or at the feed's `end`, before any other
        statement of this unit); none if the body raises."""
        table = cast(Table, Product.__table__)
        feed: ProductFeed
        if self._dialect == "postgresql":
            feed = CopyFeed(self.session, table)
        else:
            feed = _InsertsAtEnd(self.session, table)
        try:
            yield feed
        except BaseException:
            await feed.abort()
            raise
        await feed.end()

    async def all_skus(self) -> tuple[set[str], set[str]]:
        """Every product's SKU, and every variant's: a bulk write tells new rows from known
        ones without asking for each batch (its COPY holds the connection meanwhile)."""
        products = await self.session.scalars(select(Product.sku))
        variants = await self.session.scalars(select(ProductVariant.sku))
        return set(products), set(variants)

    async def variant_skus(self) -> list[str]:
        """Every variant's SKU."""
        return list(await self.session.scalars(select(ProductVariant.sku)))

    async def fingerprints(self) -> dict[str, int]:
        """Every product's SKU and a hash of its whole stored row (no ORM objects, no JSON
        decoded: on SQLite of the row as the driver gives it, on the connection's thread in
        one trip, 0.2-0.3 s at 100,000; on PostgreSQL the server's md5 of the row's text).
        The same hash in one process: the row has not changed (an import's plan holds)."""
        if self._dialect == "sqlite":
            driver = await one_trip_connection(self.session)
            return cast(dict[str, int], await driver.on_thread(_row_hashes))
        rows = await self.session.execute(_ROW_DIGESTS)  # PostgreSQL: the server hashes them
        return {sku: hash(digest) for sku, digest in rows}

    async def update_many(self, changes: Sequence[dict[str, Any]]) -> None:
        """Update products by id; each dict names an `id` and the columns that change."""
        if changes:
            now = utcnow()
            await self.session.execute(
                update(Product), [change | {"updated_at": now} for change in changes]
            )

    @asynccontextmanager
    async def new_words_at_once(self) -> AsyncIterator[None]:
        """For bulk writes (`add_many`, `update_many`): on SQLite, the search index's new
        words of the products written inside are added once, at the end, rather than by the
        triggers row by row (search_index.WordCollector). PostgreSQL's triggers take a
        statement's rows at once already."""
        if self._dialect != "sqlite":
            yield
            return
        driver = await one_trip_connection(self.session)
        collector = WordCollector()
        await driver.on_thread(collector.install)
        try:
            yield
        finally:
            await driver.on_thread(register_sqlite_functions)
        await self.session.execute(_ADD_TERMS, {"terms": collector.words_json()})

    async def after_bulk_load(self) -> None:
        """After many products arrive at once. PostgreSQL: move the full-text index's pending
        entries into the index proper (searches scan a pending list one by one) and tell the
        planner what the catalog holds now (searches then ask for its counts again). SQLite:
        merge the FTS5 index's segments (a bulk load leaves dozens) into one, so a search
        reads each word's list once, not once per segment: checking one product against a
        word, as the title walk of a common word does (bot.store.repositories.search), is
        several times cheaper. 0.2 s at 100k."""
        if self._dialect == "postgresql":
            await self.session.execute(text("SELECT gin_clean_pending_list('ix_search_products')"))
            await self.session.execute(text("ANALYZE products"))
        else:
            await self.session.execute(
                text("INSERT INTO search_products (search_products) VALUES ('optimize')")
            )

    def _one_of(self, column: Mapped[str], values: Sequence[str]) -> ColumnElement[bool]:
        """`column IN values` for an import's chunks of SKUs: on PostgreSQL one array
        parameter (SQLAlchemy renders and casts each value of an IN list: a 100,000-product
        seed's lookups took 2.9 s so, 1.3 s with the array), on SQLite the IN list."""
        if self._dialect == "postgresql":
            return column == any_(bindparam("values", list(values), type_=ARRAY(String)))
        return column.in_(values)

    async def current_by_sku(self, skus: Sequence[str]) -> dict[str, Row[Any]]:
        """The stored columns of the products with these SKUs (plain rows: cheap to compare)."""
        rows = await self.session.execute(
            select(*Product.__table__.c).where(self._one_of(Product.sku, skus))
        )
        return {row.sku: row for row in rows}

    async def get(self, product_id: int) -> Product | None:
        """The product as stored now. A reading unit changes no product, so a product it has
        read already is given again without asking the database (adding to the cart reads
        it, and then the card shows it); a writing unit reads it afresh, since a stock
        change it made in SQL is not on the loaded object."""
        if self._reading and product_id in self._read:
            return self._read[product_id]
        product = await self.session.scalar(_PRODUCT_BY_ID, {"product_id": product_id})
        if self._reading and product is not None:
            self._read[product_id] = product
        return product

    async def get_by_sku(self, sku: str) -> Product | None:
        return await self.session.scalar(_PRODUCT_BY_SKU, {"sku": sku})

    async def find_by_sku(self, sku: str) -> Product | None:
        """The product an SKU typed in any case names (`named_sku`; CaseTwins if it could be
        several). The SKU index answers the spelling typed; only when it misses is every
        SKU compared in upper case (a scan), so case twins are never missed."""
        if (product := await self.get_by_sku(sku.strip())) is not None:
            return product
        found = await self.session.scalars(select(Product).where(_same_sku(Product.sku, sku)))
        by_sku = {p.sku: p for p in found}
        named = named_sku(sku, list(by_sku))
        return by_sku[named] if named is not None else None

    async def get_many(self, product_ids: Sequence[int]) -> dict[int, Product]:
        rows = await self.session.scalars(_PRODUCTS_BY_ID, {"product_ids": list(product_ids)})
        return {p.id: p for p in rows}

    async def list_all(self) -> Sequence[Product]:
        """Every product with its category and variants, in SKU order: for small catalogs
        (tests, the demo). The admin's screens read a page (`page_by_sku`) or a chunk at a
        time (`after_sku`): at 100,000 products this takes 4-6 s and some 200 MB."""
        stmt = (
            select(Product)
            .options(selectinload(Product.category), selectinload(Product.variants))
            .order_by(Product.sku)
        )
        return (await self.session.scalars(stmt)).all()

    async def count_all(self) -> int:
        """How many products there are, hidden ones too."""
        return int(await self.session.scalar(select(func.count()).select_from(Product)) or 0)

    async def sku_of(self, product_id: int) -> str | None:
        """The product's SKU; None if there is no such product."""
        return await self.session.scalar(select(Product.sku).where(Product.id == product_id))

    async def page_by_sku(
        self, *, after: str | None = None, before: str | None = None, limit: int
    ) -> tuple[list[Product], bool]:
        """Up to `limit` products (hidden ones too) in SKU order, with their variants: the
        first ones, those right after the SKU `after`, or those right before `before`; and
        whether there are more beyond them that way. A keyset page: SKUs are unique, so the
        SKU alone orders them, and the page's ids come from the SKU index from that SKU on
        (an OFFSET walked every entry before a deep page), then only those products are
        read."""
        page = select(Product.id).limit(limit + 1)
        if before is not None:
            page = page.where(Product.sku < before).order_by(Product.sku.desc())
        else:
            page = page.order_by(Product.sku)
            if after is not None:
                page = page.where(Product.sku > after)
        ids = list(await self.session.scalars(page))
        more, ids = len(ids) > limit, ids[:limit]
        if not ids:
            return [], more
        stmt = (
            select(Product)
            .where(Product.id.in_(ids))
            .options(selectinload(Product.variants))
            .order_by(Product.sku)
        )
        return list((await self.session.scalars(stmt)).all()), more

    async def after_sku(self, sku: str | None, *, limit: int) -> Sequence[Product]:
        """The next `limit` products after `sku` in SKU order (from the first, for None),
        with their category and variants: the whole catalog a chunk at a time."""
        stmt = (
            select(Product)
            .options(selectinload(Product.category), selectinload(Product.variants))
            .order_by(Product.sku)
            .limit(limit)
        )
        if sku is not None:
            stmt = stmt.where(Product.sku > sku)
        return (await self.session.scalars(stmt)).all()

    async def priced_in_category(
        self, category_id: int, *, active_only: bool, lock: bool = False
    ) -> Sequence[Product]:
        """The category's products with their variants, in SKU order; with `lock`, locked for
        a change of their prices (/sale): a /price at the same moment waits for it, or it
        for the /price (PostgreSQL; SQLite's one writer does the same)."""
        stmt = (
            select(Product)
            .where(Product.category_id == category_id)
            .options(selectinload(Product.variants))
            .order_by(Product.sku)
        )
        if lock:
            stmt = stmt.with_for_update(of=Product)
        if active_only:
            stmt = stmt.where(Product.is_active.is_(True))
        return (await self.session.scalars(stmt)).all()

    async def count_in_category(
        self, category_id: int, *, in_stock: bool = False, sets: Collection[int] = ()
    ) -> int:
        """Active products of the category (the kept counter), or only those that can be
        bought now: the counter less those that cannot, counted from the sold-out index
        (migration 0021), where a shop has fewer than in stock."""
        if not in_stock:
            stmt = select(Category.active_products).where(Category.id == category_id)
            return int(await self.session.scalar(stmt) or 0)
        on_sale = await self.count_in_category(category_id)
        sold_out = await sold_out_by_category(self.session, category_id, sets=sets)
        return on_sale - sold_out.get(category_id, 0)

    async def list_in_category(
        self,
        category_id: int,
        *,
        offset: int = 0,
        limit: int = 8,
        order: str = "name",
        in_stock: bool = False,
        sets: Collection[int] = (),
    ) -> list[ListedProduct]:
        """One page in the order asked for (CATEGORY_ORDERS). The page's ids come from the
        order's browse index (deep pages skip index entries, not rows; only the in-stock
        filter reads rows), then only those products are read."""
        page = category_page_ids(
            category_id, order, in_stock=in_stock, offset=offset, limit=limit, sets=sets
        )
        with heavy_reads():  # a deep page walks the index up to its offset
            ids = list(await self.session.scalars(page))
        return await self.listed(ids)

    async def search_ids(
        self, words: Sequence[str], *, limit: int = 50, offset: int = 0
    ) -> list[int]:
        """Ids of active products matching the words, best first (see
        bot.store.repositories.search): each word exactly, as a word's start, or within a typo."""
        with heavy_reads():  # never on the event loop's thread: it may take a while
            return await ranked_ids(self.session, words, limit=limit, offset=offset)

    async def search(
        self, words: Sequence[str], *, limit: int = 50, offset: int = 0
    ) -> list[Product]:
        """The products of `search_ids`, in that order."""
        return await self.get_ordered(await self.search_ids(words, limit=limit, offset=offset))

    async def listed(self, product_ids: Sequence[int]) -> list[ListedProduct]:
        """These products as a list shows them, in this order (any that no longer exist
        left out)."""
        if not product_ids:
            return []
        rows = await self.session.execute(_LISTED_BY_ID, {"product_ids": list(product_ids)})
        found = {row[0]: ListedProduct(*row) for row in rows}
        return [found[i] for i in product_ids if i in found]

    async def get_ordered(self, product_ids: Sequence[int]) -> list[Product]:
        """These products in this order (any that no longer exist left out)."""
        if not product_ids:
            return []
        found = await self.get_many(product_ids)
        return [found[i] for i in product_ids if i in found]

    async def list_in_stock(self, limit: int, *, sets: Collection[int] = ()) -> Sequence[Product]:
        """The first active products (in catalog order) that can be bought now; `sets`: the
        sets whose parts make one (their own stock is 0)."""
        in_stock = or_(IN_STOCK, Product.id.in_(sorted(sets))) if sets else IN_STOCK
        stmt = (
            select(Product)
            .where(Product.is_active.is_(True), in_stock)
            .order_by(Product.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def low_stock(self, threshold: int, *, limit: int) -> Sequence[Product]:
        """The `limit` products on sale (not sold as variants) with the fewest available, at
        most `threshold`."""
        stmt = (
            select(Product)
            .where(*_low_product(threshold))
            .order_by(Product.stock - Product.reserved, Product.sku)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def count_low_stock(self, threshold: int) -> int:
        """How many products and variants on sale have at most `threshold` available."""
        products = select(func.count()).select_from(Product).where(*_low_product(threshold))
        variants = (
            select(func.count())
            .select_from(ProductVariant)
            .join(Product, Product.id == ProductVariant.product_id)
            .where(*_low_variant(threshold))
        )
        return int(await self.session.scalar(products) or 0) + int(
            await self.session.scalar(variants) or 0
        )

    # -- Stock: every change is one conditional UPDATE; the row count says if it happened. --
    # `variant_id` names the variant whose stock moves (0: the product's own stock).

    async def reserve(self, product_id: int, quantity: int, variant_id: int = 0) -> bool:
        """Hold `quantity` units if that many are available; False if not (nothing changes)."""
        if variant_id:
            on_sale = (
                select(Product.id)
                .where(Product.id == product_id, Product.is_active.is_(True))
                .exists()
            )
            return await self._move_variant(
                variant_id,
                ProductVariant.stock - ProductVariant.reserved >= quantity,
                on_sale,
                ProductVariant.product_id == product_id,
                reserved=ProductVariant.reserved + quantity,
            )
        return await self._move(
            product_id,
            Product.is_active.is_(True),
            Product.stock - Product.reserved >= quantity,
            reserved=Product.reserved + quantity,
        )

    async def release(self, product_id: int, quantity: int, variant_id: int = 0) -> bool:
        """Give back units held by an invoice that will not be paid."""
        if variant_id:
            return await self._move_variant(
                variant_id,
                ProductVariant.reserved >= quantity,
                reserved=ProductVariant.reserved - quantity,
            )
        return await self._move(
            product_id, Product.reserved >= quantity, reserved=Product.reserved - quantity
        )

    async def sell_reserved(self, product_id: int, quantity: int, variant_id: int = 0) -> bool:
        """Turn held units into a sale: they leave stock and the hold."""
        if variant_id:
            return await self._move_variant(
                variant_id,
                ProductVariant.reserved >= quantity,
                stock=ProductVariant.stock - quantity,
                reserved=ProductVariant.reserved - quantity,
            )
        return await self._move(
            product_id,
            Product.reserved >= quantity,
            stock=Product.stock - quantity,
            reserved=Product.reserved - quantity,
        )

    async def sell_unreserved(self, product_id: int, quantity: int, variant_id: int = 0) -> bool:
        """Sell units that were not held (a late payment after the hold expired), if available."""
        if variant_id:
            return await self._move_variant(
                variant_id,
                ProductVariant.stock - ProductVariant.reserved >= quantity,
                stock=ProductVariant.stock - quantity,
            )
        return await self._move(
            product_id,
            Product.stock - Product.reserved >= quantity,
            stock=Product.stock - quantity,
        )

    async def restock(self, product_id: int, quantity: int, variant_id: int = 0) -> None:
        """Put units back on hand (a cancelled paid order)."""
        if variant_id:
            await self._move_variant(variant_id, stock=ProductVariant.stock + quantity)
        else:
            await self._move(product_id, stock=Product.stock + quantity)

    async def set_stock(self, product_id: int, stock: int, variant_id: int = 0) -> bool:
        """Set on-hand stock, refused (False) if it would fall below what invoices hold."""
        if variant_id:
            return await self._move_variant(
                variant_id, ProductVariant.reserved <= stock, stock=stock
            )
        return await self._move(product_id, Product.reserved <= stock, stock=stock)

    async def adjust_stock(self, product_id: int, delta: int, variant_id: int = 0) -> bool:
        """Add or remove units, refused (False) if stock would fall below what is held or
        an addition would take it above MAX_STOCK (checked in the one UPDATE: two additions
        at once cannot pass it together)."""
        table: type[Product] | type[ProductVariant] = ProductVariant if variant_id else Product
        after = table.stock + delta
        conditions = [after >= table.reserved] + ([after <= MAX_STOCK] if delta > 0 else [])
        if variant_id:
            return await self._move_variant(variant_id, *conditions, stock=after)
        return await self._move(product_id, *conditions, stock=after)

    async def _move(self, product_id: int, *conditions: Any, **values: Any) -> bool:
        result = await self.session.execute(
            update(Product)
            .where(Product.id == product_id, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    async def _move_variant(self, variant_id: int, *conditions: Any, **values: Any) -> bool:
        result = await self.session.execute(
            update(ProductVariant)
            .where(ProductVariant.id == variant_id, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    # -- Variants --

    async def variants_of(self, product_id: int) -> list[ProductVariant]:
        """The product's variants in catalog order, read afresh (stock moves by UPDATE)."""
        found = await self.session.scalars(_VARIANTS_OF, {"product_id": product_id})
        return list(found)

    async def variants_of_many(self, product_ids: Sequence[int]) -> dict[int, list[ProductVariant]]:
        """The variants of these products, by product, in catalog order."""
        by_product: dict[int, list[ProductVariant]] = {i: [] for i in product_ids}
        if product_ids:
            found = await self.session.scalars(
                select(ProductVariant)
                .where(ProductVariant.product_id.in_(product_ids))
                .order_by(ProductVariant.product_id, ProductVariant.position, ProductVariant.id)
            )
            for variant in found:
                by_product[variant.product_id].append(variant)
        return by_product

    async def get_variant(self, variant_id: int) -> ProductVariant | None:
        return await self.session.scalar(
            select(ProductVariant)
            .where(ProductVariant.id == variant_id)
            .execution_options(populate_existing=True)
        )

    async def get_variant_by_sku(self, sku: str) -> ProductVariant | None:
        return await self.session.scalar(select(ProductVariant).where(ProductVariant.sku == sku))

    async def find_variant_by_sku(self, sku: str) -> ProductVariant | None:
        """The variant an SKU typed in any case names, as `find_by_sku` finds products."""
        if (variant := await self.get_variant_by_sku(sku.strip())) is not None:
            return variant
        found = await self.session.scalars(
            select(ProductVariant).where(_same_sku(ProductVariant.sku, sku))
        )
        by_sku = {v.sku: v for v in found}
        named = named_sku(sku, list(by_sku))
        return by_sku[named] if named is not None else None

    async def variant_stock(self, product_ids: Sequence[int]) -> dict[int, int]:
        """Units available across each product's variants (for products sold as variants)."""
        if not product_ids:
            return {}
        rows = await self.session.execute(
            select(
                ProductVariant.product_id,
                func.sum(ProductVariant.stock - ProductVariant.reserved),
            )
            .where(ProductVariant.product_id.in_(product_ids))
            .group_by(ProductVariant.product_id)
        )
        return {int(product_id): int(units or 0) for product_id, units in rows.all()}

    async def low_stock_variants(self, threshold: int, *, limit: int) -> Sequence[ProductVariant]:
        """The `limit` variants of products on sale with the fewest available, at most
        `threshold`."""
        stmt = (
            select(ProductVariant)
            .join(Product, Product.id == ProductVariant.product_id)
            .options(selectinload(ProductVariant.product))
            .where(*_low_variant(threshold))
            .order_by(ProductVariant.stock - ProductVariant.reserved, ProductVariant.sku)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()


def _low_product(threshold: int) -> tuple[ColumnElement[bool], ...]:
    """A product on sale, not sold as variants (see _low_variant), with at most `threshold`
    available."""
    return (
        Product.is_active.is_(True),
        Product.options.is_(None),
        Product.stock - Product.reserved <= threshold,
    )


def _low_variant(threshold: int) -> tuple[ColumnElement[bool], ...]:
    """A variant of a product on sale with at most `threshold` available (joined to it)."""
    return (
        Product.is_active.is_(True),
        ProductVariant.stock - ProductVariant.reserved <= threshold,
    )


_VARIANTS_OF = (
    select(ProductVariant)
    .where(ProductVariant.product_id == bindparam("product_id"))
    .order_by(ProductVariant.position, ProductVariant.id)
    .execution_options(populate_existing=True)
)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
