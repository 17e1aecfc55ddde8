"""PICKUP_POINTS: the shop's pickup places, read once at start-up, offered free in the payment
form at home (never abroad), and named on every screen of an order collected there."""

from __future__ import annotations

import pytest

from bot import notices
from bot.config import ConfigError, PickupPoint, load_settings
from bot.i18n import translator
from bot.payments.shipping import shipping_options, ships_free
from bot.services.order_summary import delivery_method
from bot.services.pickup import pickup_point

TOKEN = "123:abc"
POINTS = "Main Street shop|12 Main St, Springfield, open 9-18; Harbour kiosk|Pier 3"


def test_the_shop_lists_its_places_as_name_and_address_separated_by_semicolons() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN, "PICKUP_POINTS": POINTS}, env_file=None)
    assert settings.pickup_points == (
        PickupPoint("Main Street shop", "12 Main St, Springfield, open 9-18"),
        PickupPoint("Harbour kiosk", "Pier 3"),
    )
    assert settings.pickup_points[0].place == "Main Street shop, 12 Main St, Springfield, open 9-18"
    assert load_settings({"BOT_TOKEN": TOKEN}, env_file=None).pickup_points == ()
    bare = load_settings({"BOT_TOKEN": TOKEN, "PICKUP_POINTS": "Depot;"}, env_file=None)
    assert bare.pickup_points == (PickupPoint("Depot"),)  # no address, a trailing ";"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("|12 Main St", "place 1 .* has no name"),
        ("Depot|A|B", "more than one |"),
        ("Depot|A; depot|B", "repeats the name 'depot'"),
        ("X" * 49, "longer than 48 characters"),
        (";".join(f"P{n}" for n in range(11)), "at most 10"),
    ],
)
def test_a_malformed_list_stops_start_up_naming_the_setting(value: str, said: str) -> None:
    with pytest.raises(ConfigError, match=f"^PICKUP_POINTS: .*{said}"):
        load_settings({"BOT_TOKEN": TOKEN, "PICKUP_POINTS": value}, env_file=None)


def test_pickup_is_offered_free_at_home_only_and_leaves_free_shipping_alone() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN, "PICKUP_POINTS": POINTS}, env_file=None)
    home = shipping_options(settings, goods_total=1000, country_code="US")
    assert [(o.id, o.title, o.price) for o in home[2:]] == [
        ("pickup:1", "🏬 Pick up: Main Street shop (free)", 0),
        ("pickup:2", "🏬 Pick up: Harbour kiosk (free)", 0),
    ]
    assert home[0].price == settings.shipping_standard and not ships_free(settings, 1000)
    abroad = shipping_options(settings, goods_total=1000, country_code="DE")
    assert [o.id for o in abroad] == ["standard", "express"]
    assert pickup_point(settings, "pickup:2") == settings.pickup_points[1]
    assert pickup_point(settings, "pickup:3") is None  # a place no longer listed
    assert pickup_point(settings, "express") is None


class _Order:
    def __init__(self, option: str, place: str | None = None) -> None:
        self.shipping_option, self.pickup_place = option, place


def test_one_function_names_how_the_order_reaches_her_in_her_language() -> None:
    collected = _Order("pickup:1", "Main Street shop, 12 Main St")
    assert delivery_method(collected, translator("en")) == "Pick up at Main Street shop, 12 Main St"
    assert delivery_method(collected, translator("es")).startswith("Recogida en Main Street shop")
    assert delivery_method(_Order("express"), translator("en")) == "express"


def test_an_approved_pickup_order_promises_word_when_ready_not_a_parcel() -> None:
    told = notices.payment_approved(
        translator("en"), 12, ships=True, downloads=False, collected=True
    )
    assert told.endswith("We'll message you here when your order is ready for pickup.")
    assert "ships" not in told
