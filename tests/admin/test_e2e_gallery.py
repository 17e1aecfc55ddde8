"""An admin adds photos to a product's gallery from the chat, and removes them: /edit offers
➕ Add photo (send a picture, preview, Save) and 🗑 Remove photo N for each photo after the
product's own (preview, Save); the shopper's card pages through what is there."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.e2e.shopper import screen

KETTLE = "KIT-KTL-GOO"


async def _gallery(shop: ShopHarness) -> list[dict[str, str]] | None:
    async with shop.store.uow() as uow:
        kettle = await uow.products.get_by_sku(KETTLE)
        assert kettle is not None
        return kettle.photos


async def test_admin_adds_a_photo_the_shopper_pages_to_then_removes_it(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    await admin.send(f"/edit {KETTLE}")
    card = await admin.wait_for("Which field")
    assert "Photo: yes\n" in (card.text or "") and "Remove photo" not in admin.render(card)
    await admin.press("➕ Add photo")
    await admin.wait_for("Send a photo to show after the product's other photos")
    await admin.send("a nice one")
    await admin.wait_for("I need a photo here: send it as a picture.")
    await admin.send_photo()
    preview = await admin.wait_for(f"Add this photo after the other photos of {KETTLE}?")
    assert preview.photo is not None
    await admin.press("✅ Save")
    await admin.wait_for(f"Saved: {KETTLE} has 2 photos now.")
    (added,) = await _gallery(shop) or []
    assert added["photo"] == preview.photo  # Telegram's file_id, kept as the photo and its id

    await shopper.send(f"/start product_{KETTLE}")
    await shopper.wait_for("Gooseneck Kettle 1L")
    assert "[◀] [1/2] [▶]" in screen(shopper)
    await shopper.press("▶")
    assert f"[photo {added['photo']}]" in screen(shopper)

    await admin.send(f"/edit {KETTLE}")
    card = await admin.wait_for("Which field")
    assert "Photo: yes (2 in all)" in (card.text or "")
    await admin.press("🗑 Remove photo 2")
    await admin.wait_for(f"Remove photo 2 ({added['photo']}) of {KETTLE}?")
    assert await _gallery(shop) is not None  # not before Save
    await admin.press("✅ Save")
    await admin.wait_for(f"Saved: {KETTLE} has 1 photo now.")
    assert await _gallery(shop) is None
    async with shop.store.uow() as uow:
        actions = [e.action for e in await uow.audit.list_recent()]
    assert {"product.edit.add_photo", "product.edit.drop_photo"} <= set(actions)


async def test_a_full_gallery_offers_no_add_and_a_stale_remove_says_so(
    shop: ShopHarness, admin: FakeUser
) -> None:
    async with shop.store.uow() as uow:
        kettle = await uow.products.get_by_sku(KETTLE)
        assert kettle is not None
        kettle.photos = [
            {"photo": f"photos/kit-mug-cer.png?{n}", "file_id": None} for n in range(9)
        ]
    await admin.send(f"/edit {KETTLE}")
    card = await admin.wait_for("Which field")
    assert "Photo: yes (10 in all)" in (card.text or "")
    assert "Add photo" not in admin.render(card)  # ten in all: the most
    assert "[🗑 Remove photo 8] [🗑 Remove photo 9] [🗑 Remove photo 10]" in admin.render(card)

    async with shop.store.uow() as uow:  # an import meanwhile leaves the kettle two photos
        kettle = await uow.products.get_by_sku(KETTLE)
        assert kettle is not None
        kettle.photos = kettle.photos[:1] if kettle.photos else None
    await admin.press("🗑 Remove photo 10")
    again = await admin.wait_for(f"{KETTLE} has no photo 10 now.")
    assert "Pick a field" in (again.text or "")
