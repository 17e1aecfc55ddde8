"""The shopper's chat flow: a `transitions` state table, persisted per chat in ChatState.

The table and its diagram are in bot/conversation/machine.py. States: idle, browsing, viewing,
cart, checkout, awaiting_payment, paid, cancelled.

Public API for other features (stable):

    from bot import conversation

    moved: bool = await conversation.fire(store, chat_id, "paid")
    moved = await conversation.fire(store, chat_id, "payment_cancelled")
    state: str = await conversation.state_of(store, chat_id)   # e.g. "awaiting_payment"

`fire(store: Store, chat_id: int, trigger: str, **facts) -> bool` runs in its own unit of
work (do not call it inside one), returns False when the table refuses the move (nothing
changes), and raises ValueError for a trigger that does not exist. Useful triggers for the
payments feature: "paid" (from any state: a payment is a fact) and "payment_cancelled" (only
from awaiting_payment; an invoice that expired or was cancelled). The chat leaves paid/cancelled
on the shopper's next action. Keys of ChatState.data other than "shopper" are left untouched.
"""

from bot.conversation.engine import fire, state_of
from bot.conversation.machine import STATES, ChatSession, Step

__all__ = ["STATES", "ChatSession", "Step", "fire", "state_of"]
