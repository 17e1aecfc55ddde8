"""The real bot killed with SIGKILL at every point of checkout and payment, then restarted.

Shoppers keep buying (a bottle into the cart, checkout, Pay, pay the invoice) while a killer
SIGKILLs `python -m bot run` right after a Bot API call of the checkout and payment path, and
starts it again on the same SQLite database. The kills go round the path's calls
(`KILL_AFTER`), each round in an order of its own drawn from CRASH_SEED, so every call is
struck after once per round, and the moment within it (how soon after the call) is random.
Afterwards the shop must add up: every payment recorded once and its order paid once, stock =
start - units paid, and no Add to cart lost or doubled (units paid + units in the cart = Add
to cart presses).

CRASH_KILLS sets how many kills (by default one round: once after each call, 8 kills; more
kills go round again; `CRASH_KILLS=500 pytest tests/reliability/test_crash.py` is the long
run), CRASH_SEED the random seed. Kills go on past CRASH_KILLS, round the calls again, until
MIN_PURCHASES purchases went through amid them: kills that follow each other closely leave
the shoppers little time to buy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from bot.standin import BotApiStandIn, FakeUser
from bot.store.models import Order, OrderLine, Payment
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH, PROJECT_ROOT

# Calls after which the killer strikes: the checkout and payment path, and polling itself.
KILL_AFTER = [
    "answerCallbackQuery",
    "sendInvoice",
    "answerShippingQuery",
    "answerPreCheckoutQuery",
    "sendMessage",
    "editMessageText",
    "editMessageCaption",
    "getUpdates",
]
KILLS = int(os.environ.get("CRASH_KILLS", str(len(KILL_AFTER))))
SEED = int(os.environ.get("CRASH_SEED", "20261130"))
MIN_PURCHASES = 8  # fewer would prove too little: kills go on until this many went through
MAX_KILLS = max(KILLS, 5 * len(KILL_AFTER))  # ... but not for ever
BOTTLE, STOCK = "OUT-BTL-750", 10_000
SHOPPERS = 5
STEP = 8.0  # seconds a shopper waits for one answer (a restart takes one or two)
# Seconds the killer waits for its chosen call before striking anyway. The path's calls come
# within a second or two while shoppers buy; editMessageText only now and then (a summary
# redrawn after a restart).
TRIGGER_WAIT = 3.0


def plenty_of_bottles(workdir: Path) -> Path:
    """The seed catalog, with enough bottles that an Add to cart is never refused."""
    folder = workdir / "catalog"
    shutil.copytree(CATALOG_PATH.parent / "photos", folder / "photos")
    products = json.loads(CATALOG_PATH.read_text())
    for product in products:
        if product["sku"] == BOTTLE:
            product["stock"] = STOCK
    (folder / "catalog.json").write_text(json.dumps(products))
    return folder / "catalog.json"


class Bot:
    """`python -m bot run` in its own process, killed and restarted at will."""

    def __init__(self, standin: BotApiStandIn, workdir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE"))}
        self.env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            BOT_TOKEN=standin.token,
            TELEGRAM_API_BASE_URL=standin.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'shop.db'}",
            CATALOG_PATH=str(plenty_of_bottles(workdir)),
            PAYMENT_PROVIDER_TOKEN="TEST:provider",
            LOG_LEVEL="WARNING",
        )
        self.workdir = workdir
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        self.starts += 1
        log = (self.workdir / f"bot-{self.starts}.log").open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )
        log.close()

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await asyncio.wait_for(self.process.wait(), 30)


class Shopper:
    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.presses = 0  # Add to cart presses sent to the bot
        self.paid = 0

    async def buy(self) -> None:
        """One try at buying; any step may time out while the bot is down."""
        user = self.user
        await user.send("/cancel")
        await user.wait_for("menu", timeout=STEP)
        await user.send(f"/start product_{BOTTLE}")
        await user.wait_for("Add to cart", timeout=STEP)
        self.presses += 1
        await user.press("Add to cart", timeout=STEP)
        await user.send("checkout")
        await user.wait_for("Order summary", timeout=STEP)
        await user.press("Pay", timeout=STEP)
        invoice = await user.wait_for(lambda m: m.invoice is not None, timeout=STEP)
        result = await user.pay(invoice, shipping_option_id="standard")  # Telegram waits 10 s
        if result.ok:
            self.paid += 1
            await user.wait_for("Payment received", timeout=STEP)

    async def keep_buying(self, until: asyncio.Event) -> None:
        while not until.is_set():
            with contextlib.suppress(AssertionError, LookupError, TimeoutError):
                await self.buy()  # the bot may die under us: then start over


def kill_points(rng: random.Random) -> Iterator[str]:
    """The calls to strike after: round after round of `KILL_AFTER`, each in its own order."""
    while True:
        round_ = list(KILL_AFTER)
        rng.shuffle(round_)
        yield from round_


async def killer(
    standin: BotApiStandIn,
    bot: Bot,
    shoppers: list[Shopper],
    rng: random.Random,
    done: asyncio.Event,
) -> None:
    points = kill_points(rng)
    kills = 0
    while kills < KILLS or (sum(s.paid for s in shoppers) < MIN_PURCHASES and kills < MAX_KILLS):
        method = next(points)
        kills += 1

        def called(method: str = method, seen: int = len(standin.calls_to(method))) -> bool:
            return len(standin.calls_to(method)) > seen

        with contextlib.suppress(TimeoutError):
            await standin.wait_until(lambda: called() or None, TRIGGER_WAIT)
        await asyncio.sleep(rng.uniform(0, 0.05))
        await bot.kill()
        await restart(standin, bot)
    done.set()


async def restart(standin: BotApiStandIn, bot: Bot) -> None:
    """Start the bot again and wait until it polls (so it gets a chance to work)."""
    polls = len(standin.calls_to("getUpdates"))
    await bot.start()
    await standin.wait_until(lambda: len(standin.calls_to("getUpdates")) > polls or None, 30)


async def test_sigkill_at_random_points_loses_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    async with BotApiStandIn() as standin:
        bot = Bot(standin, tmp_path)
        shoppers = [Shopper(standin.user(3000 + n, f"Buyer{n}")) for n in range(SHOPPERS)]
        await bot.start()
        done = asyncio.Event()
        try:
            await asyncio.gather(
                killer(standin, bot, shoppers, rng, done),
                *(s.keep_buying(done) for s in shoppers),
            )
            # Quiet now: let the last restart take back and finish whatever was cut off.
            for shopper in shoppers:
                await shopper.user.send("/cart")
                await shopper.user.wait_for("cart", timeout=60)
            await standin.wait_until(lambda: not standin.pending_updates or None, 60)
        finally:
            await bot.stop()

    store = Store.from_url(bot.env["DATABASE_URL"])
    try:
        await check_the_books(store, shoppers, standin)
    finally:
        await store.close()


async def check_the_books(store: Store, shoppers: list[Shopper], standin: BotApiStandIn) -> None:
    async with store.reading() as uow:
        payments = (await uow.session.scalars(select(Payment))).all()
        orders = {o.id: o for o in (await uow.session.scalars(select(Order))).all()}
        lines = (await uow.session.scalars(select(OrderLine))).all()
        bottle = await uow.products.get_by_sku(BOTTLE)
        assert bottle is not None
        in_carts = {}
        for shopper in shoppers:
            customer = await uow.customers.get_by_telegram_id(shopper.user.user_id)
            assert customer is not None
            in_carts[shopper.user.user_id] = (await uow.carts.counts(customer.id, bottle.id))[0]
        inbox_backlog, _ = await uow.inbox.backlog()

    charged = list(standin.charges)
    recorded = Counter(p.telegram_payment_charge_id for p in payments)
    assert sorted(recorded) == sorted(charged), "a charge was lost or invented"
    assert set(recorded.values()) <= {1}, "a payment was recorded twice"
    paid_orders = Counter(p.order_id for p in payments)
    assert set(paid_orders.values()) <= {1}, "an order was paid twice"
    for order_id in paid_orders:
        assert orders[order_id].status in ("paid", "partially_refunded", "refunded")

    units_paid: Counter[int] = Counter()
    customers_of = {o.id: o.customer_id for o in orders.values()}
    for line in lines:
        if line.order_id in paid_orders:
            units_paid[customers_of[line.order_id]] += line.quantity
    assert bottle.stock == STOCK - sum(units_paid.values()), "stock does not add up"
    held = sum(line.quantity for line in lines if orders[line.order_id].hold_status == "held")
    assert bottle.reserved == held

    async with store.reading() as uow:
        for shopper in shoppers:
            customer = await uow.customers.get_by_telegram_id(shopper.user.user_id)
            assert customer is not None
            bought = units_paid[customer.id]
            assert bought + in_carts[shopper.user.user_id] == shopper.presses, (
                f"{shopper.user.user_id}: {shopper.presses} presses, {bought} paid, "
                f"{in_carts[shopper.user.user_id]} in the cart"
            )
    assert inbox_backlog == 0
    purchases = sum(s.paid for s in shoppers)
    assert purchases >= MIN_PURCHASES, "too few purchases went through to prove much"
