"""`python -m bot demo` buys offline from the real bot: the order is paid, the stock goes down."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli, demo
from bot.cli import COMMANDS, build_parser
from bot.demo import PRODUCT_SKU, StepFailed, run_demo
from bot.store.order_states import OrderStatus
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH
from tests.demo.conftest import clean_env


async def test_the_demo_pays_an_order_and_the_stock_goes_down(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    out = io.StringIO()
    result = await run_demo(out, db_path=db)
    transcript = out.getvalue()

    assert result.order_status == OrderStatus.PAID
    assert result.stock_after == result.stock_before - 2  # two mugs
    assert result.seconds < 20
    # What the shopper saw, in order: a product photo, the invoice, the payment, the confirmation.
    steps = ["Alice: /start", "[photo", "Add to cart", "Checkout", "🧾", "Alice pays", "/orders"]
    positions = [transcript.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions)
    # The invoice shows an amount per line, the code's discount and the total, in the payment
    # form's notation; the shopper came with WELCOME10 from a newsletter link and tips $1.00.
    assert re.search(
        r"🧾 .*\n(.*\n)*?\s+.*: 32\.00 USD\n(.*\n)*?\s+Discount \(WELCOME10\): -5\.60 USD\n"
        r"\s+Total: 50\.40 USD",
        transcript,
    )
    assert "Alice: /start promo_WELCOME10" in transcript
    assert "Alice adds a tip of 1.00 USD" in transcript
    assert "Tip: $1.00" in transcript and "Total: $51.40" in transcript
    assert "VAT" not in transcript  # no --tax: the shop shows no tax
    # The mug comes with a gallery of three photos (data/catalog.json): its card pages them.
    assert "[photo kit-mug-cer.png]" in transcript and "[◀] [1/3] [▶]" in transcript
    # The T-shirt is bought in the size the shopper picked, and named so.
    assert "Alice taps [M]" in transcript and "Organic Tee - M / Oat × 1: 24.00 USD" in transcript
    assert f"order #{result.order_id}" in result.summary()
    assert f"{PRODUCT_SKU} {result.stock_before} → {result.stock_after}" in result.summary()

    # --db keeps the database, and it agrees with the transcript.
    store = Store.from_url(f"sqlite+aiosqlite:///{db}")
    try:
        async with store.uow() as uow:
            order = await uow.orders.get(result.order_id)
            mug = await uow.products.get_by_sku(PRODUCT_SKU)
    finally:
        await store.close()
    assert order is not None and order.status == OrderStatus.PAID
    assert (order.promo_code, order.discount_total, order.tip_amount) == (
        "WELCOME10",
        560,
        100,
    )  # 10% of $56.00
    assert {line.sku: line.quantity for line in order.lines}[PRODUCT_SKU] == 2
    assert mug is not None and mug.stock == result.stock_after


async def test_a_failing_step_is_named(tmp_path: Path) -> None:
    renamed = [
        {**row, "category": "Cookware" if row["category"] == "Kitchen" else row["category"]}
        for row in json.loads(CATALOG_PATH.read_text())
    ]
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(renamed))
    (tmp_path / "photos").symlink_to(CATALOG_PATH.parent / "photos")
    with pytest.raises(StepFailed) as failure:
        await run_demo(io.StringIO(), catalog_path=catalog)
    assert failure.value.step == "browse the Kitchen category"


def test_the_demo_command_exits_non_zero_naming_the_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "catalog.json").write_text("[]")
    assert demo.main(catalog_path=tmp_path / "catalog.json") == 1
    assert "Demo failed at step " in capsys.readouterr().err


def test_python_m_bot_demo_needs_no_token_and_exits_0(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("Alice shops in a chat with the bot")
    assert lines[-1].startswith("Demo finished: order #1 paid, $")
    assert f"stock of {PRODUCT_SKU} 24 → 22" in lines[-1]
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # the temporary database went away with the demo


def test_demo_and_sandbox_are_listed_and_need_no_settings() -> None:
    help_text = build_parser().format_help()
    assert "demo" in help_text and "sandbox" in help_text
    assert not COMMANDS["demo"].needs_settings and not COMMANDS["sandbox"].needs_settings


@pytest.mark.parametrize(
    ("language", "seen"),
    [
        ("ru", ["Кухня", "Кружка керамическая 350 мл", "В корзину", "Оформить", "Оплата получена"]),
        ("es", ["Cocina", "Taza de gres 350 ml", "Añadir al carrito", "Pagar", "Pago recibido"]),
    ],
)
async def test_the_demo_plays_the_purchase_in_the_shoppers_language(
    tmp_path: Path, language: str, seen: list[str]
) -> None:
    """`python -m bot demo --lang ru`: the same purchase, every bot text in Russian."""
    out = io.StringIO()
    plan = demo.USD_DEMO.in_language(language)
    result = await run_demo(out, plan=plan)
    transcript = out.getvalue()
    assert result.order_status == OrderStatus.PAID
    positions = [transcript.find(text) for text in seen]
    assert -1 not in positions, dict(zip(seen, positions, strict=True))
    assert "Add to cart" not in transcript and "Payment received" not in transcript


async def test_the_demo_with_tax_says_the_vat_its_prices_include(tmp_path: Path) -> None:
    """`python -m bot demo --tax 20`: the same purchase in a shop whose prices include 20%
    VAT: the summary, the invoice and the receipt say the $8.40 in the $50.40 of goods."""
    out = io.StringIO()
    result = await run_demo(out, plan=demo.plan_of(tax="20"))
    transcript = out.getvalue()
    assert result.order_status == OrderStatus.PAID and result.total == "$51.40"  # unchanged
    assert "Total: $50.40\n    Includes VAT 20%: $8.40" in transcript  # the summary
    assert "Total: $51.40\n    Includes VAT 20%: $8.40" in transcript  # the receipt


@pytest.mark.parametrize("command", ["demo", "sandbox"])
@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (
            ["--stars", "--tax", "20"],
            "error: --tax: a Stars shop (--stars) shows no tax, Telegram sells its goods; "
            "leave --tax out",
        ),
        (
            ["--tax", "20 percent"],
            "error: --tax: '20 percent' is not a percent from 0 to 100 with at most two "
            "decimals, such as 20 or 7.7",
        ),
    ],
)
def test_a_tax_that_cannot_be_is_refused_in_one_line(
    command: str, flags: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([command, *flags]) == 2
    assert capsys.readouterr().err == said + "\n"
