"""Catalog files: an admin sends a .csv or .json document to import it; /export sends a CSV."""

from __future__ import annotations

from telegram import Update

from bot.context import ShopContext
from bot.handlers.admin.common import actor
from bot.handlers.admin.guard import admin_only
from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import AdminInputError
from bot.store.catalog_file import CatalogError
from bot.store.models import utcnow
from bot.usecases.alerts import low_stock_alerts
from bot.views.admin import reply
from bot.wording import plural


async def import_document(update: Update, context: ShopContext) -> None:
    """Check type and size before downloading, validate every row, apply all or nothing."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = document.file_name or "catalog"
    files_dir = context.shop.settings.catalog_path.parent  # where download files live
    try:
        catalog.check_upload(document.file_name, document.file_size)
        telegram_file = await document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
        async with context.shop.store.uow() as uow:
            outcome = await catalog.import_catalog(
                uow, name, data, actor=actor(update), files_dir=files_dir
            )
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    except CatalogError as exc:
        problems = "\n".join("• " + line for line in catalog.describe_catalog_errors(exc))
        await reply(
            update,
            f"Nothing was imported: {name} has {plural(len(exc.errors), 'problem')}. "
            f"Fix them and send the file again.\n\n{problems}",
        )
        return
    report = outcome.report
    lines = [f"Imported {name}: {report.summary()}."]
    if report.created:
        lines.append("Created: " + ", ".join(report.created))
    if report.updated:
        lines.append("Updated: " + ", ".join(report.updated))
    await reply(update, "\n".join(lines))
    await low_stock_alerts(context.shop, outcome.updated_product_ids)


async def send_export(update: Update, context: ShopContext) -> None:
    async with context.shop.store.uow() as uow:
        data = await catalog.export_catalog(uow)
        count = len(await catalog.list_products(uow))
    chat = update.effective_chat
    assert chat is not None
    name = f"catalog-{utcnow():%Y%m%d-%H%M}.csv"
    await chat.send_document(
        data,
        filename=name,
        caption=f"{count} products. Edit and send the file back to import it.",
    )


@admin_only("/export")
async def export(update: Update, context: ShopContext) -> None:
    await send_export(update, context)
