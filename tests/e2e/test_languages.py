"""The shop in Russian and Spanish: the language is the shopper's, chosen or from Telegram."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.conversation import journey
from bot.handlers.errors import SORRY
from bot.handlers.fallback import UNREADABLE
from bot.handlers.gate import EDIT_IGNORED
from bot.i18n import catalog_path, translator
from bot.services.errors import OutOfStock, Shortage
from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Order, OrderLine
from bot.usecases import restock
from tests.conftest import seeded_shop_in
from tests.e2e.test_unusual_input import STICKER

# English words of the catalogs' texts (msgids): none may show in a Russian or Spanish reply.
# Product data (titles from the catalog file) is not among them.
ALLOWED = {"SKU", "UTC", "CSV", "Telegram", "Stars"}


def _english_words() -> set[str]:
    template = catalog_path("en").parent.parent.parent / "messages.pot"
    with Path(template).open("rb") as file:
        ids = [m.id for m in read_po(file) if m.id]
    words: set[str] = set()
    for msgid in ids:
        for text in msgid if isinstance(msgid, tuple) else (msgid,):
            text = re.sub(r"\{\w+\}|<[^>]+>|/\w+", " ", text)
            words |= {w for w in re.findall(r"[A-Za-z]{4,}", text)}
    return words - ALLOWED


ENGLISH = _english_words()


def _english_in(user: FakeUser, language: str) -> set[str]:
    """English words of the catalogs in what the bot wrote: texts, captions, buttons and the
    invoice's title and description (commands such as /orders aside)."""
    parts: list[str] = []
    for m in user.messages:
        parts += [m.text or ""] + [b.label for b in m.all_buttons]
        if m.invoice is not None:
            parts += [str(m.invoice.get("title")), str(m.invoice.get("description"))]
    said = re.sub(r"/\w+", " ", "\n".join(parts))
    same = {"es": {"Total"}}.get(language, set())  # spelt alike in Spanish
    return {w for w in re.findall(r"[A-Za-z]{4,}", said) if w in ENGLISH - same}


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("ru", ("Каталог", "Кухня", "Кружка", "В корзину", "Корзина (2)", "Оформить", "Оплатить")),
        (
            "es",
            ("Catálogo", "Cocina", "Taza", "Añadir al carrito", "Carrito (2)", "Pagar ·", "Pagar "),
        ),
    ],
)
async def test_the_whole_purchase_in_another_language_has_no_english_left(
    harness: ShopHarness, language: str, labels: tuple[str, ...]
) -> None:
    catalog, kitchen, mug, add, cart, checkout, pay = labels
    alice = harness.user(1201, "Alice", language_code=language)
    await alice.send("/start")
    await alice.wait_for("Alice")
    await alice.press(catalog)
    await alice.press(kitchen)
    await alice.press(mug)
    await alice.press("➕")
    await alice.press(add)
    await alice.press(cart)
    await alice.press(checkout)
    await alice.press(pay)
    await alice.wait_for(lambda m: m.invoice is not None)
    await alice.pay()
    receipt = await alice.wait_for("✅")
    assert ("Оплата получена" if language == "ru" else "Pago recibido") in (receipt.text or "")
    await alice.send("/orders")
    await alice.wait_for("📦")
    assert _english_in(alice, language) == set()
    if language == "es":  # nor Russian: "Envío (estándar)", never "Envío (стандартная)"
        assert not any(re.search("[а-яА-Я]", m.text or "") for m in alice.messages)


async def test_an_unknown_telegram_language_gets_the_shops_default(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, default_language="es") as h:
        bob = h.user(1301, "Bob", language_code="pt-BR")
        await bob.send("/start")
        assert "Bienvenido a la tienda, Bob" in ((await bob.wait_for("Bob")).text or "")
        carla = h.user(1302, "Carla", language_code="ru")
        await carla.send("/start")
        await carla.wait_for("Добро пожаловать в магазин, Carla")


async def test_language_lets_the_shopper_choose_and_it_is_kept(harness: ShopHarness) -> None:
    alice = harness.user(1401, "Alice", language_code="en")
    await alice.send("/language")
    await alice.wait_for("Choose your language")
    await alice.press("Русский")
    await alice.wait_for("Теперь я говорю")
    await alice.send("/cart")
    await alice.wait_for("Ваша корзина пуста")
    await alice.send("/language")
    await alice.wait_for("Выберите язык")
    await alice.press("Español")
    await alice.send("/help")
    await alice.wait_for("Soy el asistente de la tienda")


async def test_replies_that_never_open_the_shop_speak_the_chosen_language_too(
    harness: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram says Russian, Alice chose English: a command the bot does not know, a
    sticker, an edited message and an apology for a fault all answer her in English."""
    alice = harness.user(1451, "Alice", language_code="ru")
    await alice.send("/language")
    await alice.wait_for("Выберите язык")
    await alice.press("English")
    await alice.wait_for("From now on I speak English")
    await alice.send("/foo")
    await alice.wait_for("I don't know /foo. Send /help")
    await harness.standin.add_user_message(alice.chat, {"sticker": STICKER})
    await alice.wait_for(UNREADABLE)
    sent = await alice.send("mug")
    await alice.wait_for("Mug")
    await alice.edit(sent, "tee")
    await alice.wait_for(EDIT_IGNORED)

    async def database_down(*args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(journey, "_arrive", database_down)
    await alice.send("/help")
    await alice.wait_for(SORRY)


async def test_the_command_menu_is_published_in_each_language(harness: ShopHarness) -> None:
    standin = harness.standin
    menus = {code: dict(standin.menu_of(1501, code)) for code in ("en", "ru", "es", "pt")}
    assert menus["en"]["cart"] == "Your cart"
    assert menus["ru"]["cart"] == "Ваша корзина"
    assert menus["es"]["cart"] == "Tu carrito"
    assert menus["pt"]["cart"] == "Your cart"  # everyone else: DEFAULT_LANGUAGE's
    assert "language" in menus["ru"]


async def test_an_admin_reads_the_admin_screens_in_the_language_they_chose(
    harness: ShopHarness,
) -> None:
    ada = harness.user(9001, "Ada", language_code="en")  # ADMIN_ID of tests/e2e/conftest.py
    await ada.send("/language")
    await ada.wait_for("Choose your language")
    await ada.press("Español")
    await ada.wait_for("A partir de ahora hablo")
    await ada.send("/admin")
    menu = await ada.wait_for("Menú de administración")
    assert "📦 Productos" in [b.label for b in menu.all_buttons]


async def test_a_spanish_shopper_waiting_for_a_tee_size_hears_of_it_by_its_spanish_name(
    harness: ShopHarness,
) -> None:
    alice, ada = harness.user(1601, "Alice", language_code="es"), harness.user(9001, "Ada")
    await alice.send("/start product_APP-TEE-ORG-L-OAT")
    await alice.wait_for("Camiseta orgánica")
    await alice.press("Avísame cuando vuelva")
    await alice.wait_for("Camiseta orgánica - L / Avena")  # options_es
    await ada.send("/stock APP-TEE-ORG-L-OAT 4")
    await ada.wait_for("APP-TEE-ORG-L-OAT stock: 0 → 4")
    assert harness.shop is not None
    assert await restock.tell_waiting_shoppers(harness.shop) == 1
    back = await alice.wait_for("vuelve a estar disponible")
    title = "Camiseta orgánica - L / Avena"
    assert back.text == f"🔔 ¡Buenas noticias: {title} vuelve a estar disponible!"
    assert back.all_buttons[0].label.startswith(f"🛍 {title} · ")


async def test_a_spanish_shopper_told_a_price_changed_reads_the_mug_by_its_spanish_name(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1701, "Alice", language_code="es")
    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Taza de gres 350 ml")
    await alice.press("Añadir al carrito")
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.price = 1800
    await alice.send("/cart")
    await alice.wait_for("Tu carrito")
    await alice.press("Pagar ·")
    changes = await alice.wait_for("Algunas cosas cambiaron", include_existing=True)
    assert "• Taza de gres 350 ml: el precio cambió de" in (changes.text or "")


async def test_a_spanish_shopper_refused_a_sold_out_mug_reads_it_by_its_spanish_name(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1801, "Alice", language_code="es")
    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Taza de gres 350 ml")
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.stock = mug.reserved
    await alice.press("Añadir al carrito")
    await alice.wait_for("Lo siento, Taza de gres 350 ml está agotado.")


def test_a_russian_shopper_short_at_payment_reads_the_shortage_in_russian() -> None:
    """The order-wide refusal (stock gone between the summary and Pay) names each line in
    her language, product names included."""
    short = OutOfStock(
        [
            Shortage("Ceramic Mug", 3, 1, translations={"ru": {"title": "Кружка"}}),
            Shortage("Tea Towel", 1, 0, translations={"es": {"title": "Paño"}}),
        ]
    )
    said = short.said(translator("ru"))
    assert said == (
        "Извините, для вашего заказа не хватает товара:\n"
        "• Кружка: осталось 1 (вы просили 3)\n"
        "• Tea Towel: распродано\n"
        "Пожалуйста, измените корзину и оформите заказ снова."
    )


@pytest.mark.parametrize(
    ("language", "not_yet", "over"),
    [
        (
            "ru",
            "Код SOON можно использовать с 5 декабря 2099\u202fг.",
            "Срок кода OLD истёк 9 декабря 2025\u202fг.",
        ),
        (
            "es",
            "El código SOON se puede usar desde el 5 de diciembre de 2099.",
            "El código OLD caducó el 9 de diciembre de 2025.",
        ),
    ],
)
async def test_a_promo_codes_days_are_written_in_the_shoppers_language(
    harness: ShopHarness, language: str, not_yet: str, over: str
) -> None:
    """A code that has not begun, and one that is over: the day each refusal names is
    written in the shopper's language, month and all ("5 декабря", not "05 Dec")."""
    async with harness.store.uow() as uow:
        for line in ("SOON 10% from=2099-12-05", "OLD 10% from=2025-12-01 until=2025-12-09"):
            await uow.promos.add(parse_new(line.split(), "USD").to_model())
    alice = harness.user(1901, "Alice", language_code=language)
    await alice.send("/start promo_SOON")
    await alice.wait_for(not_yet)
    await alice.send("/start promo_OLD")
    await alice.wait_for(over)


async def test_an_orders_moments_are_on_the_shops_clock_in_the_readers_language(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    """A shop in Madrid. Iván (Russian) paid at 23:30 UTC on 5 December: 00:30 on the 6th in
    Madrid. His /orders and the order's screen say so in Russian, and Ada, who reads Spanish,
    sees the same moments in Spanish on her order screen, each saying whose clock it is."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(
        tmp_path, admin_ids=frozenset({9001}), shop_timezone="Europe/Madrid"
    ) as h:
        ivan, ada = h.user(1001, "Iván", language_code="ru"), h.user(9001, "Ada")
        placed = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
        async with h.store.uow() as uow:
            customer = await uow.customers.get_or_create(1001, first_name="Iván")
            mug = await uow.products.get_by_sku("KIT-MUG-CER")
            assert mug is not None
            line = OrderLine(
                product_id=mug.id,
                sku=mug.sku,
                title=mug.title,
                unit_price=1600,
                currency="USD",
                quantity=1,
            )
            paid = placed + timedelta(minutes=1)
            await uow.orders.add(
                Order(
                    customer_id=customer.id,
                    status="paid",
                    currency="USD",
                    items_total=1600,
                    total=1600,
                    lines=[line],
                    created_at=placed,
                    paid_at=paid,
                )
            )

        await ivan.send("/orders")
        listed = await ivan.wait_for("#1 ")
        (order,) = [b.label for b in listed.all_buttons if b.label.startswith("#1 ")]
        assert order.endswith(" · 6 дек. 2026\u202fг.")
        await ivan.press(order)
        await ivan.wait_for("Оформлен 6 дек. 2026\u202fг., 00:30 (Europe/Madrid)")

        await ada.send("/language")
        await ada.press("Español", message=await ada.wait_for("Choose your language"))
        await ada.wait_for("A partir de ahora hablo")
        await ada.send("/orders_admin")
        await ada.wait_for("#1 · ✅ Pagado · 16,00\u00a0US$ · Iván · 6 dic 2026")
        await ada.press("#1 · 16,00\u00a0US$")
        screen = await ada.wait_for("Creado: 6 dic 2026, 0:30 (Europe/Madrid)")
        assert "pagado 6 dic 2026, 0:31" in (screen.text or "")


async def test_a_mug_priced_in_another_currency_is_named_in_each_readers_language(
    harness: ShopHarness,
) -> None:
    """A bad import priced the mug in euros in a dollar shop. Alicia, who reads Spanish, is
    told she cannot pay for the "Taza de gres 350 ml"; Ada, who reads Russian, is alerted
    about the "Кружка керамическая 350 мл": neither reads the catalog's English name."""
    ada = harness.user(9001, "Ada")
    await ada.send("/language")
    await ada.press("Русский", message=await ada.wait_for("Choose your language"))
    await ada.wait_for("говорю")
    alicia = harness.user(2001, "Alicia", language_code="es")
    await alicia.send("/start product_KIT-MUG-CER")
    await alicia.wait_for("Taza de gres 350 ml")
    await alicia.press("Añadir al carrito")
    await alicia.press("Carrito (1)")
    await alicia.press("Pagar ·")
    await alicia.wait_for("Resumen del pedido", include_existing=True)
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.currency = "EUR"

    await alicia.press("Pagar ")
    await alicia.wait_for("Tu carrito cambió desde ese resumen")  # now in euros
    await alicia.press("💳 Pagar")

    await alicia.wait_for("Taza de gres 350 ml no se puede pagar en USD")
    alert = await ada.wait_for("⚠️ Кружка керамическая 350 мл: нет цены в USD")
    assert "Stoneware" not in (alert.text or "")
