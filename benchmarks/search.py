"""Search and bulk seeding with big catalogs: `await run(quick, postgres)` prints the figures.

For 1,000, 10,000 and 100,000 generated products (benchmarks/catalog_gen.py) on SQLite and
PostgreSQL: the time `python -m bot seed --file` takes to load them, and search latency
measured in-process (one reading unit of work per search, as the bot does it) over a mix of
shopper queries: names, single words, typos, several words. At the largest size also round
trips through the real bot and the Bot API stand-in (/search against /help, and /help while
three other chats search), and a separate process holding a Store searches 1,000 times and
reports its own RSS before and after.

    python -m benchmarks.search [--quick] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from benchmarks import catalog_gen
from bot.services import admin_catalog, catalog
from bot.store.models import Product
from bot.store.uow import Store, UnitOfWork

if TYPE_CHECKING:
    from bot.standin import BotApiStandIn, FakeUser

PG_ADMIN = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/test")
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (500,)
ROUNDS = 5  # times each query of the mix is timed per size and database
RSS_SEARCHES = 1_000
# What shoppers type: product names, single words, typos, several words, a sentence.
QUERIES = (
    "gooseneck kettle",
    "kettel",
    "mug",
    "stoneware mug",
    "ceramik mug",
    "lantren",
    "expresso beans",
    "black",
    "merino wool throw",
    "fountain pen",
    "notebok",
    "copper pan",
    "speckled oat mug 350ml",
    "I want a hammock please",
    "zebra xylophone",
)
# A word in every generated product: the most a single search can have to rank.
EVERYWHERE = "model"
PHASE = 20  # /help round trips alone, beside searchers, beside /help senders (_chat_round_trips)


async def run(quick: bool, postgres: bool) -> None:
    """With `quick` (the test suite's smoke test) one small catalog, and the round trips
    through the chat and the RSS measured on the first database only: the same code on the
    other (PostgreSQL's bot is run by the floor benchmark)."""
    sizes = QUICK_SIZES if quick else SIZES
    print("Search through the text index (in-process, one reading unit of work per search):")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for size in sizes:
            catalog_file = catalog_gen.write(workdir / f"catalog-{size}.json", size)
            for backend in ("SQLite", "PostgreSQL") if postgres else ("SQLite",):
                async with _database(backend, workdir / f"{size}.db") as url:
                    if url is None:
                        continue
                    await _bench(
                        url,
                        backend,
                        size,
                        catalog_file,
                        quick=quick,
                        rss=size == sizes[-1] and not (quick and backend != "SQLite"),
                    )


async def _bench(
    url: str, backend: str, size: int, catalog_file: Path, *, quick: bool, rss: bool
) -> None:
    seconds = _seed_with_cli(url, catalog_file)
    store = Store.from_url(url)
    try:
        rounds = 1 if quick else ROUNDS
        mix = await _latencies(store, QUERIES, rounds)
        everywhere = await _latencies(store, (EVERYWHERE,), rounds)
        browse = await _browsing(store, rounds)
        admin = await _admin(store, rounds)
    finally:
        await store.close()
    print(
        f"  {backend:<10} {size:>7,} products: seed {seconds:5.1f} s; search {_fmt(mix)} "
        f"({len(mix)} searches); a word in every product: {_fmt(everywhere)}; "
        f"categories and a page (first, middle, last) {_fmt(browse)}"
    )
    print(
        f"  {backend:<10} {size:>7,} products, the admin's: product list (first, middle, last "
        f"page) {_fmt(admin.pages)}, the event loop's longest wait {admin.pages_stall * 1000:.0f}"
        f" ms; export {admin.export:.2f} s ({admin.export_mb:.1f} MB of CSV), the event loop's "
        f"longest wait {admin.export_stall * 1000:.0f} ms"
    )
    if rss:  # the largest size: through the chat too, and the bot's memory
        t = await _chat_round_trips(url, catalog_file.parent, catalog_file, quick=quick)
        print(
            f"  {backend:<10} through the chat, in turns: /help {_fmt(t.alone)}; /search "
            f"{_fmt(t.search)} ({_p95(t.search) / _p95(t.alone):.2f} x /help); /help alone "
            f"{_fmt(t.quiet)}, while 3 chats search {_fmt(t.busy)} "
            f"({_p95(t.busy) / _p95(t.quiet):.2f} x), while 3 chats ask for /help "
            f"{_fmt(t.helped)} (beside searches {_p95(t.busy) / _p95(t.helped):.2f} x beside /help)"
        )
        print(
            f"  {backend:<10} the echo bot in the same phases (the floor, PTB's own HTTP "
            f"client): /help alone {_fmt(t.echo_quiet)}, while 3 chats send it the searches "
            f"{_fmt(t.echo_busy)} ({_p95(t.echo_busy) / _p95(t.echo_quiet):.2f} x)"
        )
        print(
            f"  {backend:<10} a bot with no framework in the same phases (the machine's floor): "
            f"/help alone {_fmt(t.bare_quiet)}, while 3 chats send it the searches "
            f"{_fmt(t.bare_busy)} ({_p95(t.bare_busy) / _p95(t.bare_quiet):.2f} x)"
        )
        before, after = _rss_in_subprocess(url, 100 if quick else RSS_SEARCHES)
        print(
            f"  {backend:<10} RSS of a process holding the store: {before:.0f} MB, after "
            f"{100 if quick else RSS_SEARCHES:,} searches {after:.0f} MB "
            f"({after - before:+.0f} MB)"
        )


def _seed_with_cli(url: str, catalog_file: Path) -> float:
    """`python -m bot seed --file` in its own process, as an admin runs it: wall seconds."""
    env = os.environ | {"DATABASE_URL": url, "BOT_TOKEN": "123456:benchmark"}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            os.devnull,
            "seed",
            "--file",
            str(catalog_file),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


async def _latencies(store: Store, queries: Sequence[str], rounds: int) -> list[float]:
    async def search(query: str) -> None:
        async with store.reading() as uow:
            page = await catalog.search(uow, query)
        assert query == EVERYWHERE or page.total or query == "zebra xylophone", query

    for query in queries:  # warm up: connections, statement caches
        await search(query)
    timings = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            await search(query)
            timings.append(time.perf_counter() - started)
    return timings


async def _browsing(store: Store, rounds: int) -> list[float]:
    """The category list, then the first, a middle and the last page of the largest category:
    what a shopper browsing a big catalog waits for."""
    async with store.reading() as uow:
        largest = max(await catalog.list_categories(uow), key=lambda c: c.product_count)
    last = (largest.product_count - 1) // catalog.PAGE_SIZE
    timings = []
    for _ in range(rounds + 1):
        for page in (None, 0, last // 2, last):
            started = time.perf_counter()
            async with store.reading() as uow:
                if page is None:
                    await catalog.list_categories(uow)
                else:
                    shown = await catalog.category_page(uow, largest.id, page)
                    assert shown.items, (largest.title, page)
            timings.append(time.perf_counter() - started)
    return timings[4:]  # the first round warms up


@dataclass
class AdminFigures:
    pages: list[float]  # seconds per page of the admin's product list
    pages_stall: float  # the event loop's longest wait meanwhile, seconds
    export: float  # seconds for the catalog's CSV
    export_mb: float
    export_stall: float


async def _admin(store: Store, rounds: int) -> AdminFigures:
    """The admin's product list (first, middle, last page) and catalog export, as the bot
    reads them, with the longest the event loop waited meanwhile: what every chat would wait
    for. Start-up's objects are frozen out of the collector's sight meanwhile, as the bot does
    (bot/app.py), or a full collection of the benchmark's own objects would be timed too."""
    # Imported here, not at the top: the use case brings the whole Shop along (inbox,
    # metrics, handlers' services: 32 MB), which the RSS process (--rss) must not hold.
    from bot.usecases.admin_catalog import PAGE_SIZE

    gc.freeze()
    try:
        async with store.reading() as uow:
            total = await uow.products.count_all()
            last = max(total - 1, 0) // PAGE_SIZE
            # The product each page starts after, as its Next button names it.
            anchors = [0] + [
                await _product_before_page(uow, p, PAGE_SIZE) for p in (last // 2, last)
            ]
        pages: list[float] = []
        async with _loop_watch() as pages_stall:
            for _ in range(rounds + 1):
                for page, after_id in zip((0, last // 2, last), anchors, strict=True):
                    started = time.perf_counter()
                    async with store.reading() as uow:
                        shown = await admin_catalog.products_page(
                            uow, PAGE_SIZE, page=page, after_id=after_id
                        )
                    assert shown.products and not shown.restarted, page
                    pages.append(time.perf_counter() - started)
        async with _loop_watch() as export_stall:
            started = time.perf_counter()
            with tempfile.TemporaryFile() as out:
                async with store.snapshot() as uow:
                    count = await admin_catalog.export_catalog(uow, out)
                size = out.tell()
            export = time.perf_counter() - started
        assert count == total, (count, total)
    finally:
        gc.unfreeze()  # the rest of the run as before: its own objects in the collector's sight
    return AdminFigures(pages[3:], pages_stall[0], export, size / 2**20, export_stall[0])


async def _product_before_page(uow: UnitOfWork, page: int, page_size: int) -> int:
    """The id of the last product of the page before `page` (0: none, the first page)."""
    if page == 0:
        return 0
    ids = select(Product.id).order_by(Product.sku).offset(page * page_size - 1).limit(1)
    return int(await uow.session.scalar(ids) or 0)


@asynccontextmanager
async def _loop_watch() -> AsyncIterator[list[float]]:
    """Yields a list that holds, after the block, the longest gap between the event loop's
    turns to a task that asks for one every millisecond."""
    worst: list[float] = []
    stop = asyncio.Event()

    async def watch() -> None:
        longest, before = 0.0, time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest, before = max(longest, now - before), now
        worst.append(longest)

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0)
    try:
        yield worst
    finally:
        stop.set()
        await watcher


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _fmt(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.1f} ms, p95 {_p95(values) * 1000:.1f} ms"


@dataclass
class ChatRoundTrips:
    """Round trip times (seconds) through the bot, and the echo bot's in the same phases."""

    alone: list[float] = field(default_factory=list)  # /help, taking turns with /search
    search: list[float] = field(default_factory=list)
    quiet: list[float] = field(default_factory=list)  # /help alone, between the busy phases
    busy: list[float] = field(default_factory=list)  # /help while three chats search
    helped: list[float] = field(default_factory=list)  # ... while three chats ask for /help
    echo_quiet: list[float] = field(default_factory=list)  # the echo bot, alone
    echo_busy: list[float] = field(default_factory=list)  # ... while three chats send to it
    bare_quiet: list[float] = field(default_factory=list)  # the bot with no framework, alone
    bare_busy: list[float] = field(default_factory=list)  # ... while three chats send to it


async def _chat_round_trips(
    url: str, workdir: Path, catalog_file: Path, *, quick: bool
) -> ChatRoundTrips:
    """Round trips through the real bot (`python -m bot run` in its own process, as in the
    floor benchmark) and the Bot API stand-in: /help alone, /search alone, and /help while
    three other chats search without pause, or (the same load without a search: what any
    three busy chats cost a fourth on the bot's one event loop) ask for /help without pause.
    And the floors of that ratio, each bot on its own stand-in answering /help alone and while
    three chats send it the same searches: the framework's (the echo bot,
    benchmarks/echo_bot.py) and the machine's (a bot with no framework at all,
    benchmarks/bare_bot.py).

    What a ratio compares is measured side by side, so that the machine's drift during a run
    (runs of this test alone moved /help's p95 by a third) weighs on both: /help and /search
    take turns, one round trip each, and the /help rounds alone, beside the searchers and
    beside the /help senders (then each floor bot's, alone and beside senders) take turns
    in phases of PHASE round trips.

    Before any is timed, each chat searches for each query once, untimed: the steady state
    of a shop that has been running. A query's first search on a new database connection
    has its statements planned there (on PostgreSQL 5-10 ms, against 1-2 after), and the
    bot's pool has several: 15 such firsts among 300 searches were the p95."""
    from benchmarks.floor import BotProcess, bot_env
    from bot.standin import BotApiStandIn

    rounds = 5 if quick else 300  # a p95 of 100 moved by a fifth between runs

    async def round_trip(user: FakeUser, text: str) -> float:
        started = time.perf_counter()
        await user.send(text)
        await user.wait_for(lambda message: True, timeout=60)  # the bot's reply
        return time.perf_counter() - started

    async def keep_sending(user: FakeUser, done: asyncio.Event, search: bool) -> None:
        n = 0
        while not done.is_set():
            await round_trip(user, f"/search {QUERIES[n % len(QUERIES)]}" if search else "/help")
            n += 1

    async def beside_others(asker: FakeUser, others: list[FakeUser], search: bool) -> list[float]:
        """PHASE /help round trips while the other chats search (or ask for /help)."""
        done = asyncio.Event()
        others_busy = [asyncio.create_task(keep_sending(u, done, search)) for u in others]
        found = [await round_trip(asker, "/help") for _ in range(phase)]
        done.set()
        await asyncio.gather(*others_busy)
        return found

    trips = ChatRoundTrips()
    phase = min(PHASE, rounds)
    tag = uuid.uuid4().hex[:6]
    async with BotApiStandIn() as standin, BotApiStandIn() as echo_standin, BotApiStandIn() as bare:
        env = bot_env(standin, DATABASE_URL=url, CATALOG_PATH=str(catalog_file))
        async with (
            BotProcess(["-m", "bot", "run"], env, workdir / f"search-bot-{tag}.log"),
            BotProcess(
                ["-m", "benchmarks.echo_bot"],
                bot_env(echo_standin),
                workdir / f"search-echo-{tag}.log",
            ),
            BotProcess(
                ["-m", "benchmarks.bare_bot"], bot_env(bare), workdir / f"search-bare-{tag}.log"
            ),
        ):
            alice, others = _chats(standin)
            echo_alice, echo_others = _chats(echo_standin)
            bare_alice, bare_others = _chats(bare)
            for user in (alice, echo_alice, bare_alice):
                await round_trip(user, "/start")
            for user in (alice, *others):  # warm, as a shop that has been running is
                for query in QUERIES:
                    await round_trip(user, f"/search {query}")
            for n in range(rounds):
                trips.alone.append(await round_trip(alice, "/help"))
                trips.search.append(await round_trip(alice, f"/search {QUERIES[n % len(QUERIES)]}"))
            for _ in range(0, rounds, phase):
                trips.quiet.extend([await round_trip(alice, "/help") for _ in range(phase)])
                trips.busy.extend(await beside_others(alice, others, search=True))
                trips.helped.extend(await beside_others(alice, others, search=False))
                trips.echo_quiet.extend(
                    [await round_trip(echo_alice, "/help") for _ in range(phase)]
                )
                trips.echo_busy.extend(await beside_others(echo_alice, echo_others, search=True))
                trips.bare_quiet.extend(
                    [await round_trip(bare_alice, "/help") for _ in range(phase)]
                )
                trips.bare_busy.extend(await beside_others(bare_alice, bare_others, search=True))
    return trips


def _chats(standin: BotApiStandIn) -> tuple[FakeUser, list[FakeUser]]:
    """Alice, and the three chats kept busy beside her."""
    return standin.user(8001, "Alice"), [standin.user(8100 + i, f"Searcher{i}") for i in range(3)]


def _rss_in_subprocess(url: str, searches: int) -> tuple[float, float]:
    """RSS (MB) of a fresh process holding a Store, before and after `searches` searches."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.search", "--rss", url, "--searches", str(searches)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return figures["before"], figures["after"]


async def _measure_rss(url: str, searches: int) -> dict[str, float]:
    store = Store.from_url(url)
    try:
        async with store.reading() as uow:  # connected and ready, nothing searched yet
            await uow.categories.list_all()
        before = _rss_mb()
        for n in range(searches):
            async with store.reading() as uow:
                await catalog.search(uow, QUERIES[n % len(QUERIES)], page=n % 3)
        return {"before": before, "after": _rss_mb(), "peak": _peak_rss_mb()}
    finally:
        await store.close()


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return _peak_rss_mb()  # not Linux: the peak is the best there is


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def catalog_databases(
    rows: list[dict[str, Any]], postgres: bool, run: Callable[[str, str, Path], Awaitable[None]]
) -> None:
    """`run(url, backend, catalog_file)` on a fresh SQLite and (if `postgres` and the server
    answers) PostgreSQL database each, with `rows` as a catalog file for it to seed."""
    with tempfile.TemporaryDirectory() as tmp:
        catalog_file = Path(tmp) / "catalog.json"
        catalog_file.write_text(json.dumps(rows))
        for backend in ("SQLite", "PostgreSQL") if postgres else ("SQLite",):
            async with _database(backend, Path(tmp) / "bench.db") as url:
                if url is not None:
                    await run(url, backend, catalog_file)


def sized_main(
    module: str, doc: str | None, size: int, run: Callable[[int, bool], Awaitable[None]]
) -> int:
    """The command line of a benchmark of one shop's size on both databases (`python -m
    benchmarks.<module> [--size N] [--no-postgres]`): `run(size, postgres)`."""
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.{module}", description=doc)
    parser.add_argument("--size", type=int, default=size)
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    asyncio.run(run(args.size, args.postgres))
    return 0


@asynccontextmanager
async def _database(backend: str, sqlite_path: Path) -> AsyncIterator[str | None]:
    """A fresh empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if backend == "SQLite":
        yield f"sqlite+aiosqlite:///{sqlite_path}"
        return
    import asyncpg

    name = f"shopbot_search_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN, timeout=3)
    except Exception as exc:
        print(f"  (PostgreSQL skipped: {exc})")
        yield None
        return
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"postgresql+asyncpg://{PG_ADMIN.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one small catalog, for CI")
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--rss", metavar="URL", help=argparse.SUPPRESS)  # the measured process
    parser.add_argument("--searches", type=int, default=RSS_SEARCHES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss:
        print(json.dumps(asyncio.run(_measure_rss(args.rss, args.searches))))
    else:
        asyncio.run(run(args.quick, args.postgres))
    return 0


if __name__ == "__main__":
    sys.exit(main())
