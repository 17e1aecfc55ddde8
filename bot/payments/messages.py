"""What shoppers and admins read about payments: one place for the wording."""

from __future__ import annotations

from typing import Any

from bot.services.orders import OrderSummary, lines_text


def receipt_text(
    order: OrderSummary, *, under_review: bool = False, downloads_follow: bool = False
) -> str:
    """The shopper's confirmation: order number, lines, total, and what happens next.

    `downloads_follow`: the order's digital items are sent right after this message.
    """
    if order.needs_shipping:
        nxt = "We're packing your order and will message you here when it ships."
        if downloads_follow:
            nxt += " Your digital items follow below."
    elif downloads_follow:
        nxt = "Your digital items follow below."
    else:
        nxt = "The shop will send your digital items here shortly."
    text = (
        f"✅ Payment received, thank you!\n\nOrder #{order.order_id}\n{lines_text(order)}\n\n"
        f"What happens next: {nxt}\n/orders shows its status any time"
        + (" and sends the downloads again." if downloads_follow else ".")
    )
    if under_review:
        text += (
            "\n\nWe're double-checking the payment with our provider "
            "and will message you if anything is needed."
        )
    return text


def reserved_text(order: OrderSummary, minutes: int) -> str:
    return (
        f"⏳ The items of order #{order.order_id} are held for you for {minutes} minutes. "
        "Tap Pay on the invoice to finish; /cancel lets them go."
    )


def expired_text(order_id: int) -> str:
    return (
        f"⌛ The invoice for order #{order_id} expired and the items went back on the shelf. "
        "Your /cart is still there whenever you want to check out again."
    )


def address_text(address: dict[str, Any] | None) -> str:
    if not address:
        return "-"
    parts = [
        address.get("street_line1"),
        address.get("street_line2"),
        address.get("post_code"),
        address.get("city"),
        address.get("state"),
        address.get("country_code"),
    ]
    return ", ".join(str(part) for part in parts if part)


def admin_new_order_text(order: OrderSummary, payer: str, address: dict[str, Any] | None) -> str:
    text = f"🛒 New paid order #{order.order_id} from {payer}\n{lines_text(order)}"
    if order.needs_shipping:
        text += f"\nShip to: {address_text(address)}"
    return text


def admin_review_text(order_id: int, reason: str | None) -> str:
    return (
        f"⚠️ Order #{order_id} needs review: {reason or 'payment check failed'}.\n"
        "Do not ship it until the payment is sorted out."
    )
