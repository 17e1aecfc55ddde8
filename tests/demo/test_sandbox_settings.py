"""The sandbox's shop takes the shop's own settings from the environment and .env, as `run`
would, and decides the rest (token, people, currency, payments) itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.demo import STARS_DEMO, USD_DEMO
from bot.sandbox import SHOP_SETTINGS, shop_settings


def test_referral_reward_and_the_shops_settings_come_from_the_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "REFERRAL_REWARD=5.00\nMIN_ORDER=20\nSHOP_TIMEZONE=Europe/Madrid\n"
        "CURRENCY=EUR\nADMIN_IDS=1\nPAYMENT_PROVIDER_TOKEN=live\nTAX_RATE=20\n"
    )
    assert shop_settings(USD_DEMO, {}, env) == {
        "referral_reward": 500,
        "min_order": 2000,
        "shop_timezone": "Europe/Madrid",
    }
    # The environment wins over the file, as at `run`; a Stars shop reads whole Stars.
    assert shop_settings(STARS_DEMO, {"REFERRAL_REWARD": "50"}, env)["referral_reward"] == 50


def test_nothing_set_leaves_the_sandbox_as_it_was(tmp_path: Path) -> None:
    assert shop_settings(USD_DEMO, {"ADMIN_IDS": "1"}, tmp_path / "missing.env") == {}


def test_a_wrong_setting_is_refused_in_one_line_as_run_refuses_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="REFERRAL_REWARD"):
        shop_settings(USD_DEMO, {"REFERRAL_REWARD": "five"}, None)


def test_every_shop_setting_names_settings_fields() -> None:
    fields = set(Settings.__dataclass_fields__)
    assert all(set(taken) <= fields for taken in SHOP_SETTINGS.values())


def test_delivery_times_come_from_the_environment_checked_as_run_checks_them() -> None:
    """A sandbox with DELIVERY_SLOTS asks for a delivery time on the summary, as the shop
    would; a window the shop would refuse at start-up is refused here too."""
    taken = shop_settings(
        USD_DEMO, {"DELIVERY_SLOTS": "14:00-16:00,10:00-12:00", "DELIVERY_SLOT_CAPACITY": "2"}, None
    )
    assert taken == {"delivery_slots": ("10:00-12:00", "14:00-16:00"), "delivery_slot_capacity": 2}
    with pytest.raises(ConfigError, match="DELIVERY_SLOTS"):
        shop_settings(USD_DEMO, {"DELIVERY_SLOTS": "12:00-10:00"}, None)
