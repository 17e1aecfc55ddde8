"""/admin: the admin menu, one button per area; staff's shows only what they may open (the
buttons they may not press are left out by bot.views.admin)."""

from __future__ import annotations

from telegram import Update

from bot import i18n, permissions
from bot.callback_data import AdminMenu, button
from bot.context import ShopContext
from bot.handlers.admin import broadcast, catalog_files, order_export, orders, products, stats
from bot.handlers.admin.guard import Handler
from bot.i18n import N_
from bot.texts import category_sale as sale_texts
from bot.texts import sales_pause as sales_texts
from bot.usecases import category_sale, sales_pause
from bot.views.admin import Rows, reply, show
from bot.views.replies import answer_button

MENU_TEXT = N_(
    "Admin menu. Commands: /addproduct, /edit SKU, /price SKU 12.50, /stock SKU 10|+5|-2, "
    "/hide SKU, /show SKU, /export, /orders_admin, /stats, /broadcast.\n"
    "Send a .csv or .json catalog file to import it."
)
STAFF_MENU_TEXT = N_(
    "Staff menu. Commands: /orders_admin, /customer 1001 | @alice | #7.\n"
    "Reply to a shopper's message to answer it."
)


def menu_text() -> str:
    """The admin's menu text, or staff's (their commands only)."""
    staff = permissions.acting_role() is permissions.Role.STAFF
    return i18n.current()._(STAFF_MENU_TEXT if staff else MENU_TEXT)


SECTIONS: dict[str, Handler] = {
    "products": products.product_list,
    "orders": orders.show_orders,
    "reports": stats.send_stats,
    "broadcast": broadcast.begin,
    "export": catalog_files.send_export,
    "export_orders": order_export.send_all_orders,
}


def menu_rows() -> Rows:
    tr = i18n.current()
    return [
        [
            button(tr._("📦 Products"), AdminMenu("products")),
            button(tr._("🧾 Orders"), AdminMenu("orders")),
        ],
        [
            button(tr._("📊 Reports"), AdminMenu("reports")),
            button(tr._("📣 Broadcast"), AdminMenu("broadcast")),
        ],
        [
            button(tr._("⬇️ Export catalog"), AdminMenu("export")),
            button(tr._("⬇️ Export orders"), AdminMenu("export_orders")),
        ],
    ]


async def admin_menu(update: Update, context: ShopContext) -> None:
    tr = i18n.current()
    text = menu_text()
    zone = context.shop.settings.zone
    if running := sale_texts.running(tr, await category_sale.running(context.shop), zone):
        text = running + "\n\n" + text
    if (pause := await sales_pause.paused(context.shop)) is not None:
        since = sales_texts.paused_since(tr, pause.paused_at, pause.until, zone)
        text = since + "\n\n" + text
    await reply(update, text, menu_rows())


async def on_menu(update: Update, context: ShopContext, data: AdminMenu) -> None:
    await answer_button(update)
    section = SECTIONS.get(data.section)
    if section is None:
        await show(update, menu_text(), menu_rows())
        return
    await section(update, context)
