"""An admin's open multi-step flow (/addproduct, /edit, /broadcast, ship, refund, note), read and
written in a unit of work of its own (the rules are in bot.services.admin_flows)."""

from __future__ import annotations

from bot.services.admin_flows import Flow, read_flow, write_flow
from bot.shop import Shop


async def load(shop: Shop, chat_id: int) -> Flow | None:
    async with shop.store.reading() as uow:
        return await read_flow(uow, chat_id)


async def save(shop: Shop, chat_id: int, flow: Flow | None) -> None:
    async with shop.store.uow() as uow:
        await write_flow(uow, chat_id, flow)
