"""An admin's open multi-step flow (/addproduct, /edit, /broadcast, ship, refund, note), read and
written in a unit of work of its own (the rules are in bot.services.admin_flows), or ended in
the very unit of work that keeps the step's answer (`ending_step`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.services.admin_flows import Flow, read_flow, write_flow
from bot.shop import Shop
from bot.store.uow import UnitOfWork


async def load(shop: Shop, chat_id: int) -> Flow | None:
    async with shop.store.reading() as uow:
        return await read_flow(uow, chat_id)


async def save(shop: Shop, chat_id: int, flow: Flow | None) -> None:
    async with shop.store.uow() as uow:
        await write_flow(uow, chat_id, flow)


@asynccontextmanager
async def ending_step(shop: Shop, chat_id: int | None) -> AsyncIterator[UnitOfWork]:
    """A unit of work that also ends the admin's open step in `chat_id` (None: no step, as
    when a test or a job makes the change): what the step's answer writes (a note, a
    shipment) and the step's end are committed together, so a crash between them can lose
    neither the answer nor leave the step to take the next message as another answer.
    Refused (the work raises, e.g. the order is gone or moved on), it is rolled back and the
    step still ends, in a transaction of its own: the admin is told why and starts again."""
    try:
        async with shop.store.uow() as uow:
            if chat_id is not None:
                await write_flow(uow, chat_id, None)
            yield uow
    except Exception:
        if chat_id is not None:
            await save(shop, chat_id, None)
        raise
