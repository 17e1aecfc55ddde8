"""Where a product's photo comes from, and remembering Telegram's file_id after an upload.

`Product.photo` is a URL, a Telegram file_id, or a path relative to the catalog file's folder.
Uploading a file every time would be slow, so after the first upload the file_id Telegram
returns is kept in `Product.photo_file_id` and used from then on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


class PhotoKind(StrEnum):
    FILE_ID = "file_id"
    URL = "url"
    PATH = "path"


@dataclass(frozen=True, slots=True)
class PhotoSource:
    kind: PhotoKind
    value: str  # the file_id, the URL, or an absolute file path
    cached: bool = False  # a file_id we stored after an upload (may go stale with a new bot)


def resolve_photo(photo: str, photo_file_id: str | None, catalog_path: Path) -> PhotoSource | None:
    """How to send this product's photo; None if it has none (or its file is missing)."""
    if photo_file_id:
        return PhotoSource(PhotoKind.FILE_ID, photo_file_id, cached=True)
    return resolve_original(photo, catalog_path)


def resolve_original(photo: str, catalog_path: Path) -> PhotoSource | None:
    """The catalog's own reference, ignoring any cached file_id."""
    photo = photo.strip()
    if not photo:
        return None
    if photo.startswith(("http://", "https://")):
        return PhotoSource(PhotoKind.URL, photo)
    if "/" in photo or "\\" in photo or photo.lower().endswith(_IMAGE_SUFFIXES):
        folder = catalog_path.resolve().parent
        path = (folder / photo).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            log.warning("product photo %s not found under %s", photo, folder)
            return None
        return PhotoSource(PhotoKind.PATH, str(path))
    return PhotoSource(PhotoKind.FILE_ID, photo)


async def remember_file_id(uow: UnitOfWork, product_id: int, file_id: str | None) -> None:
    """Keep (or with None, forget) the file_id Telegram gave us for the product's photo."""
    product = await uow.products.get(product_id)
    if product is not None:
        product.photo_file_id = file_id
