"""Digital goods arrive in the chat after payment, and /orders sends them again."""

from __future__ import annotations

from bot.conversation.journey import EXPIRED
from bot.i18n import translator
from bot.standin import FakeUser, Message
from bot.standin.harness import DEFAULT_CATALOG, ShopHarness
from bot.store.models import Order
from bot.store.order_states import OrderStatus
from bot.usecases.orders import refund_order, ship_order
from tests.e2e.shopper import open_invoice

DATA = DEFAULT_CATALOG.parent
GUIDE_PDF = DATA / "downloads" / "dig-gde-brw.pdf"

ENGLISH = translator("en")  # the words a shopper with no other language reads


async def _buy(user: FakeUser, *skus: str) -> None:
    """Put one of each product in the cart, check out and pay the invoice."""
    await open_invoice(user, *skus)
    result = await user.pay()
    assert result.ok, result


def _documents(user: FakeUser) -> list[Message]:
    return [m for m in user.messages if m.document is not None]


async def _order(h: ShopHarness, order_id: int = 1) -> Order:
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None
    return order


async def _open_order(user: FakeUser, order_id: int = 1) -> Message:
    await user.send("/orders")
    listing = await user.wait_for("Your orders")
    (button,) = [b for b in listing.all_buttons if b.label.startswith(f"#{order_id} ")]
    await user.press(button.label)
    detail = user.last_message
    assert detail is not None and f"Order #{order_id}" in (detail.text or "")
    return detail


async def test_a_guide_bought_with_a_mug_arrives_as_the_pdf_and_the_order_stays_paid(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _buy(alice, "DIG-GDE-BRW", "KIT-MUG-CER")
    receipt = await alice.wait_for("Payment received", include_existing=True)
    assert "will message you here when it ships. Your digital items follow below." in (
        receipt.text or ""
    )
    document = await alice.wait_for(lambda m: m.document is not None, include_existing=True)
    assert document.document is not None
    assert document.document.data == GUIDE_PDF.read_bytes()
    assert document.document.file_name == "dig-gde-brw.pdf"
    assert "Home Brewing Guide (PDF)" in (document.text or "")
    assert "Order #1" in (document.text or "")
    await harness.until_idle()
    assert len(_documents(alice)) == 1  # the mug is not a download
    order = await _order(harness)
    assert order.status == OrderStatus.PAID  # the mug still has to be shipped


async def test_two_stars_downloads_arrive_and_the_order_is_delivered(
    stars_shop: ShopHarness,
) -> None:
    alice = stars_shop.user(1001, "Alice")
    await _buy(alice, "STR-GDE-ESP", "STR-TPL-MNU")
    await alice.wait_for("Your digital items follow below.", include_existing=True)
    await stars_shop.until_idle()
    names = [m.document.file_name for m in _documents(alice) if m.document]
    assert names == ["str-gde-esp.pdf", "str-tpl-mnu.pdf"]
    for message in _documents(alice):
        assert message.document is not None
        path = DATA / "downloads" / str(message.document.file_name)
        assert message.document.data == path.read_bytes()
    order = await _order(stars_shop)
    assert order.status == OrderStatus.DELIVERED
    assert (order.events[-1].from_status, order.events[-1].actor) == ("paid", "system")


async def test_the_order_sends_the_file_again_by_its_cached_file_id(
    stars_shop: ShopHarness,
) -> None:
    alice = stars_shop.user(1001, "Alice")
    await _buy(alice, "STR-GDE-ESP")
    first = await alice.wait_for(lambda m: m.document is not None, include_existing=True)
    assert first.document is not None
    uploads = len(stars_shop.standin.calls_to("sendDocument"))

    detail = await _open_order(alice)
    assert "📦 Delivered" in (detail.text or "")
    await alice.press("⬇️ Espresso Dial-In Guide (PDF)")
    again = await alice.wait_for(lambda m: m.document is not None)
    assert again.document is not None and again.message_id != first.message_id
    assert again.document.file_id == first.document.file_id
    calls = stars_shop.standin.calls_to("sendDocument")
    assert len(calls) == uploads + 1
    assert calls[-1].params["document"] == first.document.file_id  # sent by id, not uploaded
    async with stars_shop.store.uow() as uow:
        product = await uow.products.get_by_sku("STR-GDE-ESP")
    assert product is not None and product.download_file_id == first.document.file_id


async def test_a_spanish_shopper_asking_for_the_guide_again_reads_its_spanish_name(
    stars_shop: ShopHarness,
) -> None:
    """The toast and the apology when the send fails name the guide as its button does."""
    alice = stars_shop.user(1001, "Alice")
    await _buy(alice, "STR-GDE-ESP")
    await alice.wait_for(lambda m: m.document is not None, include_existing=True)
    await alice.send("/language")
    await alice.wait_for("Choose your language")
    await alice.press("Español")
    await alice.send("/orders")
    listing = await alice.wait_for("Tus pedidos")
    (order,) = [b for b in listing.all_buttons if b.label.startswith("#1 ")]
    await alice.press(order.label)
    guide = "Guía para ajustar el espresso (PDF)"
    stars_shop.standin.fail_next("sendDocument")
    answer = await alice.press(f"⬇️ {guide}")
    assert answer.text == f"Enviando {guide}…"
    await alice.wait_for(f"Lo siento, ahora no pude enviar {guide}.")


async def test_someone_elses_download_button_is_refused(stars_shop: ShopHarness) -> None:
    alice = stars_shop.user(1001, "Alice")
    await _buy(alice, "STR-GDE-ESP")
    detail = await _open_order(alice)
    (button,) = [b for b in detail.all_buttons if b.label.startswith("⬇️")]
    assert button.callback_data is not None
    sent_before = len(stars_shop.standin.calls_to("sendDocument"))

    mallory = stars_shop.user(1002, "Mallory")
    await mallory.send("/start")
    menu = await mallory.wait_for("Welcome")
    answer = await mallory.press_data(menu, button.callback_data)
    assert answer.text == EXPIRED
    forged = await mallory.press_data(menu, "1:dl:1:999")  # a line that is not in the order
    assert forged.text == EXPIRED
    assert len(stars_shop.standin.calls_to("sendDocument")) == sent_before
    assert not _documents(mallory)


async def test_a_blocked_delivery_leaves_the_order_paid_for_a_later_download(
    stars_shop: ShopHarness,
) -> None:
    stars_shop.standin.fail_next("sendDocument")  # 403: the shopper blocked the bot meanwhile
    alice = stars_shop.user(1001, "Alice")
    await _buy(alice, "STR-GDE-ESP")
    await alice.wait_for("Payment received", include_existing=True)
    await stars_shop.until_idle()
    assert not _documents(alice)
    order = await _order(stars_shop)
    assert order.status == OrderStatus.PAID
    assert [p.amount for p in order.payments] == [75]

    detail = await _open_order(alice)
    await alice.press("⬇️ Espresso Dial-In Guide (PDF)")
    document = await alice.wait_for(lambda m: m.document is not None)
    assert document.document is not None
    assert document.document.data == (DATA / "downloads" / "str-gde-esp.pdf").read_bytes()
    assert detail.message_id != document.message_id


async def test_a_gift_card_sends_one_code_per_unit_and_the_same_codes_again(
    stars_shop: ShopHarness,
) -> None:
    alice = stars_shop.user(1001, "Alice")
    await alice.send("/start product_STR-GFT-100")
    await alice.wait_for("Add to cart")
    await alice.press("➕")
    await alice.wait_for("[2 pc]", include_existing=True)
    await alice.press("Add to cart")
    await _buy(alice)
    codes_message = await alice.wait_for("Your codes", include_existing=True)
    order = await _order(stars_shop)
    (line,) = order.lines
    assert line.quantity == 2 and line.gift_codes is not None and len(set(line.gift_codes)) == 2
    assert all(code in (codes_message.text or "") for code in line.gift_codes)
    await stars_shop.until_idle()
    assert (await _order(stars_shop)).status == OrderStatus.DELIVERED

    await _open_order(alice)
    await alice.press("⬇️ Gift Card: 100 Stars")
    again = await alice.wait_for("Your codes")
    assert again.message_id != codes_message.message_id
    assert all(code in (again.text or "") for code in line.gift_codes)


async def test_the_guide_can_still_be_downloaded_after_the_mug_shipped(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await _buy(alice, "DIG-GDE-BRW", "KIT-MUG-CER")
    await alice.wait_for(lambda m: m.document is not None, include_existing=True)
    await harness.until_idle()
    assert harness.shop is not None
    await ship_order(harness.shop, 1, actor="admin:9001", tracking="TRACK-1")
    assert (await _order(harness)).status == OrderStatus.SHIPPED

    detail = await _open_order(alice)
    assert "Shipped" in (detail.text or "")
    await alice.press("⬇️ Home Brewing Guide (PDF)")
    again = await alice.wait_for(lambda m: m.document is not None and m is not detail)
    assert again.document is not None and again.document.data == GUIDE_PDF.read_bytes()
    assert len(_documents(alice)) == 2


async def test_a_stars_refund_says_the_stars_are_back_not_on_a_statement(
    stars_shop: ShopHarness,
) -> None:
    alice = stars_shop.user(1001, "Alice")
    await _buy(alice, "STR-GDE-ESP")
    await alice.wait_for(lambda m: m.document is not None, include_existing=True)
    await stars_shop.until_idle()
    assert stars_shop.shop is not None
    change = await refund_order(stars_shop.shop, 1, actor="admin:1")
    assert change.new_status == OrderStatus.REFUNDED
    assert "Stars are back in your Telegram balance" in change.message_for_shopper(ENGLISH)
    assert "statement" not in change.message_for_shopper(ENGLISH)
