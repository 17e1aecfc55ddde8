"""Where a product photo comes from: cached file_id, URL, catalog-relative file, or file_id."""

from __future__ import annotations

from pathlib import Path

from bot.services.photos import PhotoKind, PhotoSource, remember_file_id, resolve_photo
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH
from tests.services.conftest import Shopfront


def test_a_cached_file_id_wins() -> None:
    source = resolve_photo("photos/kit-mug-cer.png", "AgAD-cached", CATALOG_PATH)
    assert source == PhotoSource(PhotoKind.FILE_ID, "AgAD-cached", cached=True)


def test_a_path_is_relative_to_the_catalog_file() -> None:
    source = resolve_photo("photos/kit-mug-cer.png", None, CATALOG_PATH)
    assert source is not None and source.kind is PhotoKind.PATH
    assert Path(source.value) == (CATALOG_PATH.parent / "photos" / "kit-mug-cer.png").resolve()


def test_urls_file_ids_and_missing_files(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    (tmp_path / "secret.png").write_bytes(b"x")
    assert resolve_photo("https://x.test/a.png", None, catalog) == PhotoSource(
        PhotoKind.URL, "https://x.test/a.png"
    )
    assert resolve_photo("AgACAgIAAxkBAAIB", None, catalog) == PhotoSource(
        PhotoKind.FILE_ID, "AgACAgIAAxkBAAIB"
    )
    assert resolve_photo("photos/missing.png", None, catalog) is None
    assert resolve_photo("../secret.png", None, tmp_path / "sub" / "catalog.json") is None
    assert resolve_photo("", None, catalog) is None


async def test_the_uploaded_file_id_is_remembered(shopfront: Shopfront, store: Store) -> None:
    mug = await shopfront.product_id("KIT-MUG-CER")
    async with store.uow() as uow:
        await remember_file_id(uow, mug, "AgAD-new")
    async with store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.photo_file_id == "AgAD-new"
