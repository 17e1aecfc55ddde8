"""The shopper's chat flow as one table (pytransitions Machine).

```mermaid
stateDiagram-v2
    [*] --> idle
    idle --> browsing: browse
    browsing --> viewing: view
    viewing --> browsing: browse (Back)
    viewing --> cart: open_cart
    browsing --> cart: open_cart
    cart --> checkout: checkout [cart_has_items]
    checkout --> checkout: checkout [cart_has_items]
    checkout --> awaiting_payment: pay [cart_has_items, nothing_changed]
    checkout --> entering_code: ask_code (Promo code)
    checkout --> writing_note: ask_note (Note for the shop)
    entering_code --> checkout: checkout (code applied, or refused with the reason)
    writing_note --> checkout: checkout (note kept, or refused with the reason)
    idle --> writing_review: ask_review (✍️ on a product she rated)
    writing_review --> idle: open_orders (words kept) / cancel
    awaiting_payment --> paid: paid
    awaiting_payment --> cancelled: payment_cancelled / cancel
    paid --> browsing: browse, view, open_cart ...
    cancelled --> idle: open_menu, cancel ...
    browsing --> idle: cancel / open_menu / open_orders
    browsing --> support: ask (/support, from any state)
    support --> idle: support_closed (an admin closed it) / cancel
```

Every navigation trigger (`open_menu`, `open_orders`, `browse`, `view`, `open_cart`) is allowed
from every state: a shopper may always look around, also while an invoice waits (it stays
payable until its stock hold expires). What the table refuses is the money path: `checkout`
needs items and is not taken while an invoice waits, `pay` only follows a checkout whose
re-verification found nothing changed, `payment_cancelled` only ends a waiting payment.

`entering_code` and `writing_note` wait for one typed answer on the order summary (a promo
code or a gift card's code, a note for the shop); the answer fires `checkout` back to the
summary, and any navigation leaves them as it leaves everything else.

`writing_review` waits for her few words about a product of her order (✍️ Add a few words);
which one is remembered with the step (`remember_review`). Kept, they take her back to the
order; refused (too short, too long), she is asked again; navigation or /cancel leave.

`support` is writing to the shop (/support): while the chat is there, what the shopper types
or sends as a photo goes to the shop's admins instead of searching the catalog. Any
navigation leaves it (the conversation stays open and answers still arrive).

Facts the guards need (how many cart lines, how many changes) are passed as keyword arguments
of the trigger, so the machine never touches the database; the engine (bot.conversation.engine)
loads and saves the chat around it.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from transitions import Machine

# The chat's own data lives under this key of ChatState.data; other features own other keys.
SHOPPER_KEY = "shopper"


class Step:
    """The chat's states (plain strings: that is what ChatState.state stores)."""

    IDLE: Final = "idle"
    BROWSING: Final = "browsing"
    VIEWING: Final = "viewing"
    CART: Final = "cart"
    CHECKOUT: Final = "checkout"
    AWAITING_PAYMENT: Final = "awaiting_payment"
    PAID: Final = "paid"
    CANCELLED: Final = "cancelled"
    SUPPORT: Final = "support"
    ENTERING_CODE: Final = "entering_code"
    WRITING_NOTE: Final = "writing_note"
    WRITING_REVIEW: Final = "writing_review"


S = Step
STATES: tuple[str, ...] = (
    S.IDLE,
    S.BROWSING,
    S.VIEWING,
    S.CART,
    S.CHECKOUT,
    S.AWAITING_PAYMENT,
    S.PAID,
    S.CANCELLED,
    S.SUPPORT,
    S.ENTERING_CODE,
    S.WRITING_NOTE,
    S.WRITING_REVIEW,
)
ANYWHERE = "*"
NOT_WHILE_PAYING = [state for state in STATES if state != S.AWAITING_PAYMENT]

# trigger, source(s), destination, guards (all must pass), callback run after the move.
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "open_menu", "source": ANYWHERE, "dest": S.IDLE, "after": "forget_listing"},
    {"trigger": "open_orders", "source": ANYWHERE, "dest": S.IDLE},
    {"trigger": "browse", "source": ANYWHERE, "dest": S.BROWSING, "after": "remember_listing"},
    {"trigger": "view", "source": ANYWHERE, "dest": S.VIEWING, "after": "remember_product"},
    {"trigger": "open_cart", "source": ANYWHERE, "dest": S.CART},
    {
        "trigger": "checkout",
        "source": NOT_WHILE_PAYING,
        "dest": S.CHECKOUT,
        "conditions": ["cart_has_items"],
    },
    {
        "trigger": "pay",
        "source": S.CHECKOUT,
        "dest": S.AWAITING_PAYMENT,
        "conditions": ["cart_has_items", "nothing_changed"],
    },
    {"trigger": "ask_code", "source": S.CHECKOUT, "dest": S.ENTERING_CODE},
    {"trigger": "ask_note", "source": S.CHECKOUT, "dest": S.WRITING_NOTE},
    {
        "trigger": "ask_review",
        "source": NOT_WHILE_PAYING,
        "dest": S.WRITING_REVIEW,
        "after": "remember_review",
    },
    {"trigger": "paid", "source": ANYWHERE, "dest": S.PAID, "after": "forget_listing"},
    {"trigger": "payment_cancelled", "source": S.AWAITING_PAYMENT, "dest": S.CANCELLED},
    {"trigger": "cancel", "source": S.AWAITING_PAYMENT, "dest": S.CANCELLED},
    {"trigger": "cancel", "source": NOT_WHILE_PAYING, "dest": S.IDLE, "after": "forget_listing"},
    {"trigger": "ask", "source": ANYWHERE, "dest": S.SUPPORT},
    {"trigger": "support_closed", "source": S.SUPPORT, "dest": S.IDLE},
]

TRIGGERS: frozenset[str] = frozenset(t["trigger"] for t in TRANSITIONS)


class ChatSession:
    """One chat as the machine's model: its state plus the data the flow remembers.

    `data` is the whole ChatState.data dict (other features' keys are kept untouched);
    the shopper's own values live in `data["shopper"]`, reached through `memory`.
    """

    state: str

    def __init__(
        self,
        chat_id: int,
        state: str,
        data: dict[str, Any] | None = None,
        *,
        version: int | None = None,
    ) -> None:
        self.chat_id = chat_id
        self.state = state
        self.data: dict[str, Any] = dict(data or {})
        memory = self.data.get(SHOPPER_KEY)
        self.data[SHOPPER_KEY] = dict(memory) if isinstance(memory, dict) else {}
        self.version = version
        """The saved row's version (None: never saved): the chat is written only if unchanged."""
        self._saved = (state, copy.deepcopy(self.data)) if version is not None else None

    @property
    def changed(self) -> bool:
        """Is there anything to write: a new chat, or a state or data unlike the saved ones?"""
        return self._saved != (self.state, self.data)

    @property
    def memory(self) -> dict[str, Any]:
        memory: dict[str, Any] = self.data[SHOPPER_KEY]
        return memory

    # ---- guards (named in the table; they read the facts passed with the trigger)

    def cart_has_items(self, *, cart_lines: int = 0, **_: Any) -> bool:
        return cart_lines > 0

    def nothing_changed(self, *, changes: int = 0, **_: Any) -> bool:
        """Pay only for exactly what the shopper was last shown."""
        return changes == 0

    # ---- callbacks

    def remember_listing(self, *, listing: dict[str, Any] | None = None, **_: Any) -> None:
        """The list to go Back to from a product (category or search, with its page)."""
        if listing is not None:
            self.memory["listing"] = dict(listing)

    def remember_product(
        self,
        *,
        product_id: int | None = None,
        quantity: int = 1,
        price: int | None = None,
        variant_id: int = 0,
        saved: bool = False,
        photo: int = 0,
        **_: Any,
    ) -> None:
        """The product on screen (the variant chosen, if any) and the price it shows: Add
        quotes that price, not a newer one; whether its card shows it saved (♥), so the
        card after an Add shows it so without reading it again; and which of its photos
        it shows, so the card after an Add keeps it."""
        if product_id is not None:
            self.memory["product_id"] = product_id
            self.memory["quantity"] = quantity
            self.memory["price"] = price
            if variant_id:
                self.memory["variant_id"] = variant_id
            else:
                self.memory.pop("variant_id", None)
            if saved:
                self.memory["saved"] = True
            else:
                self.memory.pop("saved", None)
            if photo:
                self.memory["photo"] = photo
            else:
                self.memory.pop("photo", None)

    def remember_review(
        self, *, order_id: int = 0, product_id: int = 0, page: int = 0, **_: Any
    ) -> None:
        """The product of her order her next words are about (and the /orders page to go
        back to)."""
        self.memory["review"] = {"order_id": order_id, "product_id": product_id, "page": page}

    def forget_listing(self, **_: Any) -> None:
        self.memory.pop("listing", None)
        self.memory.pop("product_id", None)
        self.memory.pop("quantity", None)
        self.memory.pop("price", None)
        self.memory.pop("variant_id", None)
        self.memory.pop("saved", None)
        self.memory.pop("photo", None)


def build_machine() -> Machine:
    """One machine for all chats; each update fires an event with its chat as the model.

    Not `queued`: with a queue the machine reports every trigger as successful, and the
    guards' verdict is what callers need. Nothing fires a trigger from inside a callback.
    The plain (synchronous) Machine: every guard and callback here is a plain function, and
    AsyncMachine's event-loop plumbing cost a tenth of a whole shopper visit (profiled).
    """
    return Machine(
        model=None,
        states=list(STATES),
        transitions=TRANSITIONS,
        initial=S.IDLE,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )
