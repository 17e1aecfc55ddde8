"""/admin: the admin menu, one button per area."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import AdminMenu, button
from bot.context import ShopContext
from bot.handlers.admin import broadcast, catalog_files, orders, products, stats
from bot.handlers.admin.guard import admin_only
from bot.views.admin import Rows, reply, show

MENU_TEXT = (
    "Admin menu. Commands: /addproduct, /edit SKU, /price SKU 12.50, /stock SKU 10|+5|-2, "
    "/hide SKU, /show SKU, /export, /orders_admin, /stats, /broadcast.\n"
    "Send a .csv or .json catalog file to import it."
)


def menu_rows() -> Rows:
    return [
        [button("📦 Products", AdminMenu("products")), button("🧾 Orders", AdminMenu("orders"))],
        [
            button("📊 Reports", AdminMenu("reports")),
            button("📣 Broadcast", AdminMenu("broadcast")),
        ],
        [button("⬇️ Export catalog", AdminMenu("export"))],
    ]


@admin_only("/admin")
async def admin_menu(update: Update, context: ShopContext) -> None:
    await reply(update, MENU_TEXT, menu_rows())


async def on_menu(update: Update, context: ShopContext, data: AdminMenu) -> None:
    query = update.callback_query
    assert query is not None
    section = data.section
    await query.answer()
    if section == "products":
        await products.product_list(update, context)
    elif section == "orders":
        await orders.show_orders(update, context)
    elif section == "reports":
        await stats.send_stats(update, context)
    elif section == "broadcast":
        await broadcast.begin(update, context)
    elif section == "export":
        await catalog_files.send_export(update, context)
    else:
        await show(update, MENU_TEXT, menu_rows())
