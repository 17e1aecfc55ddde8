"""Payment fixtures: a shop on each database, products, carts, and a real localstripe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import stripe
from aiohttp import web

from bot.config import Settings
from bot.payments.stripe_gateway import StripeGateway
from bot.services import checkout
from bot.services.checkout import PlacedOrder, ReleasedHold
from bot.shop import Shop
from bot.standin import BotApiStandIn
from bot.standin.card_provider import API_KEY, charge_card, stripe_client
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from bot.store.uow import Store
from bot.usecases.payments import IncomingPayment, PaymentOutcome, record_payment
from tests.conftest import add_product as shared_add_product

STRIPE_KEY = API_KEY
ADMIN_ID = 9001
ADDRESS = {
    "country_code": "US",
    "state": "NY",
    "city": "New York",
    "street_line1": "1 Main St",
    "street_line2": "",
    "post_code": "10001",
}


@dataclass
class StripeTestAccount:
    """Creates real charges on localstripe, the way Stripe would after the payment form."""

    client: stripe.StripeClient

    async def charge(self, amount: int, currency: str = "USD") -> str:
        return await charge_card(self.client, amount, currency)

    async def charge_info(self, charge_id: str) -> Any:
        return await self.client.v1.charges.retrieve_async(charge_id)

    async def refunds_of(self, charge_id: str) -> list[int]:
        """The amounts of the refunds Stripe made of the charge: one per refund made."""
        listed = await self.client.v1.refunds.list_async(params={"charge": charge_id})
        return sorted(int(refund.amount) for refund in listed.data)


@pytest.fixture
def stripe_account(localstripe: str) -> StripeTestAccount:
    return StripeTestAccount(stripe_client(localstripe))


UNREACHABLE_STRIPE = "http://127.0.0.1:9"  # nothing listens there: Stripe is down


@pytest.fixture
async def answers_lost(localstripe: str) -> AsyncIterator[str]:
    """A Stripe whose answers are lost: each request reaches localstripe and is made there,
    then the caller gets 502 Bad Gateway instead of the answer (as when the connection drops
    after Stripe acted). Its base URL."""
    async with aiohttp.ClientSession() as upstream:

        async def forward_then_lose(request: web.Request) -> web.Response:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
            async with upstream.request(
                request.method,
                localstripe + request.rel_url.path_qs,
                headers=headers,
                data=await request.read(),
            ) as made:
                await made.read()
            return web.Response(status=502, text="the answer was lost")

        app = web.Application()
        app.router.add_route("*", "/{path:.*}", forward_then_lose)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await runner.cleanup()


def stripe_harness(
    tmp_path: Path, standin: BotApiStandIn | None, stripe_base: str, **settings: Any
) -> ShopHarness:
    """An empty card shop, Ada its admin (unless `admin_ids` says otherwise), whose charges
    are checked and refunded at `stripe_base` (localstripe); each story adds its products."""
    return ShopHarness(
        tmp_path,
        standin=standin,
        seed=False,
        payment_provider_token="TEST:provider",
        stripe_api_key=STRIPE_KEY,
        stripe_api_base=stripe_base,
        **{"admin_ids": frozenset({ADMIN_ID}), **settings},
    )


@asynccontextmanager
async def card_shop(
    tmp_path: Path, stripe_base: str, **settings: Any
) -> AsyncIterator[ShopHarness]:
    """`stripe_harness` on a stand-in of its own, where Ada, its admin, has a chat (to be
    alerted in)."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with stripe_harness(tmp_path, standin, stripe_base, **settings) as harness:
            yield harness


def stars_harness(tmp_path: Path, **settings: Any) -> ShopHarness:
    """An empty Telegram Stars shop, Ada its admin; each story adds its products."""
    return ShopHarness(
        tmp_path,
        seed=False,
        currency="XTR",
        payment_provider_token="",
        admin_ids=frozenset({ADMIN_ID}),
        **settings,
    )


def make_settings(**overrides: Any) -> Settings:
    base = Settings(
        bot_token="123456:TEST-TOKEN",
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
    )
    return replace(base, **overrides)


@pytest.fixture
async def shop(store: Store) -> AsyncIterator[Shop]:
    """A USD shop (Stripe mode, no STRIPE_API_KEY) on each database."""
    yield Shop(settings=make_settings(), store=store)


@pytest.fixture
async def stripe_shop(store: Store, localstripe: str) -> AsyncIterator[Shop]:
    """A USD shop that checks charges and refunds through localstripe."""
    settings = make_settings(stripe_api_key=STRIPE_KEY, stripe_api_base=localstripe)
    shop = Shop(settings=settings, store=store, stripe=StripeGateway.from_settings(settings))
    try:
        yield shop
    finally:
        assert shop.stripe is not None
        await shop.stripe.close()


@pytest.fixture
async def stars_shop(store: Store) -> AsyncIterator[Shop]:
    yield Shop(settings=make_settings(currency="XTR", payment_provider_token=""), store=store)


async def add_product(
    shop: Shop,
    sku: str = "MUG",
    *,
    price: int = 1600,
    stock: int = 10,
    currency: str = "USD",
    digital: bool = False,
    title: str | None = None,
) -> int:
    return await shared_add_product(
        shop.store,
        sku,
        price=price,
        stock=stock,
        currency=currency,
        title=title or f"{sku.title()} item",
        photo="https://example.com/mug.png",
        digital=digital,
    )


async def fill_cart(shop: Shop, telegram_id: int, quantities: dict[int, int]) -> None:
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id, first_name=f"User{telegram_id}")
        cart = await uow.carts.get_for_customer(customer.id)
        for product_id, quantity in quantities.items():
            await uow.carts.set_quantity(cart, product_id, quantity)


async def place_order(shop: Shop, *, telegram_id: int, now: datetime | None = None) -> PlacedOrder:
    """Check out the customer's cart as the chat's Pay button does, without the chat."""
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        return await checkout.place_order(
            uow, customer.id, telegram_id, shop.settings, now or utcnow()
        )


async def mark_invoice_sent(shop: Shop, order_id: int, message_id: int) -> None:
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        assert order is not None
        order.invoice_message_id = message_id


async def cancel_open_invoices(shop: Shop, *, telegram_id: int) -> list[ReleasedHold]:
    """The shopper's /cancel, without the chat."""
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            return []
        why = "cancelled by the shopper"
        return await checkout.release_open_holds(uow, customer.id, telegram_id, why, "shopper")


async def expire_holds(shop: Shop, *, now: datetime | None = None) -> list[ReleasedHold]:
    """The expiry job's bookkeeping, without its messages."""
    async with shop.store.uow() as uow:
        return await checkout.release_expired_holds(uow, now or utcnow())


async def stock_of(shop: Shop, product_id: int) -> tuple[int, int]:
    """(stock, reserved) as the database holds them."""
    async with shop.store.uow() as uow:
        product = await uow.products.get(product_id)
        assert product is not None
        return product.stock, product.reserved


def incoming_for(
    shop: Shop,
    placed: PlacedOrder,
    *,
    charge: str,
    user_id: int | None = None,
    provider_charge: str = "",
    shipping: str | None = "standard",
    total: int | None = None,
    payload: str | None = None,
) -> IncomingPayment:
    """The successful_payment Telegram would send for this order (standard shipping)."""
    from bot.payments.invoice import build_invoice
    from bot.payments.shipping import shipping_price

    order = placed.order
    invoice = build_invoice(order, shop.settings)
    amount = order.total
    if order.needs_shipping and shipping:
        amount += shipping_price(
            shop.settings, option_id=shipping, goods_total=order.total, country_code="US"
        ).price
    return IncomingPayment(
        user_id=user_id if user_id is not None else order.customer_telegram_id,
        payload=payload if payload is not None else invoice.payload,
        currency=order.currency,
        total_amount=total if total is not None else amount,
        telegram_payment_charge_id=charge,
        provider_payment_charge_id=provider_charge,
        shipping_option_id=shipping if order.needs_shipping else None,
        shipping_address=dict(ADDRESS) if order.needs_shipping else None,
    )


async def pay(
    shop: Shop, placed: PlacedOrder, *, now: datetime | None = None, **kwargs: Any
) -> PaymentOutcome:
    kwargs.setdefault("charge", f"tg-{placed.order.order_id}")
    return await record_payment(shop, incoming_for(shop, placed, **kwargs), now=now)


class FakeStarsBot:
    """Stands in for telegram.Bot in service tests: records refundStarPayment calls."""

    def __init__(self) -> None:
        self.star_refunds: list[tuple[int, str]] = []

    async def refund_star_payment(self, user_id: int, telegram_payment_charge_id: str) -> bool:
        self.star_refunds.append((user_id, telegram_payment_charge_id))
        return True
