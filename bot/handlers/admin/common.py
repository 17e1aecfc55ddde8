"""What the admin handlers share: who is asking, in which chat, what they typed, and their
open flow."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import AdminOrders, FromOrderList, listing_of
from bot.context import ShopContext
from bot.services.admin_catalog import AdminInputError
from bot.services.admin_flows import Flow
from bot.usecases import admin_flows


def chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None, "admin handlers run in a chat"
    return chat.id


def actor(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id


def message_text(update: Update, *, missing: str | None = None) -> str:
    """The text the admin sent; "" for a photo, a sticker..., or AdminInputError(missing)."""
    message = update.effective_message
    text = message.text if message is not None else None
    if text is None and missing is not None:
        raise AdminInputError(missing)
    return text or ""


async def load_flow(update: Update, context: ShopContext) -> Flow | None:
    return await admin_flows.load(context.shop, chat_id(update))


async def save_flow(update: Update, context: ShopContext, flow: Flow | None) -> None:
    await admin_flows.save(context.shop, chat_id(update), flow)


def list_kept(data: FromOrderList) -> dict[str, int]:
    """What a step begun on an order's screen keeps of the order list the order was opened
    from, so the screen it ends with leads back there (`listing_kept`)."""
    return {"listed": data.listed, "customer_id": data.customer_id}


def listing_kept(flow: Flow) -> AdminOrders:
    """The order list a step's order was opened from (`list_kept`); a step saved before it
    kept one leads to the first page of all orders."""
    return listing_of(int(flow.get("listed", 0)), int(flow.get("customer_id", 0)))
