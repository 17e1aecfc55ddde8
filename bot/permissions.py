"""Who may do what in the shop's admin chat: admins (ADMIN_IDS) everything, staff (STAFF_IDS)
the day's work of packing, shipping and answering shoppers, never the till.

Every admin command, button, open step (a flow), admin menu section and alert names an
action of STAFF_MAY below; `may` is the one check the admin handlers, the buttons a screen
shows, the command menus and the alerts all make. An action missing from the table is
admins only, and a test fails for any command or button that does not name one.

Roles are read from the settings, so a person taken out of STAFF_IDS loses them at the next
restart. The name a person's moves carry in the audit log and an order's history
(`staff:9002`, `admin:9001`) comes from `actor_name`, as they are at the time of the move.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from enum import StrEnum

from bot.callback_data import (
    Action,
    AddOrderNote,
    AdminFaqPage,
    AdminMenu,
    AdminOrders,
    AdminProducts,
    ApproveOrder,
    ApproveReturn,
    AskApproveOrder,
    AskApproveReturn,
    AskCancelOrder,
    AskResolveReview,
    BlockCustomer,
    BlockedPage,
    CancelOrder,
    CancelSale,
    CancelScheduledBroadcast,
    CloseThread,
    ConfirmSale,
    ConfirmSaleEnd,
    DeclineReturn,
    DeliverOrder,
    EditTracking,
    EndPromo,
    FlowAudience,
    FlowCancel,
    FlowCardBack,
    FlowCategoryPage,
    FlowConfirm,
    FlowFullRefund,
    FlowPickCategory,
    FlowPickField,
    FlowRemovePhoto,
    FlowSendLater,
    FlowSkip,
    HideReview,
    OpenOrder,
    OrderInvoice,
    PickedUp,
    ReadyForPickup,
    RefundOrder,
    ResolveReview,
    ShipOrder,
    ShowCustomer,
    StopBroadcast,
    UnblockCustomer,
)
from bot.config import Settings


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


# The table: every action, and whether staff may do it (admins may do all of them).
STAFF_MAY: dict[str, bool] = {
    "menu": True,  # /admin: staff's menu shows only the sections they may open
    "orders.view": True,  # /orders_admin, an order's screen, the order lists
    "orders.ship": True,  # 🚚 Ship, with or without a tracking number; 🏬 Ready for pickup
    "orders.deliver": True,  # 📦 Delivered; ✅ Picked up
    "orders.tracking": True,  # ✏️ Tracking number of a shipped order
    "orders.note": True,  # 🗒 Add note
    "customers.view": True,  # /customer, 👤 Customer: who she is and her orders, not her money
    "support": True,  # answer a shopper's message (reply to it), ✅ Close conversation
    "step": True,  # Confirm, Skip, Cancel under a step: the step's own action is checked too
    "customers.block": False,  # /block, /unblock, /blocked, 🚫 Block / ✅ Unblock: the owner's
    "orders.cancel": False,  # ✖️ Cancel an order: money goes back
    "orders.refund": False,  # ↩️ Refund, and its 🎁 Back to the gift card
    "orders.approve": False,  # ✅ Approve payment of a flagged order; ☑️ Review resolved
    "returns": False,  # approve (refund) or decline a return
    # /addproduct, /edit, /price, /tax, /tiers, /stock, /hide, /show, the product list
    "catalog": False,
    "files": False,  # /export (catalog, orders), importing a catalog file
    "promos": False,  # /promo
    "sale": False,  # /sale
    "pause": False,  # /pause, /resume
    "broadcast": False,  # /broadcast, its audience, Send later, Stop, ✖ Cancel of a planned one
    "reports": False,  # /stats, /report, /referrals
    "audit": False,  # /audit
    "reviews": False,  # 🙈 Hide / 👁 Show a shopper's review
    "slots": True,  # /slots: the next days' delivery windows, seats taken
    "slots.change": False,  # /slots close, /slots open: a window of a day closed to orders
    "faq": False,  # /faq add, edit, lang, del, move: the shop's answers (its list: everyone's)
    # Alerts: staff get those about work to do; the rest (refund failed, morning report, low
    # stock, payment to check, return asked, review written...) are for the admins only.
    "alert.new_order": True,  # a paid order to pack and ship
    "alert.cancelled": True,  # a shopper cancelled her order: do not ship it
    "alert.question": True,  # a shopper's message ("Talk to the shop")
    "alert.other": False,
}

COMMANDS: dict[str, str] = {
    "admin": "menu",
    "addproduct": "catalog",
    "edit": "catalog",
    "price": "catalog",
    "tax": "catalog",
    "tiers": "catalog",
    "bundle": "catalog",
    "sale": "sale",
    "stock": "catalog",
    "hide": "catalog",
    "show": "catalog",
    "export": "files",
    "orders_admin": "orders.view",
    "customer": "customers.view",
    "block": "customers.block",
    "unblock": "customers.block",
    "blocked": "customers.block",
    "stats": "reports",
    "report": "reports",
    "referrals": "reports",
    "broadcast": "broadcast",
    "promo": "promos",
    "pause": "pause",
    "resume": "pause",
    "audit": "audit",
    "faq": "faq",
    "slots": "slots",
}

BUTTONS: dict[type[Action], str] = {
    AdminMenu: "menu",  # and its section's action (SECTIONS)
    AdminProducts: "catalog",
    AdminFaqPage: "faq",
    FlowConfirm: "step",
    FlowCancel: "step",
    FlowSkip: "step",
    FlowPickField: "catalog",
    FlowRemovePhoto: "catalog",
    FlowPickCategory: "catalog",
    FlowCategoryPage: "catalog",
    FlowFullRefund: "orders.refund",
    FlowCardBack: "orders.refund",  # 🎁 Back to the gift card: the card's part is money too
    AdminOrders: "orders.view",
    OpenOrder: "orders.view",
    ShowCustomer: "customers.view",
    BlockCustomer: "customers.block",
    UnblockCustomer: "customers.block",
    BlockedPage: "customers.block",
    ShipOrder: "orders.ship",
    DeliverOrder: "orders.deliver",
    ReadyForPickup: "orders.ship",  # a pickup order's Ship and Delivered
    PickedUp: "orders.deliver",
    AskCancelOrder: "orders.cancel",
    CancelOrder: "orders.cancel",
    RefundOrder: "orders.refund",
    AskApproveOrder: "orders.approve",
    ApproveOrder: "orders.approve",
    AskResolveReview: "orders.approve",  # a flag on money not back: the admins' to clear
    ResolveReview: "orders.approve",
    AddOrderNote: "orders.note",
    OrderInvoice: "orders.view",  # a document of the order she can see anyway
    EditTracking: "orders.tracking",
    AskApproveReturn: "returns",
    ApproveReturn: "returns",
    DeclineReturn: "returns",
    CloseThread: "support",
    EndPromo: "promos",
    ConfirmSale: "sale",
    ConfirmSaleEnd: "sale",
    CancelSale: "sale",
    StopBroadcast: "broadcast",
    FlowAudience: "broadcast",
    FlowSendLater: "broadcast",
    CancelScheduledBroadcast: "broadcast",
    HideReview: "reviews",
}

SECTIONS: dict[str, str] = {  # the /admin menu's buttons
    "menu": "menu",
    "products": "catalog",
    "orders": "orders.view",
    "reports": "reports",
    "broadcast": "broadcast",
    "export": "files",
    "export_orders": "files",
}

STEPS: dict[str, str] = {  # a step (flow) open in an admin's chat, by kind
    "add": "catalog",
    "edit": "catalog",
    "broadcast": "broadcast",
    "ship": "orders.ship",
    "tracking": "orders.tracking",
    "refund": "orders.refund",
    "note": "orders.note",
    "return_decline": "returns",
    "faq": "faq",
    "block": "customers.block",  # the reason asked after 🚫 Block
}


_acting: ContextVar[Role] = ContextVar("acting", default=Role.ADMIN)


def act_as(role: Role) -> None:
    """The person this update is handled for (set by the admin guard): the admin screens it
    shows leave out the buttons she may not press, as the language of i18n.current()."""
    _acting.set(role)


def acting_role() -> Role:
    return _acting.get()


def role_of(settings: Settings, user_id: int | None) -> Role | None:
    """Admin (also when in both lists), staff, or None: a shopper."""
    if user_id is None:
        return None
    if user_id in settings.admin_ids:
        return Role.ADMIN
    if user_id in settings.staff_ids:
        return Role.STAFF
    return None


def may(role: Role | None, action: str) -> bool:
    """The one check: admins may do everything, staff what the table says, shoppers nothing."""
    if role is Role.ADMIN:
        return True
    return role is Role.STAFF and STAFF_MAY.get(action, False)


def button_action(data: Action) -> str:
    """The action a button asks for; a menu button's is its section's."""
    if isinstance(data, AdminMenu):
        return SECTIONS.get(data.section, "menu")
    return BUTTONS.get(type(data), "admins only")


def may_press(role: Role | None, data: Action | None) -> bool:
    return data is not None and may(role, button_action(data))


def readers(settings: Settings, action: str) -> tuple[int, ...]:
    """Who hears of `action` (an alert): every admin, and the staff if they may."""
    staff = settings.staff_ids - settings.admin_ids if STAFF_MAY.get(action, False) else set()
    return (*sorted(settings.admin_ids), *sorted(staff))


def commands_of(role: Role | None, commands: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of the admin commands (name, line), those `role` may use: their menus and /help."""
    return [(name, line) for name, line in commands if may(role, COMMANDS.get(name, ""))]


def actor_name(role: Role, telegram_id: int) -> str:
    """A person as the audit log and an order's history name them: "staff:9002"."""
    return f"{role.value}:{telegram_id}"


def acting(settings: Settings, telegram_id: int) -> str:
    """The name of one making a move now; anyone the lists do not name is taken for an admin
    (the admins' own jobs, a move started before a restart)."""
    return actor_name(role_of(settings, telegram_id) or Role.ADMIN, telegram_id)
