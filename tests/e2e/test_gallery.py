"""A product of several photos through the real bot: its card pages through them in place
(◀ 2/3 ▶, editMessageMedia: the caption and buttons stay), each photo is uploaded once and
then sent by the file_id Telegram gave it, and a variant's own photo takes the first place."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from tests.e2e.shopper import screen

KETTLE = "KIT-KTL-GOO"
FURTHER = ("photos/kit-mug-cer.png", "photos/kit-frp-600.png")


async def _gallery(harness: ShopHarness, sku: str, *photos: str, file_id: str = "") -> int:
    """Give the seeded product `sku` these further photos, as a catalog file would."""
    async with harness.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        product.photos = [{"photo": photo, "file_id": file_id or None} for photo in photos]
        return product.id


async def _press(alice: FakeUser, arrow: str) -> Message:
    """Press an arrow of the card; its answer comes after the card has changed."""
    card = alice.last_message
    await alice.press(arrow)
    assert alice.last_message is card  # edited in place, not sent again
    assert card is not None
    return card


async def test_shopper_pages_through_a_kettles_three_photos(harness: ShopHarness) -> None:
    await _gallery(harness, KETTLE, *FURTHER)
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{KETTLE}")
    card = await alice.wait_for("Gooseneck Kettle 1L")
    first = screen(alice)
    assert first.startswith("[photo kit-ktl-goo.png]\nGooseneck Kettle 1L\n$45.00")
    assert "\n[◀] [1/3] [▶]\n[➖] [1 pc] [➕]\n" in first

    await _press(alice, "▶")
    assert screen(alice) == first.replace("kit-ktl-goo.png", "kit-mug-cer.png").replace(
        "[1/3]", "[2/3]"
    )
    await _press(alice, "▶")
    assert "[photo kit-frp-600.png]" in screen(alice) and "[◀] [3/3] [▶]" in screen(alice)
    await _press(alice, "◀")
    assert "[photo kit-mug-cer.png]" in screen(alice) and "[◀] [2/3] [▶]" in screen(alice)
    await _press(alice, "◀")
    await _press(alice, "◀")  # round from the first to the last
    assert "[photo kit-frp-600.png]" in screen(alice) and "[◀] [3/3] [▶]" in screen(alice)

    await alice.press("➕")  # the quantity changes under the same photo
    assert "[photo kit-frp-600.png]" in screen(alice) and "[2 pc]" in screen(alice)
    await alice.press("Add to cart")
    assert "[photo kit-frp-600.png]" in screen(alice) and "In your cart: 2" in screen(alice)
    assert alice.last_message is card
    edits = [call.method for call in harness.standin.calls if call.method.startswith("edit")]
    assert edits == ["editMessageMedia"] * 5 + ["editMessageCaption"] * 2


async def test_a_product_of_one_photo_shows_no_arrows(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{KETTLE}")
    await alice.wait_for("Gooseneck Kettle 1L")
    assert "[photo kit-ktl-goo.png]" in screen(alice)
    assert "◀" not in screen(alice) and "▶" not in screen(alice)


async def test_each_further_photo_is_uploaded_once_then_sent_by_its_file_id(
    harness: ShopHarness,
) -> None:
    kettle = await _gallery(harness, KETTLE, *FURTHER)
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{KETTLE}")
    await alice.wait_for("Gooseneck Kettle 1L")
    await _press(alice, "▶")
    await _press(alice, "▶")
    await harness.until_idle()
    async with harness.store.uow() as uow:
        product = await uow.products.get(kettle)
        assert product is not None and product.photos is not None
        file_ids = [entry["file_id"] for entry in product.photos]
    assert all(file_ids) and len(set(file_ids)) == 2
    await _press(alice, "◀")  # the mug's photo again: by its file_id, not uploaded
    media = harness.standin.calls_to("editMessageMedia")[-1].params["media"]
    assert media["media"] == file_ids[0]
    assert "[photo kit-mug-cer.png]" in screen(alice)


async def test_a_further_photos_stale_file_id_gives_way_to_its_file(harness: ShopHarness) -> None:
    """After a token change Telegram refuses the kept file_id: the card is sent again with
    the catalog's own file, and the new file_id is kept."""
    kettle = await _gallery(harness, KETTLE, FURTHER[0], file_id="AgACfrom-an-old-bot-token")
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{KETTLE}")
    await alice.wait_for("Gooseneck Kettle 1L")
    await alice.press("▶")
    await alice.wait_for(lambda m: "[2/2]" in alice.render(m), include_existing=True)
    assert "[photo kit-mug-cer.png]" in screen(alice)
    await harness.until_idle()
    async with harness.store.uow() as uow:
        product = await uow.products.get(kettle)
        assert product is not None and product.photos is not None
        assert product.photos[0]["file_id"] not in (None, "AgACfrom-an-old-bot-token")


async def test_stale_gallery_buttons_get_a_clear_answer(harness: ShopHarness) -> None:
    kettle = await _gallery(harness, KETTLE, *FURTHER)
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{KETTLE}")
    card = await alice.wait_for("Gooseneck Kettle 1L")
    await _gallery(harness, KETTLE, FURTHER[0])  # the shop drops a photo meanwhile
    answer = await alice.press_data(card, f"1:p:{kettle}:1:0:2")  # its ▶ of before
    assert answer.text == "That photo is no longer in the product's gallery. Here is the first one."
    assert "[photo kit-ktl-goo.png]" in screen(alice) and "[◀] [1/2] [▶]" in screen(alice)

    async with harness.store.uow() as uow:
        product = await uow.products.get(kettle)
        assert product is not None
        product.is_active = False  # taken off sale
    answer = await alice.press("▶")
    assert answer.text == "Sorry, that product is no longer available."


async def test_a_variants_own_photo_comes_first_then_the_products_further_photos(
    harness: ShopHarness,
) -> None:
    """The Charcoal tees have a photo of their own: it takes the first place of the gallery;
    the further photos are the product's, whichever variant is chosen."""
    await _gallery(harness, "APP-TEE-ORG", FURTHER[0])
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_APP-TEE-ORG-L-CHA")
    await alice.wait_for("L / Charcoal")
    assert "[photo app-tee-org-cha.png]" in screen(alice)
    assert "[◀] [1/2] [▶]\n[S] [M] [• L]" in screen(alice)  # above the options
    await _press(alice, "▶")
    assert "[photo kit-mug-cer.png]" in screen(alice) and "L / Charcoal" in screen(alice)
    await alice.press("Oat")  # another variant: its first photo, the product's own
    await alice.wait_for("L / Oat", include_existing=True)
    assert "[photo app-tee-org.png]" in screen(alice) and "[1/2]" in screen(alice)
