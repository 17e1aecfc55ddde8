"""Settings: the token alone is enough; a bad value stops start-up naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456:ABC-secret"


def test_the_token_alone_gives_working_defaults(tmp_path: Path) -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN}, env_file=tmp_path / "missing.env")
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_api_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite+aiosqlite:///data/shop.db"
    assert settings.currency == "USD"
    assert settings.admin_ids == frozenset()
    assert settings.payload_secret and TOKEN not in settings.payload_secret
    assert settings.shipping_standard == 500
    assert settings.cart_reminder_hours == 24


def test_cart_reminders_wait_the_hours_given_and_zero_turns_them_off() -> None:
    for hours in ("48", "0"):
        env = {"BOT_TOKEN": TOKEN, "CART_REMINDER_HOURS": hours}
        assert load_settings(env, env_file=None).cart_reminder_hours == int(hours)


def test_shoppers_may_cancel_their_orders_unless_the_shop_turns_it_off() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).shopper_cancel
    for off in ("off", "0", "False", "no"):
        assert not load_settings({**env, "SHOPPER_CANCEL": off}, env_file=None).shopper_cancel
    assert load_settings({**env, "SHOPPER_CANCEL": "ON"}, env_file=None).shopper_cancel


def test_returns_are_taken_for_14_days_unless_set_and_zero_turns_them_off() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).return_days == 14
    for days in ("30", "0"):
        assert load_settings({**env, "RETURN_DAYS": days}, env_file=None).return_days == int(days)


def test_a_broadcast_goes_on_for_a_day_after_a_crash_recording_every_20_unless_set() -> None:
    env = {"BOT_TOKEN": TOKEN}
    settings = load_settings(env, env_file=None)
    assert (settings.broadcast_resume_hours, settings.broadcast_batch) == (24, 20)
    chosen = {**env, "BROADCAST_RESUME_HOURS": "72", "BROADCAST_BATCH": " 1 "}
    settings = load_settings(chosen, env_file=None)
    assert (settings.broadcast_resume_hours, settings.broadcast_batch) == (72, 1)
    for name, most, unit in (
        ("BROADCAST_RESUME_HOURS", 720, "hours"),
        ("BROADCAST_BATCH", 1000, "messages"),
    ):
        for wrong in ("0", str(most + 1), "-1", "1.5", "a day", "²", "9" * 40):
            expected = rf"^{name} must be a whole number of {unit} from 1 to {most}, got '"
            with pytest.raises(ConfigError, match=expected):
                load_settings({**env, name: wrong}, env_file=None)


def test_the_morning_report_comes_at_nine_unless_another_hour_or_off_is_set() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).daily_report_hour == 9
    for hour in ("0", "7", "23"):
        settings = load_settings({**env, "DAILY_REPORT_HOUR": hour}, env_file=None)
        assert settings.daily_report_hour == int(hour)
    for off in ("", "off", " OFF "):
        settings = load_settings({**env, "DAILY_REPORT_HOUR": off}, env_file=None)
        assert settings.daily_report_hour is None
    for wrong in ("24", "-1", "9.5", "nine", "٩", "9am"):
        with pytest.raises(ConfigError, match=r"^DAILY_REPORT_HOUR must be a whole hour"):
            load_settings({**env, "DAILY_REPORT_HOUR": wrong}, env_file=None)


def test_the_shop_timezone_is_an_iana_name_and_utc_by_default() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).zone.key == "UTC"
    madrid = load_settings({**env, "SHOP_TIMEZONE": "Europe/Madrid"}, env_file=None)
    assert madrid.zone.key == "Europe/Madrid"
    for wrong in ("Mars/Olympus", "../etc/passwd", "+03:00"):
        with pytest.raises(ConfigError, match="SHOP_TIMEZONE"):
            load_settings({**env, "SHOP_TIMEZONE": wrong}, env_file=None)


def test_a_local_bot_api_server_gets_matching_file_url(tmp_path: Path) -> None:
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/"}
    settings = load_settings(env, env_file=None)
    assert settings.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.bot_api_file_url == "http://127.0.0.1:8081/file/bot"
    bare = load_settings({**env, "TELEGRAM_API_BASE_URL": "http://localhost:8081"}, env_file=None)
    assert bare.bot_api_base_url == "http://localhost:8081/bot"


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"BOT_TOKEN={TOKEN}\nADMIN_IDS=1, 2,3\nCURRENCY=eur\nLOG_LEVEL=debug\n")
    settings = load_settings({"CURRENCY": "XTR"}, env_file=env_file)
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert settings.currency == "XTR" and settings.uses_stars
    assert settings.log_level == "DEBUG"
    assert settings.is_admin(2) and not settings.is_admin(4)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,bob"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "STAFF_IDS": "12,@sam"}, "STAFF_IDS"),
        ({"BOT_TOKEN": TOKEN, "CURRENCY": "dollars"}, "CURRENCY"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
        ({"BOT_TOKEN": TOKEN, "RESERVATION_MINUTES": "-5"}, "RESERVATION_MINUTES"),
        ({"BOT_TOKEN": TOKEN, "SHIPPING_STANDARD": "4.999"}, "SHIPPING_STANDARD"),
        ({"BOT_TOKEN": TOKEN, "SHIPPING_COUNTRIES": "US,USA"}, "SHIPPING_COUNTRIES"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "fast"}, "BROADCAST_RATE"),
        ({"BOT_TOKEN": TOKEN, "CART_REMINDER_HOURS": "1.5"}, "CART_REMINDER_HOURS"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE"),
        ({"BOT_TOKEN": TOKEN, "SHOPPER_CANCEL": "maybe"}, "SHOPPER_CANCEL"),
        ({"BOT_TOKEN": TOKEN, "RETURN_DAYS": "-1"}, "RETURN_DAYS"),
        ({"BOT_TOKEN": TOKEN, "RETURN_DAYS": "two weeks"}, "RETURN_DAYS"),
        ({"BOT_TOKEN": "²:abc"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "123:"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "nan"}, "BROADCAST_RATE"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "inf"}, "BROADCAST_RATE"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "--5"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "²"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "١٢"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "RESERVATION_MINUTES": "²"}, "RESERVATION_MINUTES"),
        ({"BOT_TOKEN": TOKEN, "WEBHOOK_PORT": "①"}, "WEBHOOK_PORT"),
        ({"BOT_TOKEN": TOKEN, "WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
        ({"BOT_TOKEN": TOKEN, "METRICS_PORT": "70000"}, "METRICS_PORT"),
        ({"BOT_TOKEN": TOKEN, "WEBAPP_PORT": "0"}, "WEBAPP_PORT"),
        ({"BOT_TOKEN": TOKEN, "CURRENCY": "ZZZ"}, "CURRENCY"),
        ({"BOT_TOKEN": TOKEN, "SHIPPING_EXPRESS": "١٥"}, "SHIPPING_EXPRESS"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "sqlite+aiosqlite://"}, "DATABASE_URL"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "sqlite+aiosqlite:///"}, "DATABASE_URL"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "sqlite+aiosqlite:///:memory:"}, "DATABASE_URL"),
    ],
)
def test_malformed_values_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        load_settings(env, env_file=None)


def test_ports_run_from_1_to_65535_and_admin_ids_may_be_negative() -> None:
    env = {"BOT_TOKEN": TOKEN, "WEBHOOK_PORT": "65535", "METRICS_PORT": "1", "ADMIN_IDS": "-5,7"}
    settings = load_settings(env, env_file=None)
    assert (settings.webhook_port, settings.metrics_port) == (65535, 1)
    assert settings.admin_ids == frozenset({-5, 7})


def test_an_unclosed_quote_in_the_env_file_names_its_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f'BOT_TOKEN={TOKEN}\nADMIN_IDS="1,2\nCURRENCY=EUR\n')
    with pytest.raises(ConfigError, match=r"\.env, line 2: cannot be read"):
        load_settings({}, env_file=env_file)


def test_an_unreadable_env_file_is_a_clear_error(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"BOT_TOKEN=\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match=r"cannot read .*\.env"):
        load_settings({}, env_file=env_file)


def test_the_home_country_is_always_served_and_international_shipping_costs_extra() -> None:
    env = {"BOT_TOKEN": TOKEN, "SHIPPING_COUNTRIES": "DE,FR", "SHIPPING_HOME_COUNTRY": "nl"}
    settings = load_settings({**env, "SHIPPING_INTERNATIONAL_EXTRA": "7.50"}, env_file=None)
    assert settings.shipping_home_country == "NL"
    assert settings.shipping_countries == frozenset({"DE", "FR", "NL"})
    assert settings.shipping_international_extra == 750
    with pytest.raises(ConfigError, match="SHIPPING_HOME_COUNTRY"):
        load_settings({**env, "SHIPPING_HOME_COUNTRY": "Holland"}, env_file=None)


def test_tips_are_off_until_tip_max_is_set_and_suggestions_follow_telegrams_rules() -> None:
    plain = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    assert (plain.tip_max, plain.tip_suggested, plain.tips_on) == (0, (), False)
    env = {"BOT_TOKEN": TOKEN, "TIP_MAX": "5.00", "TIP_SUGGESTED": "1.00, 2.00,3.00"}
    tipping = load_settings(env, env_file=None)
    assert (tipping.tip_max, tipping.tip_suggested, tipping.tips_on) == (500, (100, 200, 300), True)
    stars = load_settings({**env, "CURRENCY": "XTR", "TIP_MAX": "5", "TIP_SUGGESTED": "1"}, None)
    assert not stars.tips_on  # Stars invoices have no tips
    for suggested, why in [
        ("1.00,2.00,3.00,4.00,5.00", "at most 4"),
        ("2.00,1.00", "each larger than the one before"),
        ("1.00,1.00", "each larger than the one before"),
        ("6.00", "larger than TIP_MAX"),
        ("1.005", "TIP_SUGGESTED"),
    ]:
        with pytest.raises(ConfigError, match=why):
            load_settings({**env, "TIP_SUGGESTED": suggested}, env_file=None)
    with pytest.raises(ConfigError, match="needs TIP_MAX"):
        load_settings({"BOT_TOKEN": TOKEN, "TIP_SUGGESTED": "1.00"}, env_file=None)
    with pytest.raises(ConfigError, match="TIP_MAX"):
        load_settings({"BOT_TOKEN": TOKEN, "TIP_MAX": "five"}, env_file=None)


def test_a_tracking_page_is_off_by_default_and_takes_the_number_once_over_https() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).tracking_url == ""
    page = "https://www.17track.net/en/track?nums={number}"
    assert load_settings({**env, "TRACKING_URL": f"  {page} "}, env_file=None).tracking_url == page
    for wrong in (
        "http://www.17track.net/en/track?nums={number}",  # not https
        "https://www.17track.net/en/track",  # nowhere for the number
        "https://t.example/{number}?again={number}",  # twice
        "https://{number}/track",  # the number for a host
        "https://",
        "www.17track.net/en/track?nums={number}",
        "https://t.example/{num}",
    ):
        with pytest.raises(ConfigError, match=r"^TRACKING_URL must be an https:// address with"):
            load_settings({**env, "TRACKING_URL": wrong}, env_file=None)


def test_a_privacy_policy_link_is_off_by_default_and_https_only() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).privacy_policy_url == ""
    page = "https://shop.example/privacy"
    loaded = load_settings({**env, "PRIVACY_POLICY_URL": page}, env_file=None)
    assert loaded.privacy_policy_url == page
    for wrong in ("http://shop.example/privacy", "shop.example/privacy", "https://"):
        with pytest.raises(ConfigError, match=r"^PRIVACY_POLICY_URL must be an https:// address"):
            load_settings({**env, "PRIVACY_POLICY_URL": wrong}, env_file=None)


def test_a_minimum_order_is_off_by_default_and_an_amount_in_the_shops_currency() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).min_order == 0
    assert load_settings({**env, "MIN_ORDER": ""}, env_file=None).min_order == 0
    assert load_settings({**env, "MIN_ORDER": "10.00"}, env_file=None).min_order == 1000
    assert load_settings({**env, "MIN_ORDER": "12.5"}, env_file=None).min_order == 1250
    stars = {**env, "CURRENCY": "XTR", "PAYMENT_PROVIDER_TOKEN": ""}
    assert load_settings({**stars, "MIN_ORDER": "100"}, env_file=None).min_order == 100
    for bad in ["ten", "-5.00", "10.005"]:
        with pytest.raises(ConfigError, match="MIN_ORDER"):
            load_settings({**env, "MIN_ORDER": bad}, env_file=None)
    with pytest.raises(ConfigError, match="MIN_ORDER"):  # a whole number of Stars
        load_settings({**stars, "MIN_ORDER": "10.50"}, env_file=None)


def test_invitations_are_off_by_default_and_their_reward_is_an_amount_of_the_shop() -> None:
    env = {"BOT_TOKEN": TOKEN}
    assert load_settings(env, env_file=None).referral_reward == 0
    assert load_settings({**env, "REFERRAL_REWARD": ""}, env_file=None).referral_reward == 0
    assert load_settings({**env, "REFERRAL_REWARD": "0"}, env_file=None).referral_reward == 0
    assert load_settings({**env, "REFERRAL_REWARD": "5.00"}, env_file=None).referral_reward == 500
    assert load_settings({**env, "REFERRAL_REWARD": "7.5"}, env_file=None).referral_reward == 750
    stars = {**env, "CURRENCY": "XTR", "PAYMENT_PROVIDER_TOKEN": ""}
    assert load_settings({**stars, "REFERRAL_REWARD": "50"}, env_file=None).referral_reward == 50
    for bad in ["five", "-5.00", "5.005"]:
        with pytest.raises(ConfigError, match="REFERRAL_REWARD"):
            load_settings({**env, "REFERRAL_REWARD": bad}, env_file=None)
    with pytest.raises(ConfigError, match="REFERRAL_REWARD"):  # a whole number of Stars
        load_settings({**stars, "REFERRAL_REWARD": "10.50"}, env_file=None)


def test_tax_is_off_by_default_and_taken_as_a_percent_with_its_label() -> None:
    env = {"BOT_TOKEN": TOKEN}
    plain = load_settings(env, env_file=None)
    assert (plain.tax_rate_bp, plain.tax_on, plain.tax_label) == (None, False, "VAT")
    swiss = load_settings({**env, "TAX_RATE": "7.7", "TAX_LABEL": "MwSt."}, env_file=None)
    assert (swiss.tax_rate_bp, swiss.tax_on, swiss.tax_label) == (770, True, "MwSt.")
    assert load_settings({**env, "TAX_RATE": "0"}, env_file=None).tax_rate_bp == 0
    for wrong in ("20 percent", "-5", "101", "7.777"):
        with pytest.raises(ConfigError, match=r"TAX_RATE: .* is not a percent from 0 to 100"):
            load_settings({**env, "TAX_RATE": wrong}, env_file=None)
    with pytest.raises(ConfigError, match="TAX_RATE: a Stars shop"):
        load_settings({**env, "CURRENCY": "XTR", "TAX_RATE": "20"}, env_file=None)
    with pytest.raises(ConfigError, match="TAX_LABEL must be a word of at most 16"):
        load_settings({**env, "TAX_LABEL": "Value added tax, included"}, env_file=None)


def test_invoices_are_off_without_a_seller_and_each_setting_is_checked() -> None:
    env = {"BOT_TOKEN": TOKEN}
    plain = load_settings(env, env_file=None)
    assert (plain.invoices_on, plain.invoice_prefix) == (False, "INV-")
    shop = load_settings(
        {
            **env,
            "INVOICE_SELLER": "Mugs & Co. Ltd",
            "INVOICE_ADDRESS": "12 Main St; Springfield\\n12345\nUnited Kingdom",
            "INVOICE_TAX_ID": "GB 123 456 789",
            "INVOICE_PREFIX": "F/",
        },
        env_file=None,
    )
    assert shop.invoices_on
    assert shop.invoice_address == ("12 Main St", "Springfield", "12345", "United Kingdom")
    assert (shop.invoice_tax_id, shop.invoice_prefix) == ("GB 123 456 789", "F/")
    seller = {**env, "INVOICE_SELLER": "Mugs Ltd"}
    for name, wrong, says in (
        ("INVOICE_SELLER", "M" * 121, "INVOICE_SELLER must be the shop's legal name"),
        ("INVOICE_ADDRESS", "; ".join(["a line"] * 7), "INVOICE_ADDRESS must be at most 6"),
        ("INVOICE_ADDRESS", "x" * 81, "INVOICE_ADDRESS must be at most 6"),
        ("INVOICE_TAX_ID", "GB#123", "INVOICE_TAX_ID must be a VAT number"),
        ("INVOICE_PREFIX", "INVOICE NUMBER", "INVOICE_PREFIX must be at most 12"),
    ):
        with pytest.raises(ConfigError, match=says):
            load_settings({**seller, name: wrong}, env_file=None)
    with pytest.raises(ConfigError, match="INVOICE_ADDRESS and INVOICE_TAX_ID need INVOICE_SELLER"):
        load_settings({**env, "INVOICE_TAX_ID": "GB123456789"}, env_file=None)


def test_delivery_slots_are_off_unless_windows_are_set_and_are_kept_in_the_days_order() -> None:
    env = {"BOT_TOKEN": TOKEN}
    off = load_settings(env, env_file=None)
    assert not off.slots_on and off.delivery_slots == ()
    assert (off.delivery_slot_capacity, off.delivery_days_ahead) == (5, 3)
    assert off.delivery_cutoff_minutes == 60
    settings = load_settings(
        {
            **env,
            "DELIVERY_SLOTS": " 18:00-20:00, 9:00-11:00,14:00 - 16:00",
            "DELIVERY_SLOT_CAPACITY": "8",
            "DELIVERY_DAYS_AHEAD": "14",
            "DELIVERY_CUTOFF_MINUTES": "0",
        },
        env_file=None,
    )
    assert settings.slots_on
    assert settings.delivery_slots == ("09:00-11:00", "14:00-16:00", "18:00-20:00")
    assert (settings.delivery_slot_capacity, settings.delivery_days_ahead) == (8, 14)
    assert settings.delivery_cutoff_minutes == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"DELIVERY_SLOTS": "10-12"}, "windows such as 10:00-12:00"),
        ({"DELIVERY_SLOTS": "10:00-12:00,"}, "windows such as 10:00-12:00"),
        ({"DELIVERY_SLOTS": "25:00-26:00"}, "not a time of day"),
        ({"DELIVERY_SLOTS": "12:00-10:00"}, "must end after it starts"),
        ({"DELIVERY_SLOTS": "10:00-10:00"}, "must end after it starts"),
        ({"DELIVERY_SLOTS": "10:00-12:00,11:00-13:00"}, "must not overlap"),
        ({"DELIVERY_SLOTS": ",".join(f"{h:02d}:00-{h:02d}:30" for h in range(9))}, "at most 8"),
        ({"DELIVERY_SLOT_CAPACITY": "0"}, "DELIVERY_SLOT_CAPACITY must be a positive"),
        ({"DELIVERY_DAYS_AHEAD": "15"}, "DELIVERY_DAYS_AHEAD must be a whole number of days"),
        ({"DELIVERY_CUTOFF_MINUTES": "-5"}, "DELIVERY_CUTOFF_MINUTES must be a positive"),
        (
            {
                "DELIVERY_SLOTS": ",".join(f"{h:02d}:00-{h:02d}:30" for h in range(8)),
                "DELIVERY_DAYS_AHEAD": "7",
            },
            "at most 48 times to choose from, got 8 windows × 7 days",
        ),
    ],
)
def test_delivery_slot_settings_the_shop_cannot_keep_are_refused_at_start_up(
    values: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings({"BOT_TOKEN": TOKEN, **values}, env_file=None)


def test_six_windows_for_eight_days_are_the_most_a_summary_offers() -> None:
    six = ",".join(f"{h:02d}:00-{h:02d}:30" for h in range(8, 14))
    env = {"BOT_TOKEN": TOKEN, "DELIVERY_SLOTS": six, "DELIVERY_DAYS_AHEAD": "8"}
    assert len(load_settings(env, env_file=None).delivery_slots) * 8 == 48
