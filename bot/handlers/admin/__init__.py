"""Store admin in the chat: products, catalog files, orders, promo codes, reports, broadcasts,
support.

Everything is registered in an early handler group (-1). Admin commands and admin buttons
(upper-case action codes) are always consumed there, refusing whoever may not do what they
name (bot.permissions: admins may do everything, staff the day's work). An admin's or staff
member's plain messages are consumed only while an admin flow is open (or when they carry a
catalog file), so the shopper's handlers in group 0 still see everything else. A reply to a
relayed support question is the answer to it (bot.handlers.admin.support).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import i18n, permissions
from bot.callback_data import (
    VERSION,
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
    decode,
)
from bot.context import AnyApplication, ShopContext
from bot.handlers.admin import (
    audit,
    blocking,
    broadcast,
    catalog_files,
    category_sale,
    customers,
    delivery_slots,
    faq,
    flows,
    menu,
    orders,
    products,
    promos,
    returns,
    reviews,
    sales_pause,
    stats,
    support,
    wizard,
)
from bot.handlers.admin.guard import (
    Handler,
    guarded,
    refuse,
    role,
    run_consuming,
    shoppers_too,
)

ADMIN_GROUP = -1
ADMIN_BUTTONS = rf"^{VERSION}:[A-Z]"

COMMANDS: dict[str, Handler] = {
    "admin": menu.admin_menu,
    "addproduct": wizard.add_product,
    "edit": wizard.edit_product,
    "price": products.price,
    "tax": products.tax,
    "tiers": products.tiers,
    "bundle": products.bundle,
    "sale": category_sale.sale_command,
    "stock": products.stock,
    "hide": products.hide,
    "show": products.show_product,
    "export": catalog_files.export,
    "orders_admin": orders.orders_command,
    "customer": customers.customer_command,
    "block": blocking.block_command,
    "unblock": blocking.unblock_command,
    "blocked": blocking.blocked_command,
    "stats": stats.stats_command,
    "report": stats.report_command,
    "referrals": stats.referrals_command,
    "broadcast": broadcast.broadcast_command,
    "promo": promos.promo_command,
    "pause": sales_pause.pause_command,
    "resume": sales_pause.resume_command,
    "audit": audit.audit_command,
    "faq": faq.faq_command,
    "slots": delivery_slots.slots_command,
}
# Commands shoppers have too: alone (no words after it), from one who may not change what it
# shows, it is left to the shopper's handler (/faq: the questions as buttons).
SHOPPERS_TOO = frozenset({"faq"})

A = TypeVar("A", bound=Action)


@dataclass(frozen=True)
class AdminRoute(Generic[A]):
    """The function that answers one kind of admin button."""

    action: type[A]
    answer: Callable[[Update, ShopContext, A], Awaitable[None]]


BUTTONS: dict[type[Action], AdminRoute[Any]] = {
    route.action: route
    for route in (
        AdminRoute(AdminMenu, menu.on_menu),
        AdminRoute(AdminProducts, products.on_page),
        AdminRoute(AdminFaqPage, faq.on_page),
        AdminRoute(FlowConfirm, flows.on_flow_button),
        AdminRoute(FlowCancel, flows.on_flow_button),
        AdminRoute(FlowSkip, flows.on_flow_button),
        AdminRoute(FlowPickField, flows.on_flow_button),
        AdminRoute(FlowRemovePhoto, flows.on_flow_button),
        AdminRoute(FlowPickCategory, flows.on_flow_button),
        AdminRoute(FlowCategoryPage, flows.on_flow_button),
        AdminRoute(FlowFullRefund, flows.on_flow_button),
        AdminRoute(FlowAudience, flows.on_flow_button),
        AdminRoute(FlowSendLater, flows.on_flow_button),
        AdminRoute(FlowCardBack, flows.on_flow_button),
        AdminRoute(AdminOrders, orders.on_list),
        AdminRoute(OpenOrder, orders.on_open),
        AdminRoute(ShowCustomer, customers.on_open),
        AdminRoute(BlockCustomer, blocking.on_block),
        AdminRoute(UnblockCustomer, blocking.on_unblock),
        AdminRoute(BlockedPage, blocking.on_page),
        AdminRoute(ShipOrder, orders.on_ship),
        AdminRoute(DeliverOrder, orders.on_deliver),
        AdminRoute(ReadyForPickup, orders.on_ready_for_pickup),
        AdminRoute(PickedUp, orders.on_picked_up),
        AdminRoute(AskCancelOrder, orders.on_cancel_ask),
        AdminRoute(CancelOrder, orders.on_cancel),
        AdminRoute(RefundOrder, orders.on_refund),
        AdminRoute(AskApproveOrder, orders.on_approve_ask),
        AdminRoute(ApproveOrder, orders.on_approve),
        AdminRoute(AskResolveReview, orders.on_resolve_ask),
        AdminRoute(ResolveReview, orders.on_resolve),
        AdminRoute(AddOrderNote, orders.on_add_note),
        AdminRoute(OrderInvoice, orders.on_invoice),
        AdminRoute(EditTracking, orders.on_edit_tracking),
        AdminRoute(AskApproveReturn, returns.on_approve_ask),
        AdminRoute(ApproveReturn, returns.on_approve),
        AdminRoute(DeclineReturn, returns.on_decline),
        AdminRoute(CloseThread, support.on_close),
        AdminRoute(EndPromo, promos.on_end),
        AdminRoute(ConfirmSale, category_sale.on_confirm),
        AdminRoute(ConfirmSaleEnd, category_sale.on_confirm_end_date),
        AdminRoute(CancelSale, category_sale.on_cancel),
        AdminRoute(StopBroadcast, broadcast.on_stop),
        AdminRoute(CancelScheduledBroadcast, broadcast.on_cancel_scheduled),
        AdminRoute(HideReview, reviews.on_hide),
    )
}


async def on_admin_button(update: Update, context: ShopContext) -> None:
    """Every admin button: who may press it is checked again on each press (forwarded buttons
    too, and buttons of a screen shown before a restart took a role away)."""
    query = update.callback_query
    assert query is not None
    data = decode(query.data)
    who = role(update, context)
    if who is None or (data is not None and not permissions.may_press(who, data)):
        await refuse(update, f"button {query.data}")
    elif data is None or type(data) not in BUTTONS:
        await query.answer(i18n.current()._("This button has expired. Send /admin to start again."))
    else:
        route = BUTTONS[type(data)]

        async def pressed(update: Update, context: ShopContext) -> None:
            await route.answer(update, context, data)

        await run_consuming(pressed, update, context)
    raise ApplicationHandlerStop


def register(app: AnyApplication) -> None:
    for name, callback in COMMANDS.items():
        checked = guarded(permissions.COMMANDS[name], f"/{name}", callback)
        if name in SHOPPERS_TOO:
            checked = shoppers_too(permissions.COMMANDS[name], checked)
        app.add_handler(CommandHandler(name, checked), group=ADMIN_GROUP)
    app.add_handler(CallbackQueryHandler(on_admin_button, pattern=ADMIN_BUTTONS), group=ADMIN_GROUP)
    replies = filters.REPLY & ~filters.COMMAND & (filters.TEXT | filters.PHOTO)
    app.add_handler(MessageHandler(replies, support.on_reply), group=ADMIN_GROUP)  # answers
    app.add_handler(MessageHandler(filters.ALL, flows.on_admin_message), group=ADMIN_GROUP)
    stats.register_jobs(app)
    category_sale.register_jobs(app)
    broadcast.register_jobs(app)
    returns.register_jobs(app)
