"""Where a product's photo comes from, and remembering Telegram's file_id after an upload.

`Product.photo` is a URL, a Telegram file_id, or a path relative to the catalog file's folder.
Uploading a file every time would be slow, so after the first upload the file_id Telegram
returns is kept in `Product.photo_file_id` and used from then on; a further photo of the
product's gallery (`Product.photos`) keeps its own beside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.store.catalog_file import PHOTO_SUFFIXES, names_a_file
from bot.store.models import Product
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)


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
    return resolve_reference(photo, catalog_path, PHOTO_SUFFIXES)


def resolve_reference(
    reference: str, catalog_path: Path, suffixes: tuple[str, ...]
) -> PhotoSource | None:
    """A catalog's file reference (photo or download): URL, file path or Telegram file_id.

    A path is relative to the catalog file's folder and must stay inside it; a missing file
    gives None (logged), so the caller falls back instead of failing the whole message.
    """
    reference = reference.strip()
    if not reference:
        return None
    if reference.startswith(("http://", "https://")):
        return PhotoSource(PhotoKind.URL, reference)
    if names_a_file(reference, suffixes):
        folder = catalog_path.resolve().parent
        path = (folder / reference).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            log.warning("catalog file %s not found under %s", reference, folder)
            return None
        return PhotoSource(PhotoKind.PATH, str(path))
    return PhotoSource(PhotoKind.FILE_ID, reference)


@dataclass(frozen=True, slots=True)
class GalleryPhoto:
    """One of a product's further photos (after its main one): as the catalog names it, and
    the file_id Telegram gave it once sent (`Product.photos`)."""

    photo: str
    file_id: str | None = None


def further_photos(product: Product) -> tuple[GalleryPhoto, ...]:
    """The product's gallery after its main photo, in the catalog's order."""
    return tuple(GalleryPhoto(e["photo"], e.get("file_id")) for e in product.photos or ())


async def remember_file_id(
    uow: UnitOfWork,
    product_id: int,
    file_id: str | None,
    variant_id: int = 0,
    further: str | None = None,
) -> None:
    """Keep (or with None, forget) the file_id Telegram gave us for the product's photo, for
    its variant's own photo (`variant_id`), or for the further photo the catalog names
    `further` (matched by name, so a gallery changed meanwhile gets no stranger's file_id)."""
    if further is not None:
        product = await uow.products.get(product_id)
        if product is not None and product.photos:
            product.photos = [
                entry | {"file_id": file_id} if entry["photo"] == further else entry
                for entry in product.photos
            ]
        return
    if variant_id:
        variant = await uow.products.get_variant(variant_id)
        if variant is not None and variant.product_id == product_id:
            variant.photo_file_id = file_id
        return
    product = await uow.products.get(product_id)
    if product is not None:
        product.photo_file_id = file_id
