"""`python -m benchmarks --quick` in CI: a smoke test that every benchmark still runs and
prints its figures (the figures themselves are for the README, not for assertions)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def test_the_benchmarks_run_in_quick_mode() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=PROJECT_ROOT,
        env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for line in (
        "ratio at 2 chats: shop/echo round trips/s",
        "inbox cost at 2 chats",
        "products: seed",
        "the admin's: product list (first, middle, last page)",
        "export",
        "through the chat, in turns: /help",
        "while 3 chats search",
        "the echo bot in the same phases",
        "a bot with no framework in the same phases",
        "RSS of a process holding the store",
        "shoppers check out and pay at once",
        "often bought with this, 300 products, 150 orders",
        "counting order lines",
    ):
        assert line in result.stdout, result.stdout
