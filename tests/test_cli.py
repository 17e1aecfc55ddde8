"""`python -m bot` as a newcomer uses it: clear one-line errors, idempotent seeding."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CATALOG_PATH, PROJECT_ROOT, seeded_shop_in

TOKEN = "123456:SECRET-token-value"


@pytest.fixture
def shop_db(tmp_path: Path, seeded_sqlite: Path) -> Path:
    """`tmp_path/shop.db` (where `run_bot_async` points the bot) as a copy of the run's seeded
    shop, for tests of what a start-up does after preparing the database: `python -m bot`
    migrating and seeding an empty file cost each about a second more."""
    return seeded_shop_in(tmp_path, seeded_sqlite)


def run_bot(
    *args: str, cwd: Path, python: Sequence[str] = ("-m", "bot"), **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    base["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [sys.executable, *python, *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_the_subcommands(tmp_path: Path) -> None:
    result = run_bot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in ("run", "seed", "migrate", "webhook"):
        assert name in result.stdout


def test_an_unknown_subcommand_is_refused(tmp_path: Path) -> None:
    result = run_bot("frobnicate", cwd=tmp_path, BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_a_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    result = run_bot("migrate", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "error: BOT_TOKEN is not set: put the token from @BotFather in it"
    )


def test_a_missing_env_file_is_refused(tmp_path: Path) -> None:
    result = run_bot("--env-file", "typo.env", "migrate", cwd=tmp_path, BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --env-file typo.env: no such file"


def test_an_unreachable_database_names_it_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://shop:hunter2@127.0.0.1:1/shop"
    result = run_bot("migrate", cwd=tmp_path, BOT_TOKEN=TOKEN, DATABASE_URL=url)
    assert result.returncode == 1
    assert (
        "error: DATABASE_URL: cannot use the database at postgresql+asyncpg://shop:***@"
        in result.stderr
    )
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_seed_is_idempotent_and_a_corrupt_catalog_changes_nothing(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    env = {"BOT_TOKEN": TOKEN, "DATABASE_URL": db, "CATALOG_PATH": str(CATALOG_PATH)}
    count = len(json.loads(CATALOG_PATH.read_text()))
    first = run_bot("seed", cwd=tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert f"{count} created, 0 updated, 0 unchanged" in first.stdout
    second = run_bot("seed", cwd=tmp_path, **env)
    assert f"0 created, 0 updated, {count} unchanged" in second.stdout

    rows = json.loads(CATALOG_PATH.read_text())
    rows[0]["title"] = "Changed title"
    rows[3]["price"] = "1.999"
    rows.append(dict(rows[1]))
    rows[5]["currency"] = "EUR"  # the shop sells in USD
    n, tee = next((n, row) for n, row in enumerate(rows, 1) if row.get("variants"))
    tee["variants"][0]["photos"] = [tee["photo"]]  # a variant's gallery: its product's
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rows))
    result = run_bot("seed", "--file", str(bad), cwd=tmp_path, **env)
    assert result.returncode == 1
    assert f"line 4 ({rows[3]['sku']}), price" in result.stderr
    assert f"({rows[1]['sku']}), sku: duplicate SKU" in result.stderr
    assert f"line 6 ({rows[5]['sku']}), currency: EUR, but this shop sells in USD" in result.stderr
    variant = tee["variants"][0]["sku"]
    assert f"line {n} ({tee['sku']}), variants: {variant}: photos: a variant takes" in result.stderr
    assert "Traceback" not in result.stderr
    after = run_bot("seed", cwd=tmp_path, **env)  # the original file: nothing had changed
    assert f"0 created, 0 updated, {count} unchanged" in after.stdout


def test_the_token_never_reaches_the_logs(tmp_path: Path) -> None:
    import logging

    from bot.logging_setup import RedactSecrets

    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "POST https://api.telegram.org/bot%s/getMe",
        (TOKEN,),
        None,
    )
    RedactSecrets([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage()
    assert "[REDACTED]" in record.getMessage()


async def run_bot_async(*args: str, cwd: Path, **env: str) -> tuple[int, str]:
    """`run_bot` for a test whose own event loop serves the Bot API stand-in meanwhile."""
    import asyncio

    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    base["PYTHONPATH"] = str(PROJECT_ROOT)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--env-file",
        os.devnull,
        *args,
        cwd=cwd,
        env={
            **base,
            "DATABASE_URL": f"sqlite+aiosqlite:///{cwd / 'shop.db'}",
            "CATALOG_PATH": str(CATALOG_PATH),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_a_rejected_token_is_one_line_without_the_secret(
    tmp_path: Path, shop_db: Path
) -> None:
    from bot.standin import BotApiStandIn

    async with BotApiStandIn("123456:RIGHTSECRET") as standin:
        code, output = await run_bot_async(
            "run",
            cwd=tmp_path,
            BOT_TOKEN="123456:WRONGSECRET",
            TELEGRAM_API_BASE_URL=standin.base_url,
        )
    assert code == 1, output
    assert output.strip().splitlines()[-1] == (
        "error: BOT_TOKEN was rejected by Telegram (getMe: Unauthorized)"
    )
    assert "WRONGSECRET" not in output
    assert "Traceback" not in output and "Unclosed" not in output


# `python -m bot` with the pauses between the Bot API retries cut to a hundredth of a second
# (bot/pacing.py: 0.25, 0.5, 1, 2 and 4 s, the test's 8 s): the same six tries and the same
# error. The pauses themselves are the fault tests' (tests/reliability/test_telegram_faults.py).
QUICK_RETRIES = (
    "from bot import pacing; pacing.BACKOFF = (0.01,) * len(pacing.BACKOFF); "
    "import runpy; runpy.run_module('bot', run_name='__main__', alter_sys=True)"
)


def test_an_unreachable_bot_api_is_one_line(tmp_path: Path, shop_db: Path) -> None:
    result = run_bot(
        "--env-file",
        os.devnull,
        "run",
        cwd=tmp_path,
        python=["-c", QUICK_RETRIES],
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        DATABASE_URL=f"sqlite+aiosqlite:///{shop_db}",
        CATALOG_PATH=str(CATALOG_PATH),
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "error: TELEGRAM_API_BASE_URL: cannot reach the Bot API at http://127.0.0.1:9/bot"
    )
    assert "Traceback" not in result.stderr and TOKEN.split(":")[1] not in result.stderr


@pytest.mark.parametrize(
    ("command", "setting", "extra"),
    [
        ("run", "METRICS_PORT", {}),
        ("run", "WEBAPP_PORT", {"WEBAPP_URL": "https://shop.example/"}),
        ("webhook", "WEBHOOK_PORT", {"WEBHOOK_URL": "https://shop.example/hook"}),
    ],
)
async def test_a_port_in_use_is_one_line_naming_the_setting(
    tmp_path: Path, shop_db: Path, command: str, setting: str, extra: dict[str, str]
) -> None:
    import socket

    from bot.standin import BotApiStandIn

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        async with BotApiStandIn(TOKEN) as standin:
            code, output = await run_bot_async(
                command,
                cwd=tmp_path,
                BOT_TOKEN=TOKEN,
                TELEGRAM_API_BASE_URL=standin.base_url,
                WEBHOOK_LISTEN="127.0.0.1",
                **{setting: str(port)},
                **extra,
            )
    finally:
        taken.close()
    assert code == 1, output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith(f"error: {setting}: cannot listen on 127.0.0.1:{port}: ")
    ), output
    assert "Traceback" not in output and "Unclosed" not in output


async def test_an_unresolvable_listen_address_is_one_line(tmp_path: Path, shop_db: Path) -> None:
    from bot.standin import BotApiStandIn

    async with BotApiStandIn(TOKEN) as standin:
        code, output = await run_bot_async(
            "webhook",
            cwd=tmp_path,
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=standin.base_url,
            WEBHOOK_URL="https://shop.example/hook",
            WEBHOOK_LISTEN="999.1.1.1",
        )
    assert code == 1, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("error: WEBHOOK_LISTEN: cannot listen on 999.1.1.1:"), output
    assert "Traceback" not in output


def test_any_other_start_up_failure_is_one_line_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    def fails(_args: object) -> int:
        raise RuntimeError(f"cannot post to https://api.telegram.org/bot{TOKEN}/getMe\nmore")

    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setattr(cli, "configure_logging", lambda *args: None)
    monkeypatch.setitem(cli.COMMANDS, "migrate", cli.Command("fails", fails))
    assert cli.main(["--env-file", os.devnull, "migrate"]) == 1
    assert capsys.readouterr().err == (
        "error: RuntimeError: cannot post to https://api.telegram.org/bot[REDACTED]/getMe\n"
    )


def test_a_database_refusing_the_seeds_writes_is_one_line(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    import shutil
    import sqlite3

    db = Path(shutil.copyfile(migrated_sqlite, tmp_path / "shop.db"))  # as `migrate` leaves it
    env = {"BOT_TOKEN": TOKEN, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    with sqlite3.connect(db) as conn:  # as a read-only file would, even for root
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON products"
            " BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END"
        )
    result = run_bot("seed", "--file", str(CATALOG_PATH), cwd=tmp_path, **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: DATABASE_URL: cannot use the database at sqlite+aiosqlite:///{db}:"
        " attempt to write a readonly database"
    ]


async def _until_the_seed_waits_for_a_lock(dsn: str, seeding: asyncio.Task[object]) -> None:
    """Until a session of this database waits for a lock (the seed meeting the import), as
    the database tells; the seed must not have ended meanwhile."""
    import asyncpg

    waiting = (
        "SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid) "
        "WHERE NOT granted AND datname = current_database()"
    )
    conn = await asyncpg.connect(dsn.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        while await conn.fetchval(waiting) == 0:
            assert not seeding.done(), seeding.result()
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_a_seed_during_an_admins_import_waits_for_it_instead_of_colliding(
    tmp_path: Path, pg_url: str
) -> None:
    """Ada's catalog file is being applied (her import's turn taken, its new products written,
    not yet committed) when `python -m bot seed` runs with the same products: the seed waits
    for her import, then updates what it created, where it failed on her new rows before."""
    from bot.services import admin_catalog
    from bot.store.uow import Store

    store = Store.from_url(pg_url)
    await store.migrate()
    rows = [row | {"price": "1.00"} for row in json.loads(CATALOG_PATH.read_text())[:3]]
    try:
        async with store.uow() as uow:
            assert await uow.products.take_import_turn(wait=False)  # as her chat import does
            upload = admin_catalog.read_catalog_file(
                "ada.json", json.dumps(rows).encode(), CATALOG_PATH.parent, currency="USD"
            )
            await admin_catalog.import_rows(uow, "ada.json", upload, actor=9001)
            seeding = asyncio.create_task(
                run_bot_async("seed", cwd=tmp_path, BOT_TOKEN=TOKEN, DATABASE_URL=pg_url)
            )
            await _until_the_seed_waits_for_a_lock(pg_url, seeding)
        code, output = await seeding
        assert code == 0, output
        count = len(json.loads(CATALOG_PATH.read_text()))
        assert f"{count - 3} created, 3 updated, 0 unchanged" in output
        async with store.uow() as uow:
            mug = await uow.products.get_by_sku(rows[0]["sku"])
            assert mug is not None and mug.price != 100  # the seed's price, applied after hers
    finally:
        await store.close()


def test_seed_from_a_file_puts_a_product_on_sale_or_names_a_wrong_regular_price(
    tmp_path: Path, shop_db: Path
) -> None:
    """`seed --file` reads `compare_at` with the import's parser: stored, or refused on its
    line when it is not above the price."""
    (tmp_path / "photos").symlink_to(CATALOG_PATH.parent / "photos")
    (tmp_path / "downloads").symlink_to(CATALOG_PATH.parent / "downloads")
    env = {"BOT_TOKEN": TOKEN, "DATABASE_URL": f"sqlite+aiosqlite:///{shop_db}"}
    rows = json.loads(CATALOG_PATH.read_text())
    rows[0]["compare_at"] = "99.00"
    sale = tmp_path / "sale.json"
    sale.write_text(json.dumps(rows))
    seeded = run_bot("seed", "--file", str(sale), cwd=tmp_path, **env)
    assert seeded.returncode == 0, seeded.stderr
    assert f"0 created, 1 updated, {len(rows) - 1} unchanged" in seeded.stdout
    stored = asyncio.run(_compare_at(shop_db, rows[0]["sku"]))
    assert stored == 9900

    rows[0]["compare_at"] = rows[0]["price"]
    sale.write_text(json.dumps(rows))
    refused = run_bot("seed", "--file", str(sale), cwd=tmp_path, **env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"line 1 ({rows[0]['sku']}), compare_at: {rows[0]['price']} is not more" in (
        refused.stderr
    )


async def _compare_at(db: Path, sku: str) -> int | None:
    from bot.store.uow import Store

    store = Store.from_url(f"sqlite+aiosqlite:///{db}")
    try:
        async with store.reading() as uow:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            return product.compare_at_price
    finally:
        await store.close()
