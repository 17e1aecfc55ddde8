"""The shopper's chat flow: a `transitions` state table, persisted per chat in ChatState.

The table and its diagram are in bot/conversation/machine.py. States: idle, browsing, viewing,
cart, checkout, awaiting_payment, paid, cancelled. The shopper's use cases are in journey.py.

Public API for other features (stable): one way to fire a trigger, `fire`, on a chat loaded
in the caller's unit of work:

    from bot.conversation import engine

    async with shop.store.uow() as uow:
        chat = await engine.load(uow, chat_id)      # locks the chat until the uow ends
        if await engine.fire(chat, "paid"):         # False: the table refuses, nothing changes
            await engine.save(uow, chat)            # False: written meanwhile (not while locked)
    state: str = await conversation.state_of(store, chat_id)   # e.g. "awaiting_payment"

`fire` raises ValueError for a trigger that does not exist. Useful triggers for the payments
feature: "paid" (from any state: a payment is a fact) and "payment_cancelled" (only from
awaiting_payment; an invoice that expired or was cancelled). The chat leaves paid/cancelled
on the shopper's next action. Keys of ChatState.data other than "shopper" are left untouched.
"""

from bot.conversation.engine import fire, load, save, state_of
from bot.conversation.machine import STATES, ChatSession, Step

__all__ = ["STATES", "ChatSession", "Step", "fire", "load", "save", "state_of"]
