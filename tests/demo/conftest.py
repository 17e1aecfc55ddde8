"""Helpers for running `python -m bot demo|sandbox` as a newcomer would, from any directory."""

from __future__ import annotations

import os

from tests.conftest import PROJECT_ROOT


def clean_env() -> dict[str, str]:
    """The environment without bot settings: the demo and sandbox need none."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "TELEGRAM_", "PAYMENT_", "STRIPE_", "ADMIN_"))
    }
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    return env
