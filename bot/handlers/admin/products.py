"""/price, /tax, /tiers, /bundle, /stock, /hide, /show and the admin's product list."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import AdminProducts
from bot.context import ShopContext
from bot.handlers.admin.common import actor
from bot.i18n import N_
from bot.services.admin_catalog import AdminInputError
from bot.usecases import admin_catalog
from bot.usecases.alerts import low_stock_alerts
from bot.views import admin_catalog as views
from bot.views.admin import reply, show
from bot.views.replies import answer_button

USAGE = {
    "price": N_("Send /price SKU AMOUNT, e.g. /price KIT-MUG-CER 14.50"),
    "stock": N_("Send /stock SKU QTY to set stock, or /stock SKU +5 / -2 to adjust it."),
    "tax": N_(
        "Send /tax SKU RATE, e.g. /tax BOOK-01 5 for a product taxed at 5%, "
        "or /tax BOOK-01 default for the shop's rate."
    ),
    "tiers": N_(
        "Send /tiers SKU 3:10% 6:15% for volume discounts (from 3 units 10% off, from 6 "
        "units 15% off), /tiers SKU off to end them, or /tiers SKU to see them."
    ),
    "bundle": N_(
        "Send /bundle SKU PART:1 PART:2 to sell SKU as a set of its parts (e.g. /bundle "
        "KIT-TEA-SET KIT-KTL-GOO:1 KIT-MUG-CER:2), /bundle SKU off to sell it as itself again, "
        "or /bundle SKU to see its parts."
    ),
    "hide": N_("Send /hide SKU to take a product out of the catalog."),
    "show": N_("Send /show SKU to put a product back in the catalog."),
}


def _args(context: ShopContext, count: int, command: str) -> list[str]:
    args = context.args or []
    if len(args) != count:
        raise AdminInputError(i18n.current()._(USAGE[command]))
    return args


async def price(update: Update, context: ShopContext) -> None:
    try:
        sku, amount = _args(context, 2, "price")
        product = await admin_catalog.set_price(context.shop, actor(update), sku, amount)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.price_set(product))


async def tax(update: Update, context: ShopContext) -> None:
    try:
        sku, rate = _args(context, 2, "tax")
        result = await admin_catalog.set_tax_rate(context.shop, actor(update), sku, rate)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.tax_rate_set(result, context.shop.settings))


async def tiers(update: Update, context: ShopContext) -> None:
    try:
        sku, *words = context.args or _args(context, 1, "tiers")
        result = await admin_catalog.set_tiers(context.shop, actor(update), sku, words)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.tiers_set(result))


async def bundle(update: Update, context: ShopContext) -> None:
    try:
        sku, *words = context.args or _args(context, 1, "bundle")
        result = await admin_catalog.set_bundle(context.shop, actor(update), sku, words)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.bundle_set(result))


async def stock(update: Update, context: ShopContext) -> None:
    try:
        sku, change = _args(context, 2, "stock")
        result = await admin_catalog.change_stock(context.shop, actor(update), sku, change)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.stock_changed(result))
    await low_stock_alerts(context.shop, result.lowered, result.lowered_variants)


async def _visibility(update: Update, context: ShopContext, active: bool) -> None:
    try:
        (sku,) = _args(context, 1, "show" if active else "hide")
        product = await admin_catalog.set_visibility(context.shop, actor(update), sku, active)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.visibility_set(product))


async def hide(update: Update, context: ShopContext) -> None:
    await _visibility(update, context, False)


async def show_product(update: Update, context: ShopContext) -> None:
    await _visibility(update, context, True)


async def product_list(update: Update, context: ShopContext) -> None:
    await show(update, views.product_list(await admin_catalog.product_page(context.shop)))


async def on_page(update: Update, context: ShopContext, data: AdminProducts) -> None:
    listing = await admin_catalog.product_page(
        context.shop, data.page, after_id=data.after_id, before_id=data.before_id
    )
    await answer_button(update, views.list_restarted() if listing.restarted else None)
    await show(update, views.product_list(listing))
