"""`python -m benchmarks`: measure the store and the bot end to end, print figures for the README.

Everything runs on loopback: the real Application polls the Bot API stand-in, the store is a
real SQLite file (and PostgreSQL when --postgres is given and reachable).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks import also_bought, floor, search
from bot.standin.user import FakeUser
from bot.store.models import Product
from bot.store.uow import Store

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def _fmt(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def bench_reservations(url: str, label: str, shoppers: int, units: int) -> None:
    """Many shoppers reserve the same product at once: throughput, and never oversold."""
    store = Store.from_url(url)
    await store.migrate()
    async with store.uow() as uow:
        category = await uow.categories.get_or_create("bench", "Bench")
        product = await uow.products.add(
            Product(
                sku=f"B-{uuid.uuid4().hex[:6]}",
                title="Bench",
                description="",
                category_id=category.id,
                price=100,
                currency="USD",
                stock=units,
            )
        )
    latencies: list[float] = []

    async def shopper() -> bool:
        start = time.perf_counter()
        async with store.uow() as uow:
            ok = await uow.products.reserve(product.id, 1)
        latencies.append(time.perf_counter() - start)
        return ok

    began = time.perf_counter()
    results = await asyncio.gather(*(shopper() for _ in range(shoppers)))
    elapsed = time.perf_counter() - began
    async with store.uow() as uow:
        fresh = await uow.products.get(product.id)
        assert fresh is not None
    await store.close()
    won = results.count(True)
    assert won == min(units, shoppers) and fresh.reserved == won, "oversold!"
    print(
        f"  {label:<10} {shoppers} concurrent reservations for {units} units: "
        f"{shoppers / elapsed:,.0f} reservations/s, {_fmt(latencies)}, {won} won, "
        f"reserved={fresh.reserved} stock={fresh.stock}"
    )


async def bench_checkout(workdir: Path, shoppers: int) -> None:
    """Shoppers check out and pay at the same moment: invoices and paid orders per second."""
    from bot.standin.harness import ShopHarness

    async with ShopHarness(workdir, payment_provider_token="TEST:provider") as harness:
        users = [harness.user(7000 + i, f"Buyer{i}") for i in range(shoppers)]
        for user in users:
            await user.send("/start product_OUT-BTL-750")
            await user.wait_for("Insulated Bottle")
            await user.press("Add to cart")
        latencies: list[float] = []

        async def buy(user: FakeUser) -> bool:
            start = time.perf_counter()
            await user.send("checkout")
            await user.wait_for("Order summary")
            await user.press("Pay")
            invoice = await user.wait_for(lambda m: m.invoice is not None)
            result = await user.pay(invoice, shipping_option_id="standard")
            await user.wait_for("Payment received")
            latencies.append(time.perf_counter() - start)
            return result.ok

        began = time.perf_counter()
        paid = await asyncio.gather(*(buy(u) for u in users))
        elapsed = time.perf_counter() - began
        async with harness.store.uow() as uow:
            bottle = await uow.products.get_by_sku("OUT-BTL-750")
            assert bottle is not None
    assert all(paid) and bottle.stock == 40 - shoppers and bottle.reserved == 0
    print(
        f"  {shoppers} shoppers check out and pay at once: {shoppers / elapsed:,.1f} paid "
        f"orders/s, checkout-to-receipt {_fmt(latencies)} (stock 40 → {bottle.stock})"
    )


async def _pg_url() -> tuple[str, str] | None:
    try:
        import asyncpg

        name = f"shopbot_bench_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        return name, f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    except Exception as exc:
        print(f"  (PostgreSQL skipped: {exc})")
        return None


async def _drop_pg(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(f"python -m benchmarks {' '.join(sys.argv[1:])}".rstrip())
        print("Stock reservations (atomic conditional UPDATE):")
        await bench_reservations(
            f"sqlite+aiosqlite:///{workdir / 'bench.db'}", "SQLite", args.shoppers, args.units
        )
        if args.postgres:
            pg = await _pg_url()
            if pg:
                try:
                    await bench_reservations(pg[1], "PostgreSQL", args.shoppers, args.units)
                finally:
                    await _drop_pg(pg[0])
        (workdir / "floor").mkdir()
        pg = await _pg_url() if args.postgres else None
        try:
            await floor.run(
                workdir / "floor",
                [int(n) for n in args.chats.split(",")],
                args.rounds,
                args.repeats,
                postgres_url=pg[1] if pg else None,
            )
        finally:
            if pg:
                await _drop_pg(pg[0])
        (workdir / "checkout").mkdir()
        await bench_checkout(workdir / "checkout", args.buyers)
    if args.search:
        await search.run(args.quick, args.postgres)
    if args.also_bought:
        await also_bought.run(args.quick, args.postgres)


def cli() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--shoppers", type=int, default=200, help="concurrent reservations")
    parser.add_argument("--units", type=int, default=50, help="units to reserve")
    parser.add_argument("--chats", default="1,10,50", help="concurrent chats, comma-separated")
    parser.add_argument("--rounds", type=int, default=20, help="rounds per chat and turn")
    parser.add_argument("--repeats", type=int, default=6, help="turns of echo and shop each")
    parser.add_argument("--buyers", type=int, default=20, help="shoppers paying at once")
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--search", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--also-bought",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the card's 'Often bought with this' read against counting order lines",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: a smoke test that everything runs"
    )
    args = parser.parse_args()
    if args.quick:
        args.shoppers, args.units, args.chats = 10, 5, "2"
        args.rounds, args.repeats, args.buyers = 2, 1, 2
    asyncio.run(main(args))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
