"""Digital goods: what a paid order's digital lines deliver, and sending it into the chat.

`Product.download` is a file path relative to the catalog file's folder, an https URL, a
Telegram file_id, or "giftcode". A file is uploaded once and the file_id Telegram returns is
kept in `Product.download_file_id` (as photos are), so later deliveries and re-downloads send
that id. A gift card gets one random code per unit, made on its first delivery and kept on
the order line, so a re-download shows the same codes instead of minting new ones.

Delivery never decides whether a payment stands: a send that fails (the shopper blocked the
bot, a file went missing) is logged, the admins get one alert for the order naming what did
not go out, and the order stays paid; /orders offers it again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from html import escape
from pathlib import Path

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.pacing import ShopBot
from bot.services.orders import alert_admins
from bot.services.photos import PhotoKind, PhotoSource, resolve_reference
from bot.shop import Shop
from bot.store.catalog_file import GIFT_CODE
from bot.store.models import Order, Product
from bot.store.order_states import IllegalOrderTransition, OrderStatus
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)

# Orders whose digital lines may be sent (again): paid ones, also after their physical goods
# shipped or part of the money came back. Fully refunded or cancelled ones may not.
DOWNLOADABLE_STATUSES = frozenset(
    {
        OrderStatus.PAID.value,
        OrderStatus.SHIPPED.value,
        OrderStatus.DELIVERED.value,
        OrderStatus.PARTIALLY_REFUNDED.value,
    }
)
# Names that mark a catalog `download` as a file path rather than a Telegram file_id.
_FILE_SUFFIXES = (".pdf", ".zip", ".epub", ".txt", ".csv", ".xlsx", ".docx", ".mp3", ".png")
# Telegram fetches documents by URL only for these; any other URL is sent as a link.
_SENDABLE_BY_URL = (".pdf", ".zip")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out loud safely


class DownloadUnavailable(Exception):
    """No download for this button: not the presser's order, not paid, or not digital."""


@dataclass(frozen=True, slots=True)
class Download:
    """One digital line, ready to send: a file (`source`) or gift codes."""

    order_id: int
    line_id: int
    product_id: int
    title: str
    source: PhotoSource | None = None
    gift_codes: tuple[str, ...] = ()

    @property
    def caption(self) -> str:
        return f"⬇️ {self.title}\nOrder #{self.order_id}"


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    """What to send after a payment; `completes_order` if every line is a download."""

    order_id: int
    downloads: tuple[Download, ...] = ()
    completes_order: bool = False


def is_downloadable(product: Product | None) -> bool:
    return product is not None and product.is_digital and bool(product.download)


def new_gift_code() -> str:
    """A code like "K7QF-2MXR-9TBA": 60 random bits, unique in practice."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


async def downloadable_lines(uow: UnitOfWork, order: Order) -> set[int]:
    """Ids of the order's lines that /orders may send again (its order must be paid)."""
    if order.status not in DOWNLOADABLE_STATUSES or order.needs_review:
        return set()
    products = await uow.products.get_many([line.product_id for line in order.lines])
    return {line.id for line in order.lines if is_downloadable(products.get(line.product_id))}


async def plan_delivery(shop: Shop, order_id: int) -> DeliveryPlan:
    """The downloads of a just-paid order (gift codes minted now); empty if it has none."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        if order is None or order.status != OrderStatus.PAID or order.needs_review:
            return DeliveryPlan(order_id)
        products = await uow.products.get_many([line.product_id for line in order.lines])
        downloads = [
            _download(shop, order, line.id, product)
            for line in order.lines
            if is_downloadable(product := products.get(line.product_id)) and product is not None
        ]
        complete = len(downloads) == len(order.lines)
        return DeliveryPlan(order_id, tuple(downloads), complete and bool(downloads))


async def find_download(shop: Shop, telegram_id: int, order_id: int, line_id: int) -> Download:
    """A re-download from /orders: only the presser's own paid order, only a digital line."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        if order is None or order.customer.telegram_id != telegram_id:
            raise DownloadUnavailable(order_id)
        if line_id not in await downloadable_lines(uow, order):
            raise DownloadUnavailable(order_id)
        product = await uow.products.get(
            next(line.product_id for line in order.lines if line.id == line_id)
        )
        assert product is not None  # downloadable_lines found it
        return _download(shop, order, line_id, product)


def _download(shop: Shop, order: Order, line_id: int, product: Product) -> Download:
    line = next(line for line in order.lines if line.id == line_id)
    if product.download == GIFT_CODE:
        codes = list(line.gift_codes or [])
        if len(codes) < line.quantity:
            codes += [new_gift_code() for _ in range(line.quantity - len(codes))]
            line.gift_codes = codes  # a new list, so the JSON column is written
        return Download(order.id, line.id, product.id, line.title, gift_codes=tuple(codes))
    source: PhotoSource | None
    if product.download_file_id:
        source = PhotoSource(PhotoKind.FILE_ID, product.download_file_id, cached=True)
    else:
        source = _original(shop, product.download or "")
    return Download(order.id, line.id, product.id, line.title, source)


def _original(shop: Shop, download: str) -> PhotoSource | None:
    return resolve_reference(download, shop.settings.catalog_path, _FILE_SUFFIXES)


async def mark_delivered(shop: Shop, order_id: int) -> bool:
    """Paid → delivered once every line was sent; False if the order moved on meanwhile."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        if order is None:
            return False
        try:
            await uow.orders.transition(
                order, "deliver_digital", actor="system", note="digital items sent in the chat"
            )
        except IllegalOrderTransition:
            return False
        return True


# -- Sending ---------------------------------------------------------------------------------


async def deliver(bot: ShopBot, shop: Shop, chat_id: int, plan: DeliveryPlan) -> bool:
    """Send every download of a paid order; a fully digital order that got all of them is
    delivered. True if everything was sent; otherwise the admins hear once which items failed."""
    failed = [
        item.title for item in plan.downloads if not await send_download(bot, shop, chat_id, item)
    ]
    if failed:
        log.warning(
            "order %s: %d of %d downloads failed", plan.order_id, len(failed), len(plan.downloads)
        )
        await alert_admins(
            bot, shop.settings.admin_ids, failed_delivery_text(plan.order_id, failed)
        )
        return False
    if plan.completes_order:
        await mark_delivered(shop, plan.order_id)
    return True


def failed_delivery_text(order_id: int, titles: list[str]) -> str:
    return (
        f"⚠️ Order #{order_id}: could not send {', '.join(titles)} to the shopper. "
        "The order stays paid and /orders lets them download it again; you may want to "
        "contact them."
    )


async def send_download(bot: ShopBot, shop: Shop, chat_id: int, item: Download) -> bool:
    """Send one download; False (logged) if Telegram refused or there is nothing to send."""
    try:
        if item.gift_codes:
            await bot.send_message(chat_id, _gift_text(item), parse_mode=ParseMode.HTML)
            return True
        return await _send_file(bot, shop, chat_id, item)
    except TelegramError as error:
        log.warning(
            "order %s: could not send %s to %s: %s", item.order_id, item.title, chat_id, error
        )
        return False


async def _send_file(bot: ShopBot, shop: Shop, chat_id: int, item: Download) -> bool:
    source = item.source
    while source is not None:
        if source.kind is PhotoKind.URL and not _by_url(source.value):
            await bot.send_message(chat_id, f"{item.caption}\n{source.value}")
            return True
        try:
            sent = await bot.send_document(chat_id, await _input(source), caption=item.caption)
        except BadRequest as error:
            log.warning(
                "order %s: %s (%s) failed: %s", item.order_id, item.title, source.kind, error
            )
            if source.kind is PhotoKind.URL:  # Telegram could not fetch it: the link will do
                await bot.send_message(chat_id, f"{item.caption}\n{source.value}")
                return True
            source = await _fallback(shop, item, source)
            continue
        await _remember(shop, item, source, sent)
        return True
    log.warning("order %s: %s has no file to send", item.order_id, item.title)
    return False


def _by_url(url: str) -> bool:
    return url.lower().split("?", 1)[0].endswith(_SENDABLE_BY_URL)


async def _input(source: PhotoSource) -> str | InputFile:
    if source.kind is PhotoKind.PATH:
        path = Path(source.value)
        return InputFile(await asyncio.to_thread(path.read_bytes), filename=path.name)
    return source.value


async def _fallback(shop: Shop, item: Download, failed: PhotoSource) -> PhotoSource | None:
    """A stale cached file_id gives way to the catalog's own file; nothing else is retried."""
    if not failed.cached:
        return None
    async with shop.store.uow() as uow:
        product = await uow.products.get(item.product_id)
        if product is None:
            return None
        product.download_file_id = None
        download = product.download or ""
    return _original(shop, download)


async def _remember(shop: Shop, item: Download, source: PhotoSource, sent: Message) -> None:
    if source.kind is PhotoKind.FILE_ID or sent.document is None:
        return
    async with shop.store.uow() as uow:
        product = await uow.products.get(item.product_id)
        if product is not None:
            product.download_file_id = sent.document.file_id


def _gift_text(item: Download) -> str:
    codes = "\n".join(f"<code>{code}</code>" for code in item.gift_codes)
    label = "Your code" if len(item.gift_codes) == 1 else "Your codes"
    return f"🎁 <b>{escape(item.title)}</b>\nOrder #{item.order_id}\n{label}:\n{codes}"
