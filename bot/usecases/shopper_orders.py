"""The shopper's own moves on her orders: ✖️ Cancel order, before it ships.

The cancel is the admins' cancel (bot.usecases.orders.cancel_order: restock, full refund, a
failed refund flagged for review, one the provider could not be reached for tried again) with
the shopper's rule applied inside it (bot.services.cancelling). The admins are told each one,
in their own language.
"""

from __future__ import annotations

from functools import partial

from bot import notices
from bot.services.errors import OrderNotFound, ShopError
from bot.shop import Shop
from bot.store.ids import is_row_id
from bot.usecases.orders import ShopperNotice, cancel_order


def shopper_actor(telegram_id: int) -> str:
    """Who moved the order, as its history names a shopper."""
    return f"customer:{telegram_id}"


async def cancel_own_order(shop: Shop, telegram_id: int, order_id: int) -> ShopperNotice:
    """Cancel her order `order_id` if she may; what she is told either way (a refusal in her
    words, or what was refunded, or that the refund is on its way)."""
    if not is_row_id(order_id):
        return OrderNotFound(order_id).said
    try:
        change = await cancel_order(
            shop, order_id, actor=shopper_actor(telegram_id), shopper=telegram_id
        )
    except ShopError as refused:
        return refused.said
    await shop.alert_admins(
        partial(
            notices.cancelled_by_shopper,
            order_id=order_id,
            refund=change.refund,
            pending=change.refund_error is not None,
            retrying=change.refund_deferred,
        )
    )
    return change.message_for_shopper
