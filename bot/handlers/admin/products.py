"""/price, /stock, /hide, /show and the admin's product list."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import AdminMenu, AdminProducts, button
from bot.context import ShopContext
from bot.handlers.admin.common import actor
from bot.handlers.admin.guard import admin_only
from bot.money import format_money
from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import AdminInputError, StockChange
from bot.usecases.alerts import low_stock_alerts
from bot.views.admin import Rows, reply, show

PAGE_SIZE = 15

USAGE = {
    "price": "Send /price SKU AMOUNT, e.g. /price KIT-MUG-CER 14.50",
    "stock": "Send /stock SKU QTY to set stock, or /stock SKU +5 / -2 to adjust it.",
    "hide": "Send /hide SKU to take a product out of the catalog.",
    "show": "Send /show SKU to put a product back in the catalog.",
}


def _args(context: ShopContext, count: int, command: str) -> list[str]:
    args = context.args or []
    if len(args) != count:
        raise AdminInputError(USAGE[command])
    return args


@admin_only("/price")
async def price(update: Update, context: ShopContext) -> None:
    try:
        sku, amount_text = _args(context, 2, "price")
        async with context.shop.store.uow() as uow:
            product = await catalog.product_by_sku(uow, sku)
            amount = catalog.parse_price(amount_text, product.currency)
            product = await catalog.set_price(uow, sku, amount, actor=actor(update))
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, f"{product.sku} now costs {format_money(product.price, product.currency)}.")


@admin_only("/stock")
async def stock(update: Update, context: ShopContext) -> None:
    try:
        sku, change_text = _args(context, 2, "stock")
        change = StockChange.parse(change_text)
        async with context.shop.store.uow() as uow:
            result = await catalog.change_stock(uow, sku, change, actor=actor(update))
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    held = f", {result.reserved} held by unpaid invoices" if result.reserved else ""
    await reply(
        update,
        f"{result.sku} stock: {result.before} → {result.after}{held}; "
        f"{result.available} available.",
    )
    if result.decreased:
        await low_stock_alerts(context.shop, [result.product_id])


async def _visibility(update: Update, context: ShopContext, active: bool) -> None:
    command = "show" if active else "hide"
    try:
        (sku,) = _args(context, 1, command)
        async with context.shop.store.uow() as uow:
            product = await catalog.set_visibility(uow, sku, active, actor=actor(update))
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    where = "is back in the catalog" if active else "is hidden from shoppers"
    await reply(update, f"{product.sku} ({product.title}) {where}.")


@admin_only("/hide")
async def hide(update: Update, context: ShopContext) -> None:
    await _visibility(update, context, False)


@admin_only("/show")
async def show_product(update: Update, context: ShopContext) -> None:
    await _visibility(update, context, True)


async def product_list(update: Update, context: ShopContext, page: int = 0) -> None:
    async with context.shop.store.uow() as uow:
        products = await catalog.list_products(uow)
    pages = max(1, -(-len(products) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    lines = [f"Products ({len(products)}), page {page + 1}/{pages}:"]
    for p in products[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        held = f" ({p.reserved} held)" if p.reserved else ""
        hidden = " · hidden" if not p.is_active else ""
        lines.append(
            f"{p.sku} · {p.title} · {format_money(p.price, p.currency)} · "
            f"stock {p.stock}{held}{hidden}"
        )
    lines.append(
        "\n/addproduct · /edit SKU · /price SKU 12.50 · /stock SKU 10|+5|-2 · /hide SKU · /show SKU"
    )
    nav = []
    if page > 0:
        nav.append(button("◀️ Previous", AdminProducts(page - 1)))
    if page < pages - 1:
        nav.append(button("Next ▶️", AdminProducts(page + 1)))
    rows: Rows = [nav] if nav else []
    rows.append([button("⬅️ Admin menu", AdminMenu("menu"))])
    await show(update, "\n".join(lines), rows)


async def on_page(update: Update, context: ShopContext, data: AdminProducts) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await product_list(update, context, data.page)
