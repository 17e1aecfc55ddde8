"""Delivery time slots: when an order shipped to an address is to arrive (DELIVERY_SLOTS).

The shop delivers in a few daily windows ("10:00-12:00"), each taking DELIVERY_SLOT_CAPACITY
orders a day, offered for DELIVERY_DAYS_AHEAD days from today on the shop's clock until
DELIVERY_CUTOFF_MINUTES before the window starts. She chooses one on the order summary (kept
on her cart); place_order takes its seat with one conditional UPDATE in the order's own
transaction, so a window never takes more than its capacity; the seat goes back once
(Order.delivery_slot_released) when the order goes without being delivered. Each function
works in the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.config import Settings
from bot.i18n import N_
from bot.services.errors import SlotInputError, SlotNeeded, SlotUnavailable
from bot.store.models import Cart, Order
from bot.store.uow import UnitOfWork

_KEY_SEPARATOR = " "  # "2026-12-07 10:00-12:00": the cart's choice and the export's column


@dataclass(frozen=True, slots=True)
class SlotState:
    """A window of a day as the summary and /slots see it now."""

    day: date
    window: str
    taken: int
    capacity: int
    closed: bool
    past_cutoff: bool

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity

    @property
    def open(self) -> bool:
        """Offered to shoppers now: not full, not closed, not past its cut-off."""
        return not (self.full or self.closed or self.past_cutoff)

    @property
    def key(self) -> str:
        return slot_key(self.day, self.window)


def slot_key(day: date, window: str) -> str:
    """ "2026-12-07 10:00-12:00": the choice as the cart keeps it."""
    return f"{day.isoformat()}{_KEY_SEPARATOR}{window}"


def parse_key(key: str | None) -> tuple[date, str] | None:
    """The day and window of a kept choice; None for none or a malformed one."""
    if not key or _KEY_SEPARATOR not in key:
        return None
    day, window = key.split(_KEY_SEPARATOR, 1)
    try:
        return date.fromisoformat(day), window
    except ValueError:
        return None


def needs_slot(settings: Settings, ships: bool) -> bool:
    """The order is asked when it arrives: slots are on and it has goods to deliver (a Stars
    shop sells digital goods only, which never ship)."""
    return settings.slots_on and ships and not settings.uses_stars


def today(settings: Settings, now: datetime) -> date:
    """The shop's day of `now` (SHOP_TIMEZONE)."""
    return now.astimezone(settings.zone).date()


def offered_days(settings: Settings, now: datetime) -> list[date]:
    """DELIVERY_DAYS_AHEAD days from the shop's today."""
    first = today(settings, now)
    return [first + timedelta(days=n) for n in range(settings.delivery_days_ahead)]


def window_start(settings: Settings, day: date, window: str) -> datetime:
    """When the window opens on the shop's clock."""
    hours, minutes = (int(part) for part in window.split("-", 1)[0].split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=settings.zone)


def past_cutoff(settings: Settings, day: date, window: str, now: datetime) -> bool:
    """Too late to book: DELIVERY_CUTOFF_MINUTES before the window starts, or later."""
    cutoff = window_start(settings, day, window) - timedelta(
        minutes=settings.delivery_cutoff_minutes
    )
    return now >= cutoff


async def states(uow: UnitOfWork, settings: Settings, now: datetime) -> list[SlotState]:
    """Every window of the days offered, in the order of time, with its seats taken."""
    days = offered_days(settings, now)
    if not days or not settings.slots_on:
        return []
    rows = {(r.day, r.window): r for r in await uow.delivery_slots.between(days[0], days[-1])}
    found: list[SlotState] = []
    for day in days:
        for window in settings.delivery_slots:
            row = rows.get((day, window))
            found.append(
                SlotState(
                    day,
                    window,
                    row.taken if row else 0,
                    settings.delivery_slot_capacity,
                    bool(row and row.closed),
                    past_cutoff(settings, day, window, now),
                )
            )
    return found


async def open_slots(uow: UnitOfWork, settings: Settings, now: datetime) -> list[SlotState]:
    """The windows she may choose now."""
    return [state for state in await states(uow, settings, now) if state.open]


def _offered(settings: Settings, day: date, window: str, now: datetime) -> bool:
    return window in settings.delivery_slots and day in offered_days(settings, now)


async def state_of(
    uow: UnitOfWork, settings: Settings, day: date, window: str, now: datetime
) -> SlotState | None:
    """The window of that day as it is now; None if the shop does not offer it (a stale
    choice, a window taken out of DELIVERY_SLOTS, a day out of range)."""
    if not _offered(settings, day, window, now):
        return None
    row = await uow.delivery_slots.get(day, window)
    return SlotState(
        day,
        window,
        row.taken if row else 0,
        settings.delivery_slot_capacity,
        bool(row and row.closed),
        past_cutoff(settings, day, window, now),
    )


async def choose(
    uow: UnitOfWork, customer_id: int, settings: Settings, day: date, window: str, now: datetime
) -> SlotState:
    """Keep her choice on the cart, if the window is open now; SlotUnavailable otherwise
    (full, closed or past its cut-off since the summary was drawn, or never offered). Nothing
    is taken yet: place_order takes the seat."""
    state = await state_of(uow, settings, day, window, now)
    if state is None or not state.open:
        raise SlotUnavailable()
    cart = await uow.carts.get_for_customer(customer_id)
    cart.delivery_slot = state.key
    return state


async def clear(uow: UnitOfWork, customer_id: int) -> None:
    """Forget her choice ("Change" on the summary)."""
    cart = await uow.carts.get_for_customer(customer_id)
    cart.delivery_slot = None


async def chosen(
    uow: UnitOfWork, cart: Cart, settings: Settings, now: datetime
) -> SlotState | None:
    """Her kept choice if it is still open; None for none, or one that is not any more (the
    summary then asks again)."""
    parsed = parse_key(cart.delivery_slot)
    if parsed is None:
        return None
    state = await state_of(uow, settings, *parsed, now)
    return state if state is not None and state.open else None


async def take_for_order(
    uow: UnitOfWork, settings: Settings, cart: Cart, order: Order, now: datetime
) -> None:
    """Take a seat in the window she chose for `order` (not added yet): SlotNeeded when
    none is chosen, SlotUnavailable when it is no longer free (the caller's unit of work
    rolls back, and no order is placed). One conditional UPDATE: of orders placed at once
    for a window's last seat, exactly one gets it."""
    parsed = parse_key(cart.delivery_slot)
    if parsed is None:
        raise SlotNeeded()
    day, window = parsed
    if not _offered(settings, day, window, now) or past_cutoff(settings, day, window, now):
        raise SlotUnavailable()
    if not await uow.delivery_slots.take(day, window, settings.delivery_slot_capacity):
        raise SlotUnavailable()
    order.delivery_day, order.delivery_window = day, window


async def give_back(uow: UnitOfWork, order: Order) -> bool:
    """The order's seat free again, once: False if it had none or it went back already (the
    mark and the seat move in one transaction)."""
    if order.delivery_day is None or order.delivery_window is None:
        return False
    if not await uow.delivery_slots.claim_release(order.id):
        return False
    order.delivery_slot_released = True
    await uow.delivery_slots.give_back(order.delivery_day, order.delivery_window)
    return True


async def retake(uow: UnitOfWork, settings: Settings, order: Order) -> bool:
    """A late payment for an order whose seat went back: the seat taken again if the window
    still has one (True, also when nothing was given back); False when it is full or closed
    now, and the order keeps its time for an admin to settle."""
    if order.delivery_day is None or order.delivery_window is None:
        return True
    if not order.delivery_slot_released:
        return True
    if not await uow.delivery_slots.take(
        order.delivery_day, order.delivery_window, settings.delivery_slot_capacity
    ):
        return False
    if await uow.delivery_slots.claim_retake(order.id):
        order.delivery_slot_released = False
    return True


def by_day(slots: Sequence[SlotState]) -> dict[date, list[SlotState]]:
    """The windows grouped by day, days in order."""
    grouped: dict[date, list[SlotState]] = {}
    for state in slots:
        grouped.setdefault(state.day, []).append(state)
    return grouped


BAD_DAY = N_("{day} is not a day from today on: write it as 2026-12-07, today or tomorrow.")
BAD_WINDOW = N_("{window} is not one of the shop's delivery windows: {windows}.")


def parse_day(text: str, settings: Settings, now: datetime) -> date:
    """/slots' DAY: "today", "tomorrow" (the shop's days) or 2026-12-07, not before today;
    SlotInputError otherwise."""
    first = today(settings, now)
    word = text.strip().lower()
    if word == "today":
        return first
    if word == "tomorrow":
        return first + timedelta(days=1)
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise SlotInputError.saying(BAD_DAY, day=text) from None
    if day < first:
        raise SlotInputError.saying(BAD_DAY, day=text)
    return day


def parse_window(text: str, settings: Settings) -> str:
    """/slots' WINDOW: one of DELIVERY_SLOTS as written there ("10:00-12:00", "9:00-11:00"
    for "09:00-11:00"); SlotInputError otherwise."""
    start, _, end = text.strip().partition("-")

    def padded(part: str) -> str:
        hours, _, minutes = part.strip().partition(":")
        return f"{hours.zfill(2)}:{minutes}"

    window = f"{padded(start)}-{padded(end)}"
    if window not in settings.delivery_slots:
        windows = ", ".join(settings.delivery_slots)
        raise SlotInputError.saying(BAD_WINDOW, window=text, windows=windows)
    return window


async def set_closed(
    uow: UnitOfWork, settings: Settings, day: date, window: str, closed: bool
) -> SlotState:
    """Close a window of a day to new orders (or open it again); the orders booked in it
    keep their seats. The window as it is now."""
    taken = await uow.delivery_slots.set_closed(day, window, closed)
    return SlotState(day, window, taken, settings.delivery_slot_capacity, closed, False)
