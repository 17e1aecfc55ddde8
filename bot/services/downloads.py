"""Digital goods: what a paid order's digital lines deliver, planned before anything is sent.

`Product.download` is a file path relative to the catalog file's folder, an https URL, a
Telegram file_id, or "giftcode". A file is uploaded once and the file_id Telegram returns is
kept in `Product.download_file_id` (as photos are), so later deliveries and re-downloads send
that id. A gift card gets one random code per unit, made on its first delivery and kept on
the order line, so a re-download shows the same codes instead of minting new ones.

This module decides what to send and keeps its books; the sending itself is the notifier's
(bot.notifier), and bot.usecases.deliveries puts the two together.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.i18n import N_, Translator, worded
from bot.services import gift_cards
from bot.services.errors import DownloadUnavailable
from bot.services.photos import PhotoKind, PhotoSource, resolve_reference
from bot.store.catalog_file import GIFT_CODE
from bot.store.models import Order, Product
from bot.store.order_states import IllegalOrderTransition, OrderStatus
from bot.store.uow import UnitOfWork

SENT_IN_CHAT = N_("digital items sent in the chat")  # why the order moved, in its history

# Orders whose digital lines may be sent (again): paid ones, also after their physical goods
# shipped or part of the money came back (a partial refund keeps the status). Fully refunded
# or cancelled ones may not.
DOWNLOADABLE_STATUSES = frozenset(
    {
        OrderStatus.PAID.value,
        OrderStatus.SHIPPED.value,
        OrderStatus.DELIVERED.value,
    }
)
# Names that mark a catalog `download` as a file path rather than a Telegram file_id.
_FILE_SUFFIXES = (".pdf", ".zip", ".epub", ".txt", ".csv", ".xlsx", ".docx", ".mp3", ".png")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out loud safely


@dataclass(frozen=True, slots=True)
class Download:
    """One digital line, ready to send: a file (`source`) or gift codes.

    `fallback` is the catalog's own file, for when `source` is a kept file_id Telegram no
    longer knows (a new bot token).
    """

    order_id: int
    line_id: int
    product_id: int
    title: str
    source: PhotoSource | None = None
    fallback: PhotoSource | None = None
    gift_codes: tuple[str, ...] = ()
    translations: dict[str, Any] | None = None  # the product's title in other languages

    def name(self, tr: Translator) -> str:
        return tr.name(self.title, self.translations)

    def caption(self, tr: Translator) -> str:
        """In the receiver's language, which is not the handled update's after an approval."""
        order = tr._("Order #{order_id}", order_id=self.order_id)
        return f"⬇️ {self.name(tr)}\n{order}"


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


async def plan_delivery(uow: UnitOfWork, order_id: int, catalog_path: Path) -> DeliveryPlan:
    """The downloads of a just-paid order (gift codes minted now); empty if it has none."""
    order = await uow.orders.get(order_id, full=False)
    if order is None or order.status != OrderStatus.PAID or order.needs_review:
        return DeliveryPlan(order_id)
    products = await uow.products.get_many([line.product_id for line in order.lines])
    downloads = [
        _download(order, line.id, product, catalog_path)
        for line in order.lines
        if is_downloadable(product := products.get(line.product_id)) and product is not None
    ]
    await _issue_cards(uow, order, downloads)
    complete = len(downloads) == len(order.lines)
    return DeliveryPlan(order_id, tuple(downloads), complete and bool(downloads))


async def find_download(
    uow: UnitOfWork, telegram_id: int, order_id: int, line_id: int, catalog_path: Path
) -> Download:
    """A re-download from /orders: only the presser's own paid order, only a digital line."""
    order = await uow.orders.get(order_id)
    if order is None or order.customer.telegram_id != telegram_id:
        raise DownloadUnavailable(order_id)
    if line_id not in await downloadable_lines(uow, order):
        raise DownloadUnavailable(order_id)
    product = await uow.products.get(
        next(line.product_id for line in order.lines if line.id == line_id)
    )
    assert product is not None  # downloadable_lines found it
    found = _download(order, line_id, product, catalog_path)
    await _issue_cards(uow, order, [found])
    return found


async def _issue_cards(uow: UnitOfWork, order: Order, items: list[Download]) -> None:
    """Each gift code gets its card, worth its line's unit price, in the transaction that
    keeps the code on the line."""
    prices = {line.id: line.unit_price for line in order.lines}
    for item in items:
        if item.gift_codes:
            await gift_cards.issue(
                uow, item.gift_codes, order.currency, prices[item.line_id], item.line_id
            )


def _download(order: Order, line_id: int, product: Product, catalog_path: Path) -> Download:
    line = next(line for line in order.lines if line.id == line_id)
    if product.download == GIFT_CODE:
        codes = list(line.gift_codes or [])
        if len(codes) < line.quantity:
            codes += [new_gift_code() for _ in range(line.quantity - len(codes))]
            line.gift_codes = codes  # a new list, so the JSON column is written
        return Download(
            order.id,
            line.id,
            product.id,
            line.title,
            gift_codes=tuple(codes),
            translations=product.translations,
        )
    original = resolve_reference(product.download or "", catalog_path, _FILE_SUFFIXES)
    if product.download_file_id:
        kept = PhotoSource(PhotoKind.FILE_ID, product.download_file_id, cached=True)
        return Download(
            order.id,
            line.id,
            product.id,
            line.title,
            kept,
            fallback=original,
            translations=product.translations,
        )
    return Download(
        order.id, line.id, product.id, line.title, original, translations=product.translations
    )


async def remember_file_id(uow: UnitOfWork, product_id: int, file_id: str | None) -> None:
    """Keep (or with None, forget) the file_id Telegram gave us for the product's download."""
    product = await uow.products.get(product_id)
    if product is not None:
        product.download_file_id = file_id


async def mark_delivered(uow: UnitOfWork, order_id: int) -> Order | None:
    """Paid → delivered once every line was sent: the order; None if it moved on meanwhile."""
    order = await uow.orders.get(order_id, full=False)
    if order is None:
        return None
    try:
        await uow.orders.transition(
            order, "deliver_digital", actor="system", note=worded(SENT_IN_CHAT)
        )
    except IllegalOrderTransition:
        return None
    return order
