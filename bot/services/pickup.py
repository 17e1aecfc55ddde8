"""Pickup points: which of the payment form's options means the shopper collects the order
herself, and which place it names. One rule for the payment form (bot.payments.shipping), the
order's screens and the handover buttons (Ready for pickup, Picked up)."""

from __future__ import annotations

from bot.config import PickupPoint, Settings
from bot.i18n import N_, worded

PICKUP = "pickup:"  # "pickup:1": the first of PICKUP_POINTS
NO_LONGER_OFFERED = N_("Pickup point {number} (no longer offered)")


def pickup_id(number: int) -> str:
    """The payment form's option id of the `number`th pickup point (from 1): "pickup:1"."""
    return f"{PICKUP}{number}"


def is_pickup(option_id: str | None) -> bool:
    """The shopper collects the order herself (an option `pickup_id` made)."""
    return bool(option_id) and str(option_id).startswith(PICKUP)


def pickup_point(settings: Settings, option_id: str | None) -> PickupPoint | None:
    """The place a pickup option names, None for a delivery option or a place no longer
    listed (the order keeps the words of its place: Order.pickup_place)."""
    if not is_pickup(option_id):
        return None
    number = str(option_id).removeprefix(PICKUP)
    if not number.isdigit() or not 1 <= int(number) <= len(settings.pickup_points):
        return None
    return settings.pickup_points[int(number) - 1]


def chosen_place(option_id: str | None, kept: str | None) -> str:
    """The pickup point she chose, as her order names it: the words it kept when she paid
    (Order.pickup_place: "Main Street shop, 12 Main St"), else, for an order that kept none
    (its place had left PICKUP_POINTS by then), worded "Pickup point 2 (no longer offered)",
    never the bare id. Read it with `Translator.said`; `worded` keeps it as it is."""
    if kept:
        return kept
    return worded(NO_LONGER_OFFERED, number=str(option_id or "").removeprefix(PICKUP))
