"""The shop against the framework's floor: round trips per second and latency, in one run.

Bots take turns, each against its own Bot API stand-in: the echo bot (benchmarks/echo_bot.py,
the smallest bot on the same stack, with PTB's own HTTP client as PTB ships), the same echo
bot on the shop's HTTP client (bot.transport), and the shop (`python -m bot run`, default
settings). Each runs in its own process, as a bot runs apart from Telegram's servers; the
stand-ins and the simulated shoppers share this process. Every chat does the same round over
and over:

- shop: `/start product_<SKU>` (a deep link: the product card, with photo) then Add to cart
  (each turn with new shoppers, so no cart line reaches the 99 a line holds);
- echo: a text message (a reply with a button) then a press (an edit and a callback answer).

A round trip is one user action until the bot's answer is on screen (the reply, or the
callback answer that follows the edit). Ratios are shop / echo from the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.standin import BotApiStandIn, FakeUser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG = PROJECT_ROOT / "data" / "catalog.json"
PRODUCT_SKU = "KIT-MUG-CER"
PRODUCT_TITLE = "Stoneware Mug"


@dataclass(frozen=True)
class Figures:
    label: str
    chats: int
    trips: int
    seconds: float
    latencies: tuple[float, ...]

    @property
    def per_second(self) -> float:
        return self.trips / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    def line(self) -> str:
        return (
            f"  {self.label:<26} {self.chats:>3} chats: {self.per_second:7.1f} round trips/s, "
            f"p50 {self.p50 * 1000:6.1f} ms, p95 {self.percentile(0.95) * 1000:6.1f} ms"
        )


def bench_catalog(workdir: Path) -> Path:
    """The seed catalog with plenty of stock, so every Add to cart really adds."""
    folder = workdir / "catalog"
    if (folder / "catalog.json").exists():
        return folder / "catalog.json"
    shutil.copytree(CATALOG.parent / "photos", folder / "photos")
    products = json.loads(CATALOG.read_text())
    for product in products:
        for unit in product.get("variants") or [product]:  # a variant keeps its own stock
            unit["stock"] = 1_000_000
    path = folder / "catalog.json"
    path.write_text(json.dumps(products))
    return path


class BotProcess:
    """A bot in its own process, polling the stand-in; stopped with SIGTERM."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args, self.env, self.log_path = args, env, log_path
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> BotProcess:
        self._log = self.log_path.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, *self.args, env=self.env, stdout=self._log, stderr=self._log
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._log.close()


def bot_env(standin: BotApiStandIn, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        BOT_TOKEN=standin.token,
        TELEGRAM_API_BASE_URL=standin.base_url,
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


Step = Callable[[FakeUser], Awaitable[None]]


async def shop_open(user: FakeUser) -> None:
    await user.send(f"/start product_{PRODUCT_SKU}")
    await user.wait_for(PRODUCT_TITLE, timeout=60)


async def shop_add(user: FakeUser) -> None:
    await user.press("Add to cart", timeout=60)


async def echo_send(user: FakeUser) -> None:
    await user.send("hello")
    await user.wait_for("hello", timeout=60)


async def echo_press(user: FakeUser) -> None:
    await user.press("Again", timeout=60)


async def drive(
    label: str, users: list[FakeUser], steps: list[Step], rounds: int, warmup: int = 1
) -> Figures:
    """Every user does `rounds` rounds of `steps` at once; each step is one timed round trip."""

    async def play(user: FakeUser, count: int, into: list[float] | None) -> None:
        for _ in range(count):
            for step in steps:
                began = time.perf_counter()
                await step(user)
                if into is not None:
                    into.append(time.perf_counter() - began)

    await asyncio.gather(*(play(u, warmup, None) for u in users))
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(*(play(u, rounds, latencies) for u in users))
    elapsed = time.perf_counter() - began
    return Figures(label, len(users), len(latencies), elapsed, tuple(latencies))


def pooled(runs: list[Figures]) -> Figures:
    """Several runs of one bot as one: all their trips over all their time."""
    first = runs[0]
    return Figures(
        first.label,
        first.chats,
        sum(r.trips for r in runs),
        sum(r.seconds for r in runs),
        tuple(t for r in runs for t in r.latencies),
    )


class Subject:
    """A bot running in its own process against its own stand-in, ready to be driven."""

    def __init__(
        self,
        label: str,
        steps: list[Step],
        args: list[str],
        extra_env: dict[str, str],
        log_path: Path,
    ) -> None:
        self.label, self.steps, self.args = label, steps, args
        self.extra_env, self.log_path = extra_env, log_path
        self.standin = BotApiStandIn()
        self._next_user = 20_000
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> Subject:
        await self._stack.enter_async_context(self.standin)
        env = bot_env(self.standin, **self.extra_env)
        await self._stack.enter_async_context(BotProcess(self.args, env, self.log_path))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def drive(self, chats: int, rounds: int) -> Figures:
        # New shoppers each time (their first round, untimed, makes them customers): a cart
        # line holds at most 99 (bot.services.cart.line_room), so each Add to cart adds.
        first, self._next_user = self._next_user, self._next_user + chats
        users = [self.standin.user(first + i, f"Shopper{first + i}") for i in range(chats)]
        return await drive(self.label, users, self.steps, rounds)


def echo_bot(workdir: Path, *, shops_http: bool = False) -> Subject:
    """The floor: PTB's own HTTP client, as PTB ships; or (`shops_http`) the shop's."""
    return Subject(
        "echo, shop's HTTP client" if shops_http else "echo bot (floor)",
        [echo_send, echo_press],
        ["-m", "benchmarks.echo_bot"],
        {"ECHO_HTTP": "aiohttp"} if shops_http else {},
        workdir / f"echo{'-aiohttp' if shops_http else ''}.log",
    )


def shop_bot(
    workdir: Path, database_url: str | None = None, *, without_inbox: bool = False
) -> Subject:
    url = (
        database_url or f"sqlite+aiosqlite:///{workdir / ('bare' if without_inbox else 'shop')}.db"
    )
    name = "shop" if database_url is None else "shop (PostgreSQL)"
    module = "bot"
    if without_inbox:
        name, module = "shop without its inbox", "benchmarks.shop_without_inbox"
    return Subject(
        name,
        [shop_open, shop_add],
        ["-m", module, "run"],
        {"DATABASE_URL": url, "CATALOG_PATH": str(bench_catalog(workdir))},
        workdir / f"{module}-{'pg' if database_url else 'sqlite'}.log",
    )


async def compare_at(
    echo: Subject,
    same_http: Subject,
    shop: Subject,
    chats: int,
    rounds: int,
    repeats: int,
    where: str,
) -> tuple[Figures, Figures]:
    """The echo bot, the echo on the shop's HTTP client and the shop take turns, `repeats`
    times each, so all meet the same machine."""
    echo_runs, same_runs, shop_runs = [], [], []
    for _ in range(repeats):
        echo_runs.append(await echo.drive(chats, rounds))
        same_runs.append(await same_http.drive(chats, rounds))
        shop_runs.append(await shop.drive(chats, rounds))
    floor, same, ours = pooled(echo_runs), pooled(same_runs), pooled(shop_runs)
    print(floor.line())
    print(same.line())
    print(ours.line())
    print(
        f"  ratio at {where}: shop/echo round trips/s "
        f"{ours.per_second / floor.per_second:.2f} x, p50 {ours.p50 / floor.p50:.2f} x"
    )
    print(
        f"  ... against the echo on the shop's HTTP client: round trips/s "
        f"{ours.per_second / same.per_second:.2f} x, p50 {ours.p50 / same.p50:.2f} x"
    )
    return floor, ours


async def run(
    workdir: Path,
    chat_counts: list[int],
    rounds: int,
    repeats: int,
    postgres_url: str | None = None,
) -> None:
    print("Round trips against the framework's floor (each bot in its own process):")
    async with (
        echo_bot(workdir) as echo,
        echo_bot(workdir, shops_http=True) as same_http,
        shop_bot(workdir) as shop,
    ):
        for chats in chat_counts:
            await compare_at(echo, same_http, shop, chats, rounds, repeats, f"{chats} chats")
    chats = chat_counts[min(1, len(chat_counts) - 1)]
    print(f"What the durable inbox costs ({chats} chats, the shop with and without it):")
    async with shop_bot(workdir) as shop, shop_bot(workdir, without_inbox=True) as bare:
        runs: dict[str, list[Figures]] = {"with": [], "without": []}
        for _ in range(repeats):
            runs["without"].append(await bare.drive(chats, rounds))
            runs["with"].append(await shop.drive(chats, rounds))
        with_inbox, without = pooled(runs["with"]), pooled(runs["without"])
        print(without.line())
        print(with_inbox.line())
        print(
            f"  inbox cost at {chats} chats: round trips/s "
            f"{with_inbox.per_second / without.per_second:.2f} x, "
            f"p50 {with_inbox.p50 / without.p50:.2f} x"
        )
    if postgres_url:
        chats = chat_counts[min(1, len(chat_counts) - 1)]
        async with (
            echo_bot(workdir) as echo,
            echo_bot(workdir, shops_http=True) as same_http,
            shop_bot(workdir, postgres_url) as shop,
        ):
            await compare_at(
                echo, same_http, shop, chats, rounds, repeats, f"{chats} chats on PostgreSQL"
            )
