"""/slots: the admins and staff see the next days' delivery windows (seats taken of the
capacity, closed ones marked); the admins close a window of a day to new orders, or open it
again, each move audited (slot.close, slot.open). The rules are bot.services.delivery_slots."""

from __future__ import annotations

from datetime import datetime

from bot import i18n
from bot.services import delivery_slots
from bot.services.delivery_slots import SlotState
from bot.shop import Shop
from bot.store.models import utcnow
from bot.texts import delivery as texts


async def listing(shop: Shop, now: datetime | None = None) -> list[SlotState]:
    """Every window of the days offered, as shoppers' summaries see them now."""
    async with shop.store.reading() as uow:
        return await delivery_slots.states(uow, shop.settings, now or utcnow())


async def set_closed(
    shop: Shop,
    admin_id: int,
    day_text: str,
    window_text: str,
    closed: bool,
    now: datetime | None = None,
) -> str:
    """Close (or open) the window `window_text` of `day_text`; the admin's answer, saying how
    many orders are booked in it. SlotInputError for a day or window the shop cannot read."""
    settings = shop.settings
    day = delivery_slots.parse_day(day_text, settings, now or utcnow())
    window = delivery_slots.parse_window(window_text, settings)
    async with shop.store.uow() as uow:
        state = await delivery_slots.set_closed(uow, settings, day, window, closed)
        action = "slot.close" if closed else "slot.open"
        target = f"slot:{delivery_slots.slot_key(day, window)}"
        await uow.audit.record(admin_id, action, target, {"booked": state.taken})
    tr = i18n.current()
    label = texts.day_label(tr, day, texts.FULL_DAY)
    if closed:
        return tr._(texts.SLOT_CLOSED, day=label, window=window, booked=state.taken)
    return tr._(
        texts.SLOT_OPENED,
        day=label,
        window=window,
        booked=state.taken,
        capacity=state.capacity,
    )
