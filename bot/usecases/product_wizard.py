"""/addproduct and /edit <sku>: one field per message, a preview, then Save.

The flow is kept in the admin's chat state (bot.services.admin_flows); each answer is checked
by the field's own parser (bot.services.admin_catalog.PRODUCT_FIELDS) and moves the flow on.
Every function returns the `WizardStep` to show next: a question, the preview, or the same
question again with what was wrong. Nothing leaves the admin stuck: a Save that is refused goes
back to where another answer can succeed (the value, or the field), or ends the flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import i18n
from bot.i18n import N_
from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import (
    ADD_STEPS,
    DROP_PHOTO,
    PRODUCT_FIELDS,
    AdminInputError,
    ProductFacts,
    ProductField,
    SoldAsVariants,
    StockResult,
    UnknownSku,
    wrong,
)
from bot.services.admin_flows import Flow, new_flow, write_flow
from bot.services.catalog import page_of
from bot.shop import Shop
from bot.usecases import admin_flows

# Steps a button skips, and what skipping one stores ("": none; None: no limit).
SKIPPABLE: dict[str, str | None] = {"description": "", "photo": "", "max_per_order": None}
PREVIEW = "preview"
PICK_FIELD = "field"
NOT_THIS_STEP = N_("That button does not belong to this step.")


@dataclass(frozen=True)
class Answer:
    """What the admin sent for a step: text, a photo (its file_id), or something else."""

    text: str | None = None
    photo: str | None = None
    other: str = "that"  # "a file", "a sticker"...: how to name what we cannot use


@dataclass(frozen=True)
class WizardStep:
    """What to show next; `problem` says what was wrong with the last answer."""

    flow: Flow
    currency: str
    problem: str = ""
    categories: tuple[tuple[int, str], ...] = ()  # to pick from, when the field is a category
    category_page: int = 0  # of `category_pages`, CATEGORY_PAGE categories a page
    category_pages: int = 1
    show_preview: bool = False  # the last answer completed the product: show what it will be
    own_prices: tuple[tuple[str, int], ...] = ()  # variants a new price leaves as they are
    ended: bool = False  # the flow is over, nothing saved: `problem` says why
    sale_ends: int | None = None  # the regular price whose sale the new price would end

    @property
    def fields(self) -> list[ProductField]:
        """/edit: the fields to pick from (the card's buttons)."""
        return fields_of(self.flow)

    @property
    def field(self) -> ProductField | None:
        """The field asked for now; None while picking a field or at the preview."""
        return current_field(self.flow)

    @property
    def picking_field(self) -> bool:
        return self.flow.get("step") == PICK_FIELD

    @property
    def skippable(self) -> bool:
        field = self.field
        return field is not None and field.name in SKIPPABLE


@dataclass(frozen=True)
class EditCard:
    """The product /edit opens, and the flow whose buttons pick the field to change."""

    flow: Flow
    product: ProductFacts
    category: str
    variant_sku: str = ""  # one of its variants, for the /stock example (if sold as variants)
    own_prices: tuple[tuple[str, int], ...] = ()  # variants priced on their own: (SKU, price)

    @property
    def fields(self) -> list[ProductField]:
        return fields_of(self.flow)

    @property
    def sold_as_variants(self) -> bool:
        return all(f.name != "stock" for f in self.fields)


@dataclass(frozen=True)
class Saved:
    """The product as saved; `field` is the one an /edit changed (None for a new product)."""

    product: ProductFacts
    currency: str
    field: ProductField | None = None
    value: Any = None
    stock: StockResult | None = None

    @property
    def lowered(self) -> list[int]:
        return self.stock.lowered if self.stock is not None else []


def fields_of(flow: Flow) -> list[ProductField]:
    """The fields an /edit offers (a flow from before they were kept offers every field)."""
    names = flow.get("fields") or list(PRODUCT_FIELDS)
    return [PRODUCT_FIELDS[name] for name in names if name in PRODUCT_FIELDS]


def current_field(flow: Flow) -> ProductField | None:
    name = flow.get("field") if flow["kind"] == "edit" else flow.get("step")
    return PRODUCT_FIELDS.get(str(name)) if flow.get("step") not in (PREVIEW, PICK_FIELD) else None


async def start_add(shop: Shop, chat_id: int) -> WizardStep:
    flow = new_flow("add", step=ADD_STEPS[0], values={})
    await admin_flows.save(shop, chat_id, flow)
    return await _step(shop, flow)


async def start_edit(shop: Shop, chat_id: int, sku: str) -> EditCard:
    async with shop.store.uow() as uow:
        product = await catalog.product_by_sku(uow, sku)
        category = await catalog.category_title(uow, product.category_id)
        variants = await uow.products.variants_of(product.id) if product.has_variants else []
        own_prices = await catalog.own_prices(uow, product)
        fields = [f.name for f in catalog.editable_fields(product)]
        flow = new_flow("edit", step=PICK_FIELD, sku=product.sku, fields=fields)
        await write_flow(uow, chat_id, flow)
    example = variants[0].sku if variants else ""
    facts = ProductFacts.of(product, variants)
    return EditCard(flow, facts, category, example, tuple(own_prices))


async def ask_again(shop: Shop, flow: Flow, problem: str = "") -> WizardStep:
    return await _step(shop, flow, problem)


async def answer(shop: Shop, chat_id: int, flow: Flow, sent: Answer) -> WizardStep:
    """The admin's message for the current step: stored if it is valid, asked again if not."""
    field = current_field(flow)
    if field is None:
        return await _step(shop, flow)
    try:
        value = _read(sent, field, _currency(shop, flow))
        if flow["kind"] == "edit" and field.name == "compare_at":
            async with shop.store.reading() as uow:
                catalog.check_sale(await catalog.product_by_sku(uow, flow["sku"]), value)
    except UnknownSku as exc:
        return await _end(shop, chat_id, flow, str(exc))
    except AdminInputError as exc:
        return await _step(shop, flow, str(exc))
    return await _accept(shop, chat_id, flow, field.name, value)


async def pick_field(shop: Shop, chat_id: int, flow: Flow, name: str) -> WizardStep | None:
    """/edit: the field to change (None: not a field, nothing to do). A field the product
    does not have (a stale or forged button) is refused, and the fields it has are offered."""
    if flow["kind"] != "edit" or flow.get("step") != PICK_FIELD:
        return await _step(shop, flow, i18n.current()._(NOT_THIS_STEP))
    if name not in PRODUCT_FIELDS or name == DROP_PHOTO:  # that one has its own buttons
        return None
    try:
        async with shop.store.reading() as uow:
            product = await catalog.product_by_sku(uow, flow["sku"])
            await catalog.check_editable(uow, product, name)
    except UnknownSku as exc:
        return await _end(shop, chat_id, flow, str(exc))
    except SoldAsVariants as exc:
        return await _back_to_fields(shop, chat_id, flow, str(exc))
    flow.update(step="value", field=name)
    await admin_flows.save(shop, chat_id, flow)
    return await _step(shop, flow)


async def pick_photo_to_remove(shop: Shop, chat_id: int, flow: Flow, number: int) -> WizardStep:
    """/edit: 🗑 Remove photo N (N from 2: the first is the product's photo) previews that
    photo; Save removes it. A number the gallery no longer has goes back to the fields."""
    if flow["kind"] != "edit" or flow.get("step") != PICK_FIELD:
        return await _step(shop, flow, i18n.current()._(NOT_THIS_STEP))
    try:
        async with shop.store.reading() as uow:
            product = ProductFacts.of(await catalog.product_by_sku(uow, flow["sku"]))
    except UnknownSku as exc:
        return await _end(shop, chat_id, flow, str(exc))
    if not 2 <= number <= len(product.further_photos) + 1:
        gone = i18n.current()._("{sku} has no photo {number} now.", sku=flow["sku"], number=number)
        return await _back_to_fields(shop, chat_id, flow, gone)
    flow.update(field=DROP_PHOTO, number=number)
    return await _accept(shop, chat_id, flow, DROP_PHOTO, product.further_photos[number - 2])


async def pick_category(shop: Shop, chat_id: int, flow: Flow, category_id: int) -> WizardStep:
    field = current_field(flow)
    if field is None or field.name != "category":
        return await _step(shop, flow, i18n.current()._(NOT_THIS_STEP))
    try:
        async with shop.store.uow() as uow:
            title = await catalog.category_title(uow, category_id)
    except AdminInputError as exc:
        return await _step(shop, flow, str(exc))
    return await _accept(shop, chat_id, flow, "category", title)


async def category_page(shop: Shop, flow: Flow, page: int) -> WizardStep:
    """Another page of the categories to pick from (a shop may have hundreds)."""
    field = current_field(flow)
    if field is None or field.name != "category":
        return await _step(shop, flow, i18n.current()._(NOT_THIS_STEP))
    return await _step(shop, flow, page=page)


async def skip(shop: Shop, chat_id: int, flow: Flow) -> WizardStep:
    field = current_field(flow)
    if field is None or field.name not in SKIPPABLE:
        return await _step(shop, flow, i18n.current()._(NOT_THIS_STEP))
    return await _accept(shop, chat_id, flow, field.name, SKIPPABLE[field.name])


async def save(shop: Shop, admin_id: int, chat_id: int, flow: Flow) -> Saved | WizardStep:
    """Save the previewed product, and end the flow. If it cannot be saved, never the same
    preview again (its Save would fail again): the value is asked again, or the field if the
    product no longer has it (sold as variants); the flow ends if there is nothing to edit."""
    if flow.get("step") != PREVIEW:
        return await _step(shop, flow, i18n.current()._("Answer this step first."))
    currency = _currency(shop, flow)
    try:
        async with shop.store.uow() as uow:
            if flow["kind"] == "add":
                product = await catalog.create_product(
                    uow, flow["values"], currency=currency, actor=admin_id
                )
                saved = Saved(ProductFacts.of(product), currency)
            else:
                field = PRODUCT_FIELDS[flow["field"]]
                product, stock = await catalog.edit_product(
                    uow, flow["sku"], field.name, flow["value"], actor=admin_id
                )
                saved = Saved(ProductFacts.of(product), currency, field, flow["value"], stock)
            await write_flow(uow, chat_id, None)
    except SoldAsVariants as exc:
        return await _back_to_fields(shop, chat_id, flow, str(exc))
    except AdminInputError as exc:
        if flow["kind"] == "add" or isinstance(exc, UnknownSku):
            return await _end(shop, chat_id, flow, str(exc))
        flow.update(step="value", value=None)
        await admin_flows.save(shop, chat_id, flow)
        return await _step(shop, flow, str(exc))
    return saved


async def _accept(shop: Shop, chat_id: int, flow: Flow, name: str, value: Any) -> WizardStep:
    """Store a valid answer and move on: the next question, or the preview."""
    if flow["kind"] == "add":
        flow["values"] = {**flow.get("values", {}), name: value}
        following = ADD_STEPS.index(name) + 1
        flow["step"] = ADD_STEPS[following] if following < len(ADD_STEPS) else PREVIEW
    else:
        flow["value"] = value
        flow["step"] = PREVIEW
    await admin_flows.save(shop, chat_id, flow)
    if flow["step"] != PREVIEW:
        return await _step(shop, flow)
    kept: list[tuple[str, int]] = []
    ends: int | None = None
    if flow["kind"] == "edit" and name == "price":
        async with shop.store.reading() as uow:
            product = await uow.products.get_by_sku(flow["sku"])
            if product is not None:
                kept = await catalog.own_prices(uow, product)
                ends = catalog.sale_ended_by(product, int(value))
    return WizardStep(
        flow, _currency(shop, flow), show_preview=True, own_prices=tuple(kept), sale_ends=ends
    )


async def _back_to_fields(shop: Shop, chat_id: int, flow: Flow, problem: str) -> WizardStep:
    """/edit: back to picking a field, among those the product has now."""
    try:
        async with shop.store.reading() as uow:
            product = await catalog.product_by_sku(uow, flow["sku"])
            fields = [f.name for f in catalog.editable_fields(product)]
    except UnknownSku as exc:
        return await _end(shop, chat_id, flow, str(exc))
    flow.update(step=PICK_FIELD, fields=fields)
    flow.pop("field", None)
    flow.pop("value", None)
    await admin_flows.save(shop, chat_id, flow)
    return await _step(shop, flow, problem)


async def _end(shop: Shop, chat_id: int, flow: Flow, problem: str) -> WizardStep:
    """Nothing can be saved from this flow: end it, saying why."""
    await admin_flows.save(shop, chat_id, None)
    return WizardStep(flow, _currency(shop, flow), problem, ended=True)


async def _step(shop: Shop, flow: Flow, problem: str = "", page: int = 0) -> WizardStep:
    categories: list[tuple[int, str]] = []
    pages = 1
    field = current_field(flow)
    if field is not None and field.name == "category":
        async with shop.store.uow() as uow:
            categories, page, pages = page_of(await catalog.category_titles(uow), page)
    return WizardStep(flow, _currency(shop, flow), problem, tuple(categories), page, pages)


def _read(sent: Answer, field: ProductField, currency: str) -> Any:
    """The field's value from the admin's message; AdminInputError says what to send instead."""
    tr = i18n.current()
    if sent.photo:
        if field.wants_photo:
            return sent.photo
        raise wrong(
            "That is a photo, but I need the {field} as text.", field=tr._(field.label).lower()
        )
    if sent.text is None:
        if field.wants_photo:
            raise wrong("I cannot use {what} here; I need a photo.", what=sent.other)
        raise wrong(
            "I cannot use {what} here; I need the {field} as text.",
            what=sent.other,
            field=tr._(field.label).lower(),
        )
    return field.parse(sent.text, currency)


def _currency(shop: Shop, flow: Flow) -> str:
    return str(flow.get("currency") or shop.settings.currency)
