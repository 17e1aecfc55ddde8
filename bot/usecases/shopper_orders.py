"""The shopper's own moves on her orders: ✖️ Cancel order, before it ships.

The cancel is the admins' cancel (bot.usecases.orders.cancel_order: restock, full refund, a
failed refund flagged for review, one the provider could not be reached for tried again) with
the shopper's rule applied inside it (bot.services.cancelling). The admins are told each one,
in their own language, and it is written in their audit log, naming her as the order's
history does. The chat and the storefront page both cancel through `cancel_own_order`: the
chat words a refusal as its answer (`cancel_own_order_said`), the page answers it with its
HTTP status.
"""

from __future__ import annotations

from functools import partial

from bot import notices
from bot.services.errors import OrderNotFound, ShopError
from bot.shop import Shop
from bot.store.ids import is_row_id
from bot.usecases.orders import ShopperNotice, audit_order, cancel_order


def shopper_actor(telegram_id: int) -> str:
    """Who moved the order, as its history names a shopper."""
    return f"customer:{telegram_id}"


async def cancel_own_order(shop: Shop, telegram_id: int, order_id: int) -> ShopperNotice:
    """Cancel her order `order_id`; what she is told (what was refunded, or that the refund is
    on its way). Refused with OrderNotFound (not hers, or no such order) or NotCancellable
    (why not, in her words: shipped, cancelled already, flagged, turned off)."""
    if not is_row_id(order_id):
        raise OrderNotFound(order_id)
    actor = shopper_actor(telegram_id)
    change = await cancel_order(shop, order_id, actor=actor, shopper=telegram_id)
    details = {"actor": actor, **change.audit_details()}  # she is no admin: named as such
    await audit_order(shop, telegram_id, "order.cancel", order_id, details)
    await shop.alert_admins(
        partial(
            notices.cancelled_by_shopper,
            order_id=order_id,
            refund=change.refund,
            pending=change.refund_error is not None,
            retrying=change.refund_deferred,
        ),
        about="alert.cancelled",
    )
    return change.message_for_shopper


async def cancel_own_order_said(shop: Shop, telegram_id: int, order_id: int) -> ShopperNotice:
    """`cancel_own_order` for the chat's press: what she is told either way (a refusal is
    said in her words)."""
    try:
        return await cancel_own_order(shop, telegram_id, order_id)
    except ShopError as refused:
        return refused.said
