"""Catalog files: an admin sends a .csv or .json document to import it; /export sends a CSV
(/export orders, the orders' CSV: bot.handlers.admin.order_export)."""

from __future__ import annotations

from functools import partial

from telegram import Document, InputFile, Update
from telegram.error import BadRequest

from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id
from bot.handlers.admin.order_export import send_orders
from bot.services.admin_catalog import AdminInputError, check_upload, too_big_to_download
from bot.services.order_export import parse_export
from bot.store.catalog_file import CatalogError
from bot.usecases import admin_catalog
from bot.usecases.alerts import low_stock_alerts
from bot.views import admin_catalog as views
from bot.views.admin import reply


async def import_document(update: Update, context: ShopContext) -> None:
    """Check type and size before downloading, validate every row, apply all or nothing."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document, name = message.document, message.document.file_name or "catalog"
    try:
        check_upload(document.file_name, document.file_size)
        data = await _download(document)
        waiting = partial(reply, update, views.import_waits(name))
        outcome = await admin_catalog.import_file(context.shop, actor(update), name, data, waiting)
    except (AdminInputError, CatalogError) as exc:
        await reply(update, views.import_refused(name, exc))
        return
    await reply(update, views.imported(name, outcome.report))
    await low_stock_alerts(context.shop, outcome.updated_product_ids)


async def _download(document: Document) -> bytes:
    """The file's bytes; a file Telegram will not hand over (past 20 MB, its size not in the
    update, which the Bot API makes optional) is refused as one too big."""
    try:
        return bytes(await (await document.get_file()).download_as_bytearray())
    except BadRequest as exc:
        if "too big" not in str(exc).lower():
            raise
        raise too_big_to_download() from None


async def send_export(update: Update, context: ShopContext) -> None:
    try:
        export = await admin_catalog.export_file(context.shop)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    with export.file:  # streamed from its temporary file, never read into memory whole
        await context.bot.send_document(
            chat_id(update),
            InputFile(export.file, filename=export.file_name, read_file_handle=False),
            caption=views.export_caption(export.count),
        )


async def export(update: Update, context: ShopContext) -> None:
    """/export or /export catalog: the catalog; /export orders [from=…] [until=…]: orders."""
    try:
        days = parse_export(context.args or [], context.shop.settings.zone)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    if days is None:
        await send_export(update, context)
    else:
        await send_orders(update, context, days)
