"""Reading what the shopper sees, for the shopper end-to-end tests."""

from __future__ import annotations

from sqlalchemy import func, select, update

from bot.services.favourites import MOST_SAVED
from bot.services.sellable import unit_of
from bot.standin.harness import ShopHarness
from bot.standin.models import Message, render
from bot.standin.user import FakeUser
from bot.store.models import Favourite, Order, OrderLine, Product


def shown(user: FakeUser) -> str:
    """The text (or caption) of the bot's newest message."""
    message = user.last_message
    return (message.text or "") if message is not None else ""


def screen(user: FakeUser) -> str:
    """The bot's newest message rendered with its buttons as [labels]."""
    message = user.last_message
    return render(message) if message is not None else ""


async def add_to_cart(user: FakeUser, sku: str) -> None:
    """Open a product by its deep link and add one to the cart."""
    await user.send(f"/start product_{sku}")
    await user.wait_for("Add to cart")
    await user.press("Add to cart")


async def open_order_summary(user: FakeUser) -> None:
    """From anywhere: the cart, then Checkout, until the verified summary shows."""
    await user.send("/cart")
    await user.wait_for("Your cart")
    await user.press("Checkout")
    await user.wait_for("Order summary", include_existing=True)


async def open_invoice(user: FakeUser, *skus: str) -> Message:
    """One of each product into the cart, check out, press Pay: the invoice message."""
    for sku in skus:
        await add_to_cart(user, sku)
    await open_order_summary(user)
    await user.press("Pay")
    return await user.wait_for(lambda m: m.invoice is not None, include_existing=True)


async def paid_order(harness: ShopHarness, user: FakeUser, *skus: str) -> int:
    """One of each product bought and paid through the chat, receipt shown: the order's id."""
    await open_invoice(user, *skus)
    assert (await user.pay()).ok
    await user.wait_for("Payment received")
    return await newest_order(harness)


async def newest_order(harness: ShopHarness) -> int:
    async with harness.store.uow() as uow:
        found = await uow.session.scalar(select(func.max(Order.id)))
    assert found is not None
    return int(found)


async def open_order(shopper: FakeUser, order_id: int) -> None:
    """/orders, then that order (its button, "#7 · ...", in any language)."""
    await shopper.send("/orders")
    await shopper.wait_for(f"#{order_id} ")
    await shopper.press(f"#{order_id} ")


async def cancel_in_chat(shopper: FakeUser, order_id: int) -> None:
    """/orders, that order, ✖️ Cancel order, and Yes to its question."""
    await open_order(shopper, order_id)
    await shopper.press("✖️ Cancel order")
    await shopper.press("Yes, cancel it")


async def past_order(
    harness: ShopHarness, telegram_id: int, lines: dict[str, int], status: str = "delivered"
) -> int:
    """An order of `lines` (SKU: units) at the catalog's prices, made in the database as if
    bought earlier (a variant's SKU buys that variant); its id."""
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        order_lines = []
        for sku, quantity in lines.items():
            product = await uow.products.get_by_sku(sku)
            variant = None if product else await uow.products.find_variant_by_sku(sku)
            if variant is not None:
                product = await uow.products.get(variant.product_id)
            assert product is not None
            unit = unit_of(product, variant)
            order_lines.append(
                OrderLine(
                    product_id=product.id,
                    variant_id=unit.variant_id,
                    sku=unit.sku,
                    title=unit.title,
                    unit_price=unit.price,
                    currency=unit.currency,
                    quantity=quantity,
                )
            )
        total = sum(line.line_total for line in order_lines)
        order = Order(
            customer_id=customer.id,
            status=status,
            currency="USD",
            items_total=total,
            total=total,
            lines=order_lines,
        )
        return (await uow.orders.add(order)).id


async def collected_at(harness: ShopHarness, order_id: int, option: str, place: str | None) -> None:
    """The order, paid to be collected at the pickup point `option` ("pickup:1"), keeping
    `place` (Order.pickup_place; None: it kept no words of the place)."""
    async with harness.store.uow() as uow:
        await uow.session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(needs_shipping=True, shipping_option=option, pickup_place=place)
        )


async def save_the_most(harness: ShopHarness, telegram_id: int, *, but: str) -> None:
    """The shopper has saved as many products as one may (MOST_SAVED), all but `but` (a
    SKU), made up where the seed catalog is smaller."""
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        kept = await uow.products.get_by_sku(but)
        assert kept is not None
        others = await uow.session.scalars(
            select(Product.id).where(Product.id != kept.id).order_by(Product.id)
        )
        ids = list(others)
        while len(ids) < MOST_SAVED:  # the seed catalog is smaller: make up the rest
            product = Product(
                sku=f"FILL-{len(ids)}",
                title=f"Filler {len(ids)}",
                category_id=kept.category_id,
                price=100,
                currency="USD",
            )
            uow.session.add(product)
            await uow.session.flush()
            ids.append(product.id)
        uow.session.add_all(
            Favourite(customer_id=customer.id, product_id=i) for i in ids[:MOST_SAVED]
        )
