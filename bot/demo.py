"""`python -m bot demo`: a scripted shopper buys from the real bot, offline, in seconds.

The Telegram side is played by the Bot API stand-in on loopback and the bot is the real
Application polling it (see bot/standin/harness.py), so the demo shows exactly what a shopper
would see in Telegram. Every step waits on what the chat shows, never on a clock; a step that
does not get its answer stops the demo with the step's name and a non-zero exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from bot.config import ConfigError
from bot.i18n import LANGUAGES, Translator, translator
from bot.logging_setup import configure_logging
from bot.money import STARS, format_money
from bot.services import promos
from bot.standin.harness import DEFAULT_CATALOG, TEST_TOKEN, ShopHarness
from bot.standin.models import Message, TranscriptEvent, render
from bot.standin.server import BotApiStandIn
from bot.standin.user import FakeUser
from bot.store.catalog_file import CatalogRow, load_file
from bot.store.order_states import OrderStatus
from bot.tax import TaxRateError, parse_rate

SHOPPER_ID, SHOPPER_NAME = 1001, "Alice"
ADMIN_ID, ADMIN_NAME = 9001, "Ada"
STAFF_ID, STAFF_NAME = 9003, "Sam"  # packs and ships (STAFF_IDS), in the sandbox
BOT_NAME = "Shop"
# Shaped like a BotFather test-mode provider token; the stand-in accepts any non-empty one.
DEMO_PROVIDER_TOKEN = "284685063:TEST:offline-demo"
STEP_TIMEOUT = 15.0
# The catalog items the script buys (data/catalog.json): two mugs, then a T-shirt in size M
# (a product sold as variants: the shopper picks the size on its card).
CATEGORY, PRODUCT, PRODUCT_SKU = "Kitchen", "Stoneware Mug", "KIT-MUG-CER"
SECOND_CATEGORY, SECOND_PRODUCT, SECOND_OPTION = "Merch", "Organic Tee", "M"
STARS_CATALOG = DEFAULT_CATALOG.with_name("catalog-stars.json")


@dataclass(frozen=True)
class DemoPlan:
    """Which shop the demo runs (catalog file, currency) and what the scripted shopper buys.

    The journey is the same for every shop; only the names it taps and the prices it
    expects to see come from here.
    """

    catalog_path: Path
    currency: str
    provider_token: str  # empty for Telegram Stars
    category: str
    product: str
    product_sku: str
    product_price: str  # as the product card shows it
    second_category: str
    second_product: str
    second_item: str  # how the step names it: "an Organic Tee in size M"
    second_option: str | None = None
    """An option value to pick on the second product's card (a variant: size "M")."""
    second_unit: tuple[str, str] | None = None
    """(what, cart total shown after it): the cart step takes a second unit of the product."""
    documents: int = 0
    """Digital items sent as documents right after the payment."""
    final_status: str = OrderStatus.PAID
    """Where the order ends: paid (goods to ship), or delivered (all digital, all sent)."""
    language: str = "en"
    """The shopper's Telegram language: the bot answers in it (en, ru, es)."""

    promo: str | None = None
    """A promo code the demo shop has (`/promo new` arguments); the shopper applies it from a
    newsletter link (/start promo_CODE)."""
    tips: tuple[int, ...] = ()
    """Card shops: the tips the payment form offers (the last is TIP_MAX); the shopper picks
    the first."""
    tax_rate_bp: int | None = None
    """TAX_RATE (`--tax 20`): its prices include VAT at this rate, which every order says."""

    @property
    def stars(self) -> bool:
        return self.currency == STARS

    @property
    def tr(self) -> Translator:
        return translator(self.language)

    def label(self, message: str) -> str:
        """A button's label in the shopper's language, up to its first placeholder: what the
        script looks for ("🛍 Add to cart · {price}" -> "🛍 Add to cart")."""
        text = self.tr._(message)
        return text.split("{", 1)[0].rstrip(" ·").strip()

    def in_language(self, language: str) -> DemoPlan:
        """The same purchase for a shopper who reads `language`: the names the catalog file
        gives in it, and prices as that language writes them."""
        if language == self.language:
            return self
        tr = translator(language)
        rows = load_file(self.catalog_path)

        def named(english: str) -> tuple[str, CatalogRow]:
            row = next(r for r in rows if r.title.startswith(english))
            return tr.name(row.title, row.translations), row

        def category(english: str) -> str:
            row = next(r for r in rows if r.category == english)
            return (row.category_translations or {}).get(language, english)

        product, first = named(self.product)
        second_product, _ = named(self.second_product)
        unit = None
        if self.second_unit is not None:
            unit = (self.second_unit[0], tr.money(first.price * 2, first.currency))
        return replace(
            self,
            language=language,
            category=category(self.category),
            product=product,
            product_price=tr.money(first.price, first.currency),
            second_category=category(self.second_category),
            second_product=second_product,
            second_item=second_product if language != "en" else self.second_item,
            second_unit=unit,
        )

    @property
    def promo_code(self) -> str | None:
        return self.promo.split()[0] if self.promo else None


USD_DEMO = DemoPlan(
    catalog_path=DEFAULT_CATALOG,
    currency="USD",
    provider_token=DEMO_PROVIDER_TOKEN,
    category=CATEGORY,
    product=PRODUCT,
    product_sku=PRODUCT_SKU,
    product_price="$16.00",
    second_category=SECOND_CATEGORY,
    second_product=SECOND_PRODUCT,
    second_item=f"an {SECOND_PRODUCT} in size {SECOND_OPTION}",
    second_option=SECOND_OPTION,
    second_unit=("mug", "$32.00"),
    promo="WELCOME10 10%",
    tips=(100, 200, 500),
)
# A Telegram Stars shop (data/catalog-stars.json): a guide and a template pack, ⭐ 150 in all.
STARS_DEMO = DemoPlan(
    catalog_path=STARS_CATALOG,
    currency=STARS,
    provider_token="",
    category="Guides",
    product="Espresso Dial-In Guide",
    product_sku="STR-GDE-ESP",
    product_price="⭐ 75",
    second_category="Templates",
    second_product="Café Menu Templates",
    second_item="the Café Menu Templates",
    documents=2,
    final_status=OrderStatus.DELIVERED,
)


def demo_settings(admin_id: int = ADMIN_ID, plan: DemoPlan = USD_DEMO) -> dict[str, Any]:
    """Settings overrides for an offline shop: a test provider or Stars, no Stripe calls,
    and the plan's tips."""
    return {
        "admin_ids": frozenset({admin_id}),
        "currency": plan.currency,
        "payment_provider_token": plan.provider_token,
        "stripe_api_key": "",
        "log_level": "WARNING",
        "tip_max": plan.tips[-1] if plan.tips else 0,
        "tip_suggested": plan.tips[:-1] if len(plan.tips) > 1 else (),
        "tax_rate_bp": plan.tax_rate_bp,
    }


def plan_of(*, stars: bool = False, language: str = "en", tax: str | None = None) -> DemoPlan:
    """The shop `demo` and `sandbox` run: a card or a Stars shop (`--stars`), the shopper's
    language (`--lang`), and `tax` (`--tax 20`: TAX_RATE, labelled VAT). ConfigError, one
    line, for what is no rate, or for a rate in a Stars shop, as start-up refuses TAX_RATE
    there."""
    plan = (STARS_DEMO if stars else USD_DEMO).in_language(language)
    if tax is None:
        return plan
    if stars:
        raise ConfigError(
            "--tax: a Stars shop (--stars) shows no tax, Telegram sells its goods; leave --tax out"
        )
    try:
        return replace(plan, tax_rate_bp=parse_rate(tax))
    except TaxRateError as exc:
        raise ConfigError(f"--tax: {exc}") from None


async def seed_promo(harness: ShopHarness, plan: DemoPlan) -> None:
    """The plan's promo code, in the demo shop's database (kept if it is there already)."""
    if plan.promo is None:
        return
    draft = promos.parse_new(plan.promo.split(), plan.currency)
    async with harness.store.uow() as uow:
        if await uow.promos.by_code(draft.code) is None:
            await uow.promos.add(draft.to_model())


DEMO_FAQ: tuple[dict[str, dict[str, str]], ...] = (
    {
        "en": {
            "question": "How long does shipping take, and what does it cost?",
            "answer": "We ship within 1-2 business days; delivery takes 3-5 days in the US "
            "and 7-14 days elsewhere. Shipping is free from $50, otherwise the price is shown "
            "at checkout. You get a tracking number as soon as your order ships.",
        },
        "ru": {
            "question": "Сколько идёт доставка и сколько она стоит?",
            "answer": "Мы отправляем заказ за 1-2 рабочих дня; доставка занимает 3-5 дней по "
            "США и 7-14 дней в другие страны. Доставка бесплатна от $50, иначе цена видна при "
            "оформлении. Трек-номер придёт, как только заказ отправят.",
        },
        "es": {
            "question": "¿Cuánto tarda el envío y cuánto cuesta?",
            "answer": "Enviamos en 1-2 días hábiles; la entrega tarda 3-5 días en EE. UU. y "
            "7-14 días en otros países. El envío es gratis desde $50; si no, el precio se ve "
            "al pagar. Recibes un número de seguimiento en cuanto sale tu pedido.",
        },
    },
    {
        "en": {
            "question": "Can I return something?",
            "answer": "Yes: within 30 days of delivery, unused and in its box. Open the order "
            "in /orders and tap ↩️ Return items; once we approve, the money goes back the way "
            "you paid.",
        },
        "ru": {
            "question": "Можно ли вернуть товар?",
            "answer": "Да: в течение 30 дней после доставки, неиспользованным и в упаковке. "
            "Откройте заказ в /orders и нажмите ↩️ Вернуть товары; после одобрения деньги "
            "вернутся тем же способом, которым вы платили.",
        },
        "es": {
            "question": "¿Puedo devolver un producto?",
            "answer": "Sí: dentro de los 30 días siguientes a la entrega, sin usar y en su "
            "caja. Abre el pedido en /orders y pulsa ↩️ Devolver artículos; al aprobarla, el "
            "dinero vuelve por el mismo medio de pago.",
        },
    },
    {
        "en": {
            "question": "How can I pay?",
            "answer": "By card right here in Telegram (the payment form opens when you tap "
            "Pay), with a gift card code at checkout, or both. Your card details go to the "
            "payment provider, never to the shop.",
        },
        "ru": {
            "question": "Как можно оплатить?",
            "answer": "Картой прямо в Telegram (форма оплаты открывается по кнопке Оплатить), "
            "кодом подарочной карты при оформлении или и тем и другим. Данные карты получает "
            "платёжный провайдер, а не магазин.",
        },
        "es": {
            "question": "¿Cómo puedo pagar?",
            "answer": "Con tarjeta aquí mismo en Telegram (el formulario de pago se abre al "
            "pulsar Pagar), con el código de una tarjeta regalo al pagar, o con ambos. Los "
            "datos de tu tarjeta van al proveedor de pagos, nunca a la tienda.",
        },
    },
)


async def seed_faq(harness: ShopHarness) -> None:
    """The demo shop's answers to common questions (shipping, returns, payment), written in
    its language with versions in the others; a shop that has some keeps its own."""
    shop = harness.shop
    assert shop is not None, "the harness is not running"
    written = shop.settings.default_language
    async with shop.store.uow() as uow:
        if await uow.faq.list_all():
            return
        for versions in DEMO_FAQ:
            entry = await uow.faq.add(**versions[written])
            entry.translations = {lang: v for lang, v in versions.items() if lang != written}
    shop.faq.changed()


def database_url(db_path: Path | None, workdir: Path) -> str:
    """The SQLite URL for `--db PATH`, or a throwaway database in `workdir`."""
    path = db_path.expanduser().resolve() if db_path is not None else workdir / "demo.db"
    return f"sqlite+aiosqlite:///{path}"


# ---------------------------------------------------------------------- the transcript

_USER_ACTIONS = {
    "pressed": "{who} taps {text}",
    "sent photo": "{who} sends a photo {text}",
    "sent document": "{who} sends the file {text}",
    "entered shipping address": "{who} enters a shipping address in {text}",
    "chose shipping": "{who} chooses shipping: {text}",
    "added a tip": "{who} adds a tip of {text}",
    "confirmed payment": "{who} confirms the payment of {text}",
    "paid": "{who} pays {text} 💳",
}
_BOT_ACTIONS = {
    "toast": "{who} (pop-up): {text}",
    "alert": "{who} (alert): {text}",
    "offered shipping": "{who} offers shipping: {text}",
    "accepted payment": "{who} accepts the payment (pre-checkout check passed)",
    "declined payment": "{who} declines the payment: {text}",
}


def format_event(event: TranscriptEvent, user_name: str, bot_name: str = BOT_NAME) -> str:
    """One transcript entry as readable lines: "Alice: /start", bot replies with [buttons]."""
    body = event.text.replace("\n", "\n    ")
    if event.actor == "user":
        who = user_name
        if event.action in ("sent", ""):
            return f"{who}: {body}"
        template = _USER_ACTIONS.get(event.action, "{who} {action}: {text}")
    else:
        who = bot_name
        if event.action in ("sent", ""):
            return f"{who}: {body}"
        if event.action == "edited":
            return f"{who} edits message #{event.message_id} ✎\n    {body}"
        if event.action == "deleted":
            return f"{who} deletes message #{event.message_id}"
        template = _BOT_ACTIONS.get(event.action, "{who} {action}: {text}")
    return template.format(who=who, action=event.action, text=body).rstrip(": ")


class TranscriptPrinter:
    """Prints a chat's new transcript entries each time it is flushed."""

    def __init__(self, out: TextIO, user: FakeUser, name: str, prefix: str = "") -> None:
        self.out = out
        self.user = user
        self.name = name
        self.prefix = prefix
        self.printed = 0

    def flush(self) -> None:
        events = self.user.transcript
        indent = "\n" + " " * len(self.prefix)
        for event in events[self.printed :]:
            text = format_event(event, self.name)
            print(self.prefix + text.replace("\n", indent), file=self.out)
        self.printed = len(events)
        self.out.flush()


# ---------------------------------------------------------------------- the script


class StepFailed(Exception):
    """A demo step did not get the answer it waits for."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"step {step!r} failed: {reason}")
        self.step = step
        self.reason = reason


@dataclass(frozen=True)
class DemoResult:
    """What the demo proved, for the summary line and the tests."""

    order_id: int
    order_status: str
    total: str
    sku: str
    stock_before: int
    stock_after: int
    messages: int
    seconds: float

    def summary(self) -> str:
        return (
            f"Demo finished: order #{self.order_id} {self.order_status}, {self.total}, "
            f"stock of {self.sku} {self.stock_before} → {self.stock_after}, "
            f"{self.messages} messages, {self.seconds:.1f} s"
        )


Step = tuple[str, Callable[[], Awaitable[None]]]


class ShopperScript:
    """The scripted shopper: each step acts, waits for the bot to go quiet, checks the chat."""

    def __init__(self, harness: ShopHarness, shopper: FakeUser, plan: DemoPlan = USD_DEMO) -> None:
        self.h = harness
        self.shopper = shopper
        self.plan = plan
        self._mark = 0

    # -- building blocks ------------------------------------------------------------

    async def settle(self) -> None:
        """Wait until the bot has handled everything sent so far."""
        await self.h.until_idle(STEP_TIMEOUT)

    def changed(self) -> list[Message]:
        """Bot messages sent or edited since the current step began."""
        return [m for m in self.shopper.messages if m.revision > self._mark]

    def begin(self) -> None:
        self._mark = self.h.standin.revision

    async def send(self, text: str) -> None:
        await self.shopper.send(text)
        await self.settle()

    async def tap(self, *labels: str, message: Message | None = None) -> None:
        """Press the first button whose label contains one of `labels` (in that order)."""
        for label in labels:
            try:
                self.shopper.find_button(label, message)
            except LookupError:
                continue
            await self.shopper.press(label, message=message, timeout=STEP_TIMEOUT)
            await self.settle()
            return
        self.shopper.find_button(labels[0], message)  # raises, listing the visible buttons

    def has_button(self, label: str) -> bool:
        try:
            self.shopper.find_button(label)
        except LookupError:
            return False
        return True

    def expect(self, *needles: str) -> Message:
        """A message changed in this step shows every needle (case-insensitive)."""
        wanted = [n.lower() for n in needles]
        for message in reversed(self.changed()):
            shown = render(message).lower()
            if all(n in shown for n in wanted):
                return message
        shown = "\n---\n".join(render(m) for m in self.changed()[-3:]) or "(nothing)"
        raise AssertionError(
            f"expected a bot message showing {list(needles)}; the bot showed:\n{shown}"
        )

    def expect_reply(self) -> None:
        if not self.changed():
            raise AssertionError("the bot did not answer")

    # -- the journey ----------------------------------------------------------------

    def steps(self) -> list[Step]:
        plan = self.plan
        cart = f"view the cart and take a second {plan.second_unit[0]}" if plan.second_unit else ""
        code = [(f"open a newsletter link with the code {plan.promo_code}", self.apply_code)]
        return [
            ("say hello with /start", self.say_hello),
            *(code if plan.promo_code else []),
            (f"browse the {plan.category} category", self.browse_category),
            (f"open the {plan.product}", self.open_product),
            (f"add the {plan.product} to the cart", self.add_product),
            (f"add {plan.second_item} too", self.add_second_product),
            (cart or "view the cart", self.change_quantity),
            ("check out", self.checkout),
            ("pay the invoice", self.pay),
            ("list my orders with /orders", self.list_orders),
        ]

    async def say_hello(self) -> None:
        await self.send("/start")
        self.expect_reply()

    async def apply_code(self) -> None:
        await self.send(f"/start promo_{self.plan.promo_code}")
        saved = self.plan.tr._(
            "🏷 Code {code} is saved: {label}. It comes off at checkout.",
            code=self.plan.promo_code,
            label="",
        )
        self.expect(saved.split(":")[0])

    async def open_catalog(self) -> None:
        catalog = self.plan.label("🛍 Catalog")
        if self.has_button(catalog):
            await self.tap(catalog)
        else:
            await self.send("/catalog")
        self.expect(self.plan.category)

    async def browse_category(self) -> None:
        await self.open_catalog()
        self.begin()
        await self.tap(self.plan.category)
        self.expect(self.plan.product)

    async def open_product(self) -> None:
        await self.tap(self.plan.product)
        product = self.expect(self.plan.product, self.plan.product_price)
        if product.photo is None:
            raise AssertionError("the product view has no photo")

    async def add_product(self) -> None:
        await self.tap(self.plan.label("🛍 Add to cart · {price}"))
        self.expect_reply_or_toast()

    def expect_reply_or_toast(self) -> None:
        if not self.changed() and not any(
            e.action in ("toast", "alert") for e in self.shopper.transcript[-2:]
        ):
            raise AssertionError("the bot did not confirm")

    async def add_second_product(self) -> None:
        await self.send("/catalog")
        self.begin()
        await self.tap(self.plan.second_category)
        self.begin()
        await self.tap(self.plan.second_product)
        self.expect(self.plan.second_product)
        if self.plan.second_option:
            self.begin()
            await self.tap(self.plan.second_option)
            self.expect(f"{self.plan.second_option} / ")  # the chosen variant: "M / Oat"
        self.begin()
        await self.tap(self.plan.label("🛍 Add to cart · {price}"))
        self.expect_reply_or_toast()

    async def tap_in_row(self, message: Message, row_label: str, *labels: str) -> None:
        """Press a button in the keyboard row that mentions `row_label` (e.g. a cart line)."""
        for row in message.buttons:
            if any(row_label in button.label for button in row):
                for label in labels:
                    button = next((b for b in row if label in b.label), None)
                    if button is not None:
                        await self.shopper.press_button(message, button, timeout=STEP_TIMEOUT)
                        await self.settle()
                        return
        shown = "\n".join(" ".join(f"[{b.label}]" for b in row) for row in message.buttons)
        raise LookupError(f"no {list(labels)} button in the row of {row_label!r}:\n{shown}")

    async def change_quantity(self) -> None:
        await self.send("/cart")
        cart = self.expect(self.plan.product, self.plan.second_product)
        if self.plan.second_unit is None:
            return
        self.begin()
        # The cart's line buttons shorten long titles: the title's start finds the row.
        await self.tap_in_row(cart, self.plan.product[:12], "➕", "+")
        self.expect(self.plan.second_unit[1])

    async def checkout(self) -> None:
        await self.tap(self.plan.label("✅ Checkout · {total}"))
        if self.plan.promo_code:
            self.expect(self.plan.tr._("Discount ({code})", code=self.plan.promo_code))
        if self.last_invoice() is None:
            self.begin()
            await self.tap(self.plan.label("💳 Pay {total}"))
        message = self.last_invoice()
        if message is None or message.invoice is None:
            raise AssertionError("no invoice arrived after Checkout and Pay")
        self.check_invoice(message.invoice)

    def check_invoice(self, invoice: dict[str, Any]) -> None:
        """The invoice is in the shop's currency; a Stars one has one price and no shipping."""
        if invoice.get("currency") != self.plan.currency:
            raise AssertionError(f"the invoice is in {invoice.get('currency')}, not in the shop's")
        if not self.plan.stars:
            return
        prices = invoice.get("prices") or []
        if len(prices) != 1:
            raise AssertionError(f"a Stars invoice must have one price, this one has {prices}")
        if invoice.get("need_shipping_address") or invoice.get("is_flexible"):
            raise AssertionError("a Stars invoice must not ask for a shipping address")

    def last_invoice(self) -> Message | None:
        return next((m for m in reversed(self.changed()) if m.invoice is not None), None)

    async def pay(self) -> None:
        tip = self.plan.tips[0] if self.plan.tips else 0
        result = await self.shopper.pay(timeout=STEP_TIMEOUT, tip_amount=tip)
        if not result.ok:
            raise AssertionError(f"payment refused at {result.stage}: {result.error_message}")
        await self.settle()
        receipt = self.plan.label("Order #{order_id}")
        self.expect(receipt, self.plan.label("Tip: {amount}")) if self.plan.tips else self.expect(
            receipt
        )
        documents = [m for m in self.changed() if m.document is not None]
        if len(documents) != self.plan.documents:
            raise AssertionError(
                f"expected {self.plan.documents} document(s) after paying, got {len(documents)}"
            )

    async def list_orders(self) -> None:
        await self.send("/orders")
        self.expect("#")

    async def run(self, steps: Sequence[Step], printers: Sequence[TranscriptPrinter]) -> None:
        out = printers[0].out
        for number, (name, action) in enumerate(steps, start=1):
            print(f"\n── {number}. {name}", file=out)
            self.begin()
            try:
                async with asyncio.timeout(STEP_TIMEOUT * 2):
                    await action()
            except (AssertionError, LookupError, TimeoutError) as exc:
                for printer in printers:
                    printer.flush()
                raise StepFailed(name, str(exc) or type(exc).__name__) from None
            for printer in printers:
                printer.flush()


async def _stock(harness: ShopHarness, sku: str) -> int:
    async with harness.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        if product is None:
            raise StepFailed("read the stock", f"{sku} is not in the catalog")
        return product.stock


async def _latest_order(harness: ShopHarness, telegram_id: int) -> tuple[int, str, str]:
    async with harness.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        orders = await uow.orders.list_for_customer(customer.id, limit=1) if customer else []
        if not orders:
            raise StepFailed("find the order", "the shopper has no order in the database")
        order = orders[0]
        return order.id, order.status, format_money(order.total, order.currency)


@contextlib.asynccontextmanager
async def demo_shop(
    workdir: Path,
    plan: DemoPlan = USD_DEMO,
    *,
    db_path: Path | None = None,
    catalog_path: Path | None = None,
) -> AsyncIterator[ShopHarness]:
    """The plan's shop running against a fresh stand-in, where the shopper and admin have chats."""
    async with BotApiStandIn() as standin:
        # Both have opened a chat with the bot before, so the admin gets the admin menu.
        standin.user(SHOPPER_ID, SHOPPER_NAME, language_code=plan.language)
        standin.user(ADMIN_ID, ADMIN_NAME)
        async with contextlib.AsyncExitStack() as stack:
            harness = ShopHarness(
                workdir,
                database_url=database_url(db_path, workdir),
                catalog_path=catalog_path or plan.catalog_path,
                standin=standin,
                **demo_settings(plan=plan),
            )
            try:
                await stack.enter_async_context(harness)
                await seed_promo(harness, plan)
                await seed_faq(harness)
            except Exception as exc:
                raise StepFailed("start the shop", f"{type(exc).__name__}: {exc}") from exc
            yield harness


async def play_journey(harness: ShopHarness, out: TextIO, plan: DemoPlan = USD_DEMO) -> DemoResult:
    """The scripted purchase in a running demo shop; StepFailed if a step fails."""
    started = time.perf_counter()
    shopper = harness.user(SHOPPER_ID, SHOPPER_NAME)
    admin = harness.user(ADMIN_ID, ADMIN_NAME)
    paying = ", paying in Telegram Stars" if plan.stars else ""
    print(
        f"{SHOPPER_NAME} shops in a chat with the bot{paying}. Telegram is played by a local "
        "stand-in; the bot, its database and the payment flow are real.",
        file=out,
    )
    stock_before = await _stock(harness, plan.product_sku)
    script = ShopperScript(harness, shopper, plan)
    printers = [
        TranscriptPrinter(out, shopper, SHOPPER_NAME),
        TranscriptPrinter(out, admin, ADMIN_NAME, prefix=f"  [to {ADMIN_NAME}] "),
    ]
    await script.run(script.steps(), printers)
    order_id, status, total = await _latest_order(harness, SHOPPER_ID)
    if status != plan.final_status:
        raise StepFailed(
            "check the order", f"order #{order_id} is {status}, not {plan.final_status}"
        )
    stock_after = await _stock(harness, plan.product_sku)
    return DemoResult(
        order_id=order_id,
        order_status=status,
        total=total,
        sku=plan.product_sku,
        stock_before=stock_before,
        stock_after=stock_after,
        messages=len(shopper.chat.messages),
        seconds=time.perf_counter() - started,
    )


async def run_demo(
    out: TextIO,
    *,
    db_path: Path | None = None,
    catalog_path: Path | None = None,
    plan: DemoPlan = USD_DEMO,
) -> DemoResult:
    """Start the shop, play the whole journey printing the transcript to `out`, stop."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="shopbot-demo-") as tmp:
        async with demo_shop(
            Path(tmp), plan, db_path=db_path, catalog_path=catalog_path
        ) as harness:
            result = await play_journey(harness, out, plan)
    return replace(result, seconds=time.perf_counter() - started)


def quiet_logging() -> None:
    """Only problems reach stderr, so the transcript on stdout stays readable."""
    configure_logging("WARNING", [TEST_TOKEN])
    # transitions warns about every trigger name the chat model defines itself (by design).
    logging.getLogger("transitions").setLevel(logging.ERROR)


def main(
    db_path: Path | None = None,
    out: TextIO | None = None,
    catalog_path: Path | None = None,
    *,
    stars: bool = False,
    language: str = "en",
    tax: str | None = None,
) -> int:
    """The `demo` command (`--stars`: a Telegram Stars shop; `--lang ru`: the shopper reads
    Russian; `--tax 20`: prices include 20% VAT): 0 when the order was paid and stock went
    down, else 1 (ConfigError for a `--tax` that cannot be: `plan_of`)."""
    stream = out or sys.stdout
    if language not in LANGUAGES:
        print(f"--lang: one of {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    plan = plan_of(stars=stars, language=language, tax=tax)
    quiet_logging()
    try:
        result = asyncio.run(
            run_demo(stream, db_path=db_path, catalog_path=catalog_path, plan=plan)
        )
    except StepFailed as exc:
        print(f"\nDemo failed at step {exc.step!r}: {exc.reason}", file=sys.stderr)
        return 1
    print("\n" + result.summary(), file=stream)
    if result.stock_after >= result.stock_before:
        print(f"Demo failed: the stock of {result.sku} did not go down", file=sys.stderr)
        return 1
    return 0
