"""The wording of what the shop tells people without being asked: alerts and notices.

Replies (a receipt, a screen) are worded by bot.views; these go out through the notifier
(bot.notifier), sent by the use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services.order_summary import OrderSummary, lines_text
from bot.services.sellable import StockLine


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


def new_order(order: OrderSummary, payer: str, address: dict[str, Any] | None) -> str:
    text = f"🛒 New paid order #{order.order_id} from {payer}\n{lines_text(order)}"
    if order.needs_shipping:
        text += f"\nShip to: {address_text(address)}"
    if order.note:
        text += f"\n📝 Note from the shopper: {order.note}"
    return text


def needs_review(order_id: int, reason: str | None) -> str:
    return (
        f"⚠️ Order #{order_id} needs review: {reason or 'payment check failed'}.\n"
        "Do not ship it until the payment is sorted out."
    )


def unmatched_payment(
    payer: str, amount: int, currency: str, charge_id: str, note: str | None
) -> str:
    return f"⚠️ Unmatched payment from {payer}: {amount} {currency}, charge {charge_id} ({note})."


def refunded_automatically(order_id: int, note: str | None) -> str:
    return f"↩️ Order #{order_id} refunded automatically: {note}."


def not_in_shop_currency(titles: list[str], currency: str) -> str:
    return f"⚠️ {', '.join(titles)} is not priced in {currency}: shoppers cannot check it out."


def failed_delivery(order_id: int, titles: list[str]) -> str:
    return (
        f"⚠️ Order #{order_id}: could not send {', '.join(titles)} to the shopper. "
        "The order stays paid and /orders lets them download it again; you may want to "
        "contact them."
    )


def invoice_expired(order_id: int) -> str:
    return (
        f"⌛ The invoice for order #{order_id} expired and the items went back on the shelf. "
        "Your /cart is still there whenever you want to check out again."
    )


def low_stock_line(product: StockLine) -> str:
    left = product.available
    return f"{product.sku} · {product.title}: {left} left" + (
        f" ({product.reserved} held)" if product.reserved else ""
    )


def low_stock(threshold: int, products: Sequence[StockLine]) -> str:
    return f"⚠️ Low stock (threshold {threshold}):\n" + "\n".join(
        "• " + low_stock_line(p) for p in products
    )


def stock_gone(order_id: int, refunded: str | None) -> str:
    """The shopper's apology when a late payment found the goods sold out."""
    opening = (
        f"😔 Sorry: the hold on order #{order_id} expired and the items sold out before "
        "your payment arrived."
    )
    if refunded is None:
        return opening + " We'll refund you in full; the shop has been alerted."
    return opening + f" We refunded {refunded} in full."
