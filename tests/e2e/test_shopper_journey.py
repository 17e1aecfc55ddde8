"""A shopper's whole journey through the real bot, by button labels, against the stand-in."""

from __future__ import annotations

from bot import conversation
from bot.callback_data import ShowProduct
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.conftest import add_product
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import open_invoice, screen, shown


async def _open_kitchen_mug(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Welcome to the shop, Alice")
    await alice.press("Catalog")
    await alice.press("Kitchen")
    await alice.press("Stoneware Mug")


async def test_from_start_to_the_invoice(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start")
    menu = await alice.wait_for("Welcome to the shop, Alice")
    assert [b.label for b in menu.all_buttons] == [
        "🛍 Catalog",
        "🔎 Search",
        "🛒 Cart",
        "📦 My orders",
        "♡ Saved",
        "❓ Help",
    ]
    await alice.press("Catalog")
    assert "Kitchen (5)" in screen(alice)
    await alice.press("Kitchen")
    listing = alice.last_message
    assert listing is not None and "Stoneware Mug 350ml · $16.00" in alice.render(listing)

    await alice.press("Stoneware Mug")
    product = alice.last_message
    assert product is not None and product.photo is not None
    assert "Stoneware Mug 350ml\n$16.00 · In stock" in (product.text or "")
    await alice.press("➕")
    assert "[2 pc]" in screen(alice)
    toast = await alice.press("Add to cart")
    assert toast.text == "Added 2 × Stoneware Mug 350ml to your cart."
    assert "In your cart: 2" in shown(alice)

    await alice.press("Cart (2)")
    cart = alice.last_message
    assert cart is not None and cart.photo is None  # photo replaced by a text message
    assert "2 × $16.00 = $32.00" in (cart.text or "")
    assert "Total: $32.00" in (cart.text or "")

    await alice.press("Checkout")
    summary = await alice.wait_for("Order summary", include_existing=True)
    assert "2 × Stoneware Mug 350ml = $32.00" in (summary.text or "")
    await alice.press("Pay")
    await alice.wait_for_call("sendInvoice")
    await alice.wait_for(lambda m: m.invoice is not None)
    assert await conversation.state_of(harness.store, alice.user_id) == "awaiting_payment"
    # the chat kept one view at a time: no pile of old menus
    assert len([m for m in alice.messages if m.invoice is None and m.all_buttons]) <= 2


async def test_back_returns_to_the_list_and_page(harness: ShopHarness) -> None:
    await _open_kitchen_mug(harness)
    alice = harness.user(1001, "Alice")
    await alice.press("Back")
    listing = alice.last_message
    assert listing is not None and listing.photo is None
    assert "🛍 Kitchen" in (listing.text or "")


async def test_out_of_stock_cannot_be_added_and_low_stock_is_shown(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/search pocket knife")
    await alice.wait_for("Results")
    await alice.press("Folding Pocket Knife")
    knife = alice.last_message
    assert knife is not None and "Out of stock" in (knife.text or "")
    assert not [b for b in knife.all_buttons if "Add to cart" in b.label]

    await alice.send("/search linen cushion")  # 2 in stock, threshold 3
    await alice.wait_for("Results")
    await alice.press("Linen Cushion Cover")
    cushion = alice.last_message
    assert cushion is not None and "Only 2 left" in (cushion.text or "")


async def test_adding_beyond_stock_is_refused_with_a_clear_message(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/search linen cushion")
    await alice.wait_for("Results")
    await alice.press("Linen Cushion Cover")
    await alice.press("➕")
    toast = await alice.press("➕")  # a third one: there are two
    assert toast.text == "Only 2 left."
    assert "[2 pc]" in screen(alice)
    card, add = alice.find_button("Add to cart")
    await alice.press("Add to cart")
    assert "All 2 left are in your cart." in shown(alice)  # and no Add button to press
    assert add.callback_data is not None and "Add to cart" not in screen(alice)
    refused = await alice.press_data(card, add.callback_data)  # an older card's Add, again
    assert refused.text == "Sorry, only 2 left and 2 already in your cart."
    assert "only 2 left and 2 already in your cart" in shown(alice)
    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "2 × $19.00 = $38.00" in (cart.text or "")
    refused = await alice.press("➕", message=cart)
    assert refused.text == "Sorry, only 2 left and 2 already in your cart."


async def test_the_quantity_picker_offers_only_what_she_can_still_add(
    harness: ShopHarness,
) -> None:
    """Five travel mugs in stock and three already in Alice's cart: the picker stops at two
    and says so; once all five are in her cart, the card says that instead of offering more."""
    await add_product(harness.store, "TRV-MUG", price=1200, stock=5, title="Travel Mug")
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_TRV-MUG")
    await alice.wait_for("Add to cart")
    await alice.press("➕")
    await alice.press("➕")
    await alice.press("Add to cart")
    assert "In your cart: 3" in shown(alice)

    await alice.press("➕")
    toast = await alice.press("➕")  # a third: only two more can go in
    assert toast.text == "You can add up to 2."
    assert "[2 pc]" in screen(alice)

    await alice.press("Add to cart · $24.00")
    card = screen(alice)
    assert "In your cart: 5" in card and "All 5 left are in your cart." in card
    assert "Add to cart" not in card and "➕" not in card


async def test_a_cart_line_stops_at_99_however_she_adds(harness: ShopHarness) -> None:
    """500 travel mugs in stock. Alice picks 60 and adds them; the picker then offers only
    39 more (a cart line holds at most 99, as on the storefront page). An older card's Add
    of 60 is refused, naming what she has; at 99 the card says so and the cart's ➕ is
    refused too: the line stays at 99 whichever way she adds."""
    mug = await add_product(harness.store, "TRV-MUG", price=100, stock=500, title="Travel Mug")
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_TRV-MUG")
    card = await alice.wait_for("Add to cart")
    await alice.press_data(card, ShowProduct(mug, 60).encode())  # ➕ pressed 59 times
    old_card, add_60 = alice.find_button("Add to cart · $60.00")
    await alice.press("Add to cart · $60.00")
    assert "In your cart: 60" in shown(alice)

    assert add_60.callback_data is not None
    refused = await alice.press_data(old_card, add_60.callback_data)  # the older card's Add
    assert refused.text == (
        "You already have 60 × Travel Mug in your cart; you can add up to 39 more."
    )
    toast = await alice.press_data(old_card, ShowProduct(mug, 60).encode())
    assert toast.text == "You can add up to 39."
    assert "[39 pc]" in screen(alice)

    await alice.press("Add to cart · $39.00")
    card_text = shown(alice)
    assert "In your cart: 99" in card_text and "Add to cart" not in screen(alice)
    assert "99 in your cart, the most one line can hold." in card_text
    refused = await alice.press_data(old_card, add_60.callback_data)
    assert refused.text == (
        "You already have 99 × Travel Mug in your cart, the most one line can hold."
    )

    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    refused = await alice.press("➕", message=cart)
    assert refused.text == (
        "You already have 99 × Travel Mug in your cart, the most one line can hold."
    )
    assert "99 × $1.00 = $99.00" in shown(alice)


async def test_the_picker_counts_what_her_own_unpaid_order_holds_as_hers(
    harness: ShopHarness,
) -> None:
    """Three travel mugs; Alice checks out one and leaves its invoice unpaid, so two are left
    for others. Her card still offers two more (three are hers to have, one is in her cart),
    as the storefront does, not the one that two-left-less-her-cart would make."""
    await add_product(harness.store, "TRV-MUG", price=1200, stock=3, title="Travel Mug")
    alice = harness.user(1001, "Alice")
    await open_invoice(alice, "TRV-MUG")
    await alice.send("/start product_TRV-MUG")
    await alice.wait_for("held for your order #1")

    await alice.press("➕")
    toast = await alice.press("➕")
    assert toast.text == "You can add up to 2."
    assert "[2 pc]" in screen(alice)


async def _shopper_with(harness: ShopHarness, sku: str, stock: int, quantity: int) -> FakeUser:
    """Alice with `quantity` of a new product (`stock` of it) in her cart, on its card."""
    await add_product(harness.store, sku, price=1200, stock=stock, title="Travel Mug")
    alice = harness.user(1001, "Alice")
    await alice.send(f"/start product_{sku}")
    await alice.wait_for("Add to cart")
    for _ in range(quantity - 1):
        await alice.press("➕")
    await alice.press("Add to cart")
    return alice


async def test_a_product_taken_off_sale_in_her_cart_can_still_be_lowered(
    harness: ShopHarness,
) -> None:
    """Alice has three travel mugs in her cart when the shop takes them off sale. ➖ still
    lowers the line (it said the product was no longer available and left it at three);
    ➕ and the line's name say it is no longer available, and she stays in her cart."""
    alice = await _shopper_with(harness, "TRV-MUG", stock=5, quantity=3)
    admin = harness.user(ADMIN_ID, "Ada")
    await admin.send("/hide TRV-MUG")
    await admin.wait_for("hidden")
    await alice.send("/cart")
    await alice.wait_for("no longer sold; it will be removed at checkout")

    toast = await alice.press("➖")

    assert toast.text == "Travel Mug: 2 in your cart."
    assert "2 × $12.00 = $24.00" in shown(alice)
    toast = await alice.press("➕")
    assert toast.text == "Sorry, that product is no longer available."
    assert "2 × $12.00 = $24.00" in shown(alice)

    # Its name in the cart opens no card for it: she stays in her cart, told why.
    toast = await alice.press("1. Travel Mug")
    assert toast.text == "Sorry, that product is no longer available."
    assert "Your cart" in shown(alice) and "no longer sold" in shown(alice)


async def test_a_card_says_when_fewer_are_left_than_her_cart_holds(harness: ShopHarness) -> None:
    """Three travel mugs in Alice's cart, then the stock falls to one, then to none: her card
    says checkout will lower the quantity, then that it will remove it, never that "all 1
    left" are in a cart that holds three."""
    alice = await _shopper_with(harness, "TRV-MUG", stock=5, quantity=3)
    admin = harness.user(ADMIN_ID, "Ada")
    await admin.send("/stock TRV-MUG 1")
    await admin.wait_for("→ 1")
    await alice.send("/start product_TRV-MUG")
    card = await alice.wait_for("In your cart: 3")
    assert "⚠️ only 1 left; checkout will lower the quantity" in (card.text or "")
    assert "All 1 left" not in (card.text or "") and "Add to cart" not in screen(alice)

    await admin.send("/stock TRV-MUG 0")
    await admin.wait_for("→ 0")
    await alice.send("/start product_TRV-MUG")
    card = await alice.wait_for("⚠️ sold out; it will be removed at checkout")
    assert "Notify me" in screen(alice)


async def test_cart_plus_minus_remove_and_clear(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    for words in ("kettle", "fountain pen"):
        await alice.send(words)
        await alice.wait_for("Results")
        await alice.press(" · $")  # the first result
        await alice.press("Add to cart")
    await alice.send("cart")
    cart = await alice.wait_for("Your cart")
    assert "Total: $79.00" in (cart.text or "")
    await alice.press("➕")  # first line: the kettle
    assert "2 × $45.00 = $90.00" in shown(alice)
    await alice.press("➖")
    await alice.press("➖")  # back to zero: the line goes
    text = shown(alice)
    assert text.startswith("Removed Gooseneck Kettle 1L.")
    assert "× $45.00" not in text and "Total: $34.00" in text
    toast = await alice.press("✖")
    assert toast.text == "Removed Fountain Pen, Fine Nib."
    assert "Your cart is empty" in shown(alice)

    await alice.send("kettle")
    await alice.wait_for("Results")
    await alice.press("Gooseneck")
    await alice.press("Add to cart")
    await alice.send("/cart")
    await alice.wait_for("Your cart")
    await alice.press("Clear cart")
    assert "Your cart is empty" in shown(alice)
    assert "[🛍 Catalog]" in screen(alice)


async def test_checkout_reports_changes_and_asks_to_confirm(harness: ShopHarness) -> None:
    await _open_kitchen_mug(harness)
    alice = harness.user(1001, "Alice")
    await alice.press("➕")
    await alice.press("➕")
    await alice.press("Add to cart")  # 3 mugs at $16.00
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.price, mug.stock = 1800, 2
    await alice.send("checkout")
    changes = await alice.wait_for("Some things changed")
    assert "Stoneware Mug 350ml: the price changed from $16.00 to $18.00" in (changes.text or "")
    assert "only 2 left, quantity lowered from 3" in (changes.text or "")
    assert "2 × Stoneware Mug 350ml = $36.00" in (changes.text or "")
    await alice.press("Continue to checkout")
    summary = alice.last_message
    assert summary is not None and "Order summary" in (summary.text or "")
    assert summary.all_buttons[0].label == "💳 Pay $36.00"


async def test_a_price_raised_while_the_product_is_on_screen_is_not_added_silently(
    harness: ShopHarness,
) -> None:
    """The shopper taps "Add to cart · $16.00" after an admin raised the price to $18.00."""
    await _open_kitchen_mug(harness)
    alice = harness.user(1001, "Alice")
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.price = 1800
    await alice.press("Add to cart · $16.00")
    assert "its price has just changed from $16.00 to $18.00" in shown(alice)
    await alice.send("checkout")
    changes = await alice.wait_for("Some things changed")
    assert "the price changed from $16.00 to $18.00" in (changes.text or "")
    await alice.press("Continue to checkout")
    assert "Order summary" in shown(alice)


async def test_checkout_of_an_empty_cart_says_so(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("checkout")
    reply = await alice.wait_for("Your cart is empty")
    assert "add something first" in (reply.text or "")
    assert await conversation.state_of(harness.store, alice.user_id) == "cart"


async def test_restart_in_the_middle_keeps_cart_and_place(harness: ShopHarness) -> None:
    await _open_kitchen_mug(harness)
    alice = harness.user(1001, "Alice")
    await alice.press("Add to cart")
    product = alice.last_message
    assert product is not None
    await harness.restart()  # new Application and Shop, same database

    await alice.press("➕", message=product)  # the old message's buttons still work
    assert "[2 pc]" in screen(alice)
    assert await conversation.state_of(harness.store, alice.user_id) == "viewing"
    await alice.press("Back")
    assert "🛍 Kitchen" in shown(alice)
    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    assert "1 × $16.00 = $16.00" in (cart.text or "")


async def test_forged_stale_and_unknown_buttons_show_the_current_view(
    harness: ShopHarness,
) -> None:
    await _open_kitchen_mug(harness)
    alice = harness.user(1001, "Alice")
    product = alice.last_message
    assert product is not None
    for forged in ("garbage", "0:p:1:1", "1:p:x:1", "1:zz", "1:p:1"):
        answer = await alice.press_data(product, forged)
        assert answer.text == "This button has expired, here is the current view."
    assert "Stoneware Mug 350ml" in shown(alice)

    gone = await alice.press_data(product, "1:p:999999:1")  # well-formed, no such product
    assert gone.text == "Sorry, that product is no longer available."
    assert "🛍 Kitchen" in shown(alice)
    failed = [c for c in harness.standin.calls if not c.ok and c.method != "getUpdates"]
    assert not [c for c in failed if "answerCallbackQuery" in c.method]


async def test_a_deleted_message_gets_a_fresh_one(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/catalog")
    catalog = await alice.wait_for("Pick a category")
    catalog.deleted = True  # the shopper deleted it; its button is pressed from a stale client
    await alice.press_data(catalog, "1:cats")
    fresh = alice.last_message
    assert fresh is not None and fresh.message_id != catalog.message_id
    assert "Pick a category" in (fresh.text or "")


async def test_double_tap_is_not_an_error(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/catalog")
    catalog = await alice.wait_for("Pick a category")
    calls_before = len(harness.standin.calls)
    await alice.press_data(catalog, "1:cats")  # same content: "message is not modified"
    await alice.press_data(catalog, "1:cats")
    calls = harness.standin.calls[calls_before:]
    edits = [c for c in calls if c.method == "editMessageText"]
    assert edits and all("not modified" in str(c.result_or_error) for c in edits)
    assert not [c for c in calls if c.method == "sendMessage"]  # no new message for it
    assert alice.last_message is not None and alice.last_message.message_id == catalog.message_id


async def test_the_summary_mentions_shipping_only_for_physical_goods(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_DIG-GDE-BRW")
    await alice.wait_for("Home Brewing Guide")
    await alice.press("Add to cart")
    await alice.send("checkout")
    summary = await alice.wait_for("Order summary")
    assert "Shipping" not in (summary.text or "")

    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Stoneware Mug")
    await alice.press("Add to cart")
    await alice.send("checkout")
    summary = await alice.wait_for("Order summary")
    assert "Shipping address and method are chosen in the payment form." in (summary.text or "")


async def test_the_cart_warns_about_lines_that_changed_since_they_were_added(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    for sku in ("HOM-CSH-LIN", "KIT-MUG-CER"):
        await alice.send(f"/start product_{sku}")
        await alice.wait_for("Add to cart")
        await alice.press("➕")
        await alice.press("Add to cart")
    async with harness.store.uow() as uow:
        cushion = await uow.products.get_by_sku("HOM-CSH-LIN")
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert cushion is not None and mug is not None
        assert await uow.products.set_stock(cushion.id, 1)
        mug.is_active = False

    await alice.send("/cart")
    cart = await alice.wait_for("Your cart")
    text = cart.text or ""
    assert "⚠️ only 1 left; checkout will lower the quantity" in text
    assert "⚠️ no longer sold; it will be removed at checkout" in text
