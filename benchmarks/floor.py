"""The shop against the framework's floor: round trips per second and latency, in one run.

Two bots take turns against one Bot API stand-in: the echo bot (benchmarks/echo_bot.py, the
smallest bot on the same stack) and the shop (`python -m bot run`, default settings). Each
runs in its own process, as a bot runs apart from Telegram's servers; the stand-in and the
simulated shoppers share this process. Every chat does the same round over and over:

- shop: `/start product_<SKU>` (a deep link: the product card, with photo) then Add to cart;
- echo: a text message (a reply with a button) then a press (an edit and a callback answer).

A round trip is one user action until the bot's answer is on screen (the reply, or the
callback answer that follows the edit). Ratios are shop / echo from the same run.
"""

from __future__ import annotations

import asyncio
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
            f"  {self.label:<22} {self.chats:>3} chats: {self.per_second:7.1f} round trips/s, "
            f"p50 {self.p50 * 1000:6.1f} ms, p95 {self.percentile(0.95) * 1000:6.1f} ms"
        )


def bench_catalog(workdir: Path) -> Path:
    """The seed catalog with plenty of stock, so every Add to cart really adds."""
    folder = workdir / "catalog"
    shutil.copytree(CATALOG.parent / "photos", folder / "photos")
    products = json.loads(CATALOG.read_text())
    for product in products:
        product["stock"] = 1_000_000
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


async def measure(
    workdir: Path, subject: str, chats: int, rounds: int, database_url: str | None = None
) -> Figures:
    """One bot, `chats` shoppers at once, on a fresh stand-in."""
    async with BotApiStandIn() as standin:
        if subject == "echo":
            args, env, steps = (
                ["-m", "benchmarks.echo_bot"],
                bot_env(standin),
                [
                    echo_send,
                    echo_press,
                ],
            )
            label = "echo bot (floor)"
        else:
            url = database_url or f"sqlite+aiosqlite:///{workdir / f'shop-{chats}.db'}"
            env = bot_env(standin, DATABASE_URL=url, CATALOG_PATH=str(bench_catalog_path(workdir)))
            args, steps = ["-m", "bot", "run"], [shop_open, shop_add]
            label = "shop" if database_url is None else "shop (PostgreSQL)"
        users = [standin.user(20_000 + i, f"Shopper{i}") for i in range(chats)]
        async with BotProcess(args, env, workdir / f"{subject}-{chats}.log"):
            return await drive(label, users, steps, rounds)


def bench_catalog_path(workdir: Path) -> Path:
    path = workdir / "catalog" / "catalog.json"
    return path if path.exists() else bench_catalog(workdir)


async def run(
    workdir: Path, chat_counts: list[int], rounds: int, postgres_url: str | None = None
) -> None:
    print("Round trips against the framework's floor (each bot in its own process):")
    for chats in chat_counts:
        compare(
            await measure(workdir, "echo", chats, rounds),
            await measure(workdir, "shop", chats, rounds),
            f"{chats} chats",
        )
    if postgres_url:
        chats = chat_counts[0]
        compare(
            await measure(workdir, "echo", chats, rounds),
            await measure(workdir, "shop", chats, rounds, database_url=postgres_url),
            f"{chats} chats on PostgreSQL",
        )


def compare(echo: Figures, shop: Figures, where: str) -> None:
    """Both lines, then the ratios on a line of their own."""
    print(echo.line())
    print(shop.line())
    print(
        f"  ratio at {where}: shop/echo round trips/s "
        f"{shop.per_second / echo.per_second:.2f} x, p50 {shop.p50 / echo.p50:.2f} x"
    )
