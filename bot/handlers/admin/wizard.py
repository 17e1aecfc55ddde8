"""/addproduct and /edit <sku>: one field per message, a preview, then Save.

The steps and the checks of each field live in bot.services.admin_catalog; this module asks,
routes the answers and renders the preview.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.callback_data import FlowAction, FlowPickCategory, FlowPickField, FlowSkip, button
from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id, save_flow
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.handlers.admin.guard import admin_only
from bot.money import format_money
from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import (
    ADD_STEPS,
    PRODUCT_FIELDS,
    AdminInputError,
    ProductField,
    StockResult,
)
from bot.services.admin_flows import Flow, new_flow, write_flow
from bot.usecases.alerts import low_stock_alerts
from bot.views.admin import Rows, flow_buttons, markup, reply

SKIPPABLE = {"description", "photo"}


# ----------------------------------------------------------------------------- commands


@admin_only("/addproduct")
async def add_product(update: Update, context: ShopContext) -> None:
    flow = new_flow("add", step=ADD_STEPS[0], values={})
    await save_flow(update, context, flow)
    await reply(update, "New product. Send /cancel at any time to stop.")
    await ask(update, context, flow)


@admin_only("/edit")
async def edit_product(update: Update, context: ShopContext) -> None:
    args = context.args or []
    if len(args) != 1:
        await reply(update, "Send /edit and the product's SKU, e.g. /edit KIT-MUG-CER.")
        return
    async with context.shop.store.uow() as uow:
        try:
            product = await catalog.product_by_sku(uow, args[0])
        except AdminInputError as exc:
            await reply(update, str(exc))
            return
        category = await catalog.category_title(uow, product.category_id)
    flow = new_flow("edit", step="field", sku=product.sku)
    await save_flow(update, context, flow)
    rows: Rows = [
        [
            button(f.label, FlowPickField(flow["id"], f.name))
            for f in list(PRODUCT_FIELDS.values())[i : i + 3]
        ]
        for i in range(0, len(PRODUCT_FIELDS), 3)
    ]
    rows += flow_buttons(flow)
    text = (
        f"Editing {product.sku}\n"
        f"Title: {product.title}\n"
        f"Description: {product.description or '(none)'}\n"
        f"Category: {category}\n"
        f"Price: {format_money(product.price, product.currency)}\n"
        f"Stock: {product.stock} ({product.reserved} held)\n"
        f"Photo: {'yes' if product.photo or product.photo_file_id else 'none'}\n"
        f"Visible: {'yes' if product.is_active else 'no (/show ' + product.sku + ')'}\n\n"
        "Which field do you want to change?"
    )
    await reply(update, text, rows)


# ----------------------------------------------------------------------------- asking


def current_field(flow: Flow) -> ProductField | None:
    name = flow.get("field") if flow["kind"] == "edit" else flow.get("step")
    return PRODUCT_FIELDS.get(str(name)) if flow.get("step") not in ("preview", "field") else None


async def ask(update: Update, context: ShopContext, flow: Flow, problem: str = "") -> None:
    """Send the prompt for the flow's current step (after `problem`, if the input was bad)."""
    field = current_field(flow)
    if flow.get("step") == "field":
        await reply(
            update, (problem + "\n\n" if problem else "") + "Pick a field with the buttons."
        )
        return
    if field is None:
        await reply(update, (problem + "\n\n" if problem else "") + "Press Save, or Cancel.")
        return
    rows: Rows = []
    if field.name == "category":
        async with context.shop.store.uow() as uow:
            categories = await catalog.category_titles(uow)
        rows = [
            [
                button(title, FlowPickCategory(flow["id"], cid))
                for cid, title in categories[i : i + 2]
            ]
            for i in range(0, len(categories), 2)
        ]
    rows += flow_buttons(flow, skip="Skip" if field.name in SKIPPABLE else None)
    number = (
        f"({ADD_STEPS.index(field.name) + 1}/{len(ADD_STEPS)}) " if flow["kind"] == "add" else ""
    )
    text = f"{problem}\n\n{field.prompt}" if problem else f"{number}{field.prompt}"
    await reply(update, text, rows)


def _what_was_sent(message: Message) -> str:
    if message.photo:
        return "a photo"
    if message.document:
        return "a file"
    if message.sticker:
        return "a sticker"
    return "that"


def read_value(message: Message, field: ProductField, currency: str) -> Any:
    """The field's value from the admin's message; AdminInputError says what to send instead."""
    if message.photo:
        if field.wants_photo:
            return message.photo[-1].file_id
        raise AdminInputError(f"That is a photo, but I need the {field.label.lower()} as text.")
    if message.text is None:
        kind = "a photo" if field.wants_photo else f"the {field.label.lower()} as text"
        raise AdminInputError(f"I cannot use {_what_was_sent(message)} here; I need {kind}.")
    return field.parse(message.text, currency)


# ----------------------------------------------------------------------------- input


async def on_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    assert message is not None
    field = current_field(flow)
    if field is None:
        await ask(update, context, flow)
        return
    try:
        value = read_value(message, field, _currency(context, flow))
    except AdminInputError as exc:
        await ask(update, context, flow, str(exc))
        return
    await accept(update, context, flow, field.name, value)


async def accept(update: Update, context: ShopContext, flow: Flow, name: str, value: Any) -> None:
    """Store a valid answer and move on: the next question, or the preview."""
    if flow["kind"] == "add":
        flow["values"] = {**flow.get("values", {}), name: value}
        following = ADD_STEPS.index(name) + 1
        flow["step"] = ADD_STEPS[following] if following < len(ADD_STEPS) else "preview"
    else:
        flow["value"] = value
        flow["step"] = "preview"
    await save_flow(update, context, flow)
    if flow["step"] == "preview":
        await preview(update, context, flow)
    else:
        await ask(update, context, flow)


async def on_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    field = current_field(flow)
    if isinstance(data, FlowPickField) and flow["kind"] == "edit" and flow.get("step") == "field":
        name = data.field
        if name not in PRODUCT_FIELDS:
            return
        flow.update(step="value", field=name)
        await save_flow(update, context, flow)
        await ask(update, context, flow)
    elif isinstance(data, FlowPickCategory) and field is not None and field.name == "category":
        async with context.shop.store.uow() as uow:
            try:
                title = await catalog.category_title(uow, data.category_id)
            except AdminInputError as exc:
                await ask(update, context, flow, str(exc))
                return
        await accept(update, context, flow, "category", title)
    elif isinstance(data, FlowSkip) and field is not None and field.name in SKIPPABLE:
        await accept(update, context, flow, field.name, "")
    else:
        await ask(update, context, flow, "That button does not belong to this step.")


# ----------------------------------------------------------------------------- preview, save


def _currency(context: ShopContext, flow: Flow) -> str:
    return str(flow.get("currency") or context.shop.settings.currency)


async def preview(update: Update, context: ShopContext, flow: Flow) -> None:
    currency = _currency(context, flow)
    rows = flow_buttons(flow, confirm="✅ Save")
    chat = update.effective_chat
    assert chat is not None
    if flow["kind"] == "edit":
        field = PRODUCT_FIELDS[flow["field"]]
        shown = catalog.describe_value(field.name, flow["value"], currency)
        text = f"Change the {field.label.lower()} of {flow['sku']} to: {shown}?"
        if field.wants_photo and flow["value"]:
            await chat.send_photo(flow["value"], caption=text, reply_markup=markup(rows))
            return
        await reply(update, text, rows)
        return
    values = flow["values"]
    text = (
        "Preview of the new product:\n\n"
        f"{values['title']}\n{values['description']}\n\n"
        f"Category: {values['category']}\n"
        f"Price: {format_money(int(values['price']), currency)}\n"
        f"Stock: {values['stock']}\n"
        f"Photo: {catalog.describe_value('photo', values['photo'], currency)}\n\n"
        "Save it?"
    )
    if values["photo"]:
        await chat.send_photo(values["photo"], caption=text[:1024], reply_markup=markup(rows))
        return
    await reply(update, text, rows)


async def on_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    if flow.get("step") != "preview":
        await ask(update, context, flow, "Answer this step first.")
        return
    shop = context.shop
    currency = _currency(context, flow)
    stock_result: StockResult | None = None
    try:
        async with shop.store.uow() as uow:
            if flow["kind"] == "add":
                product = await catalog.create_product(
                    uow, flow["values"], currency=currency, actor=actor(update)
                )
                money = format_money(product.price, currency)
                done = f"Saved {product.sku}: {product.title}, {money}, stock {product.stock}."
            else:
                field = PRODUCT_FIELDS[flow["field"]]
                product, stock_result = await catalog.edit_product(
                    uow, flow["sku"], field.name, flow["value"], actor=actor(update)
                )
                shown = catalog.describe_value(field.name, flow["value"], currency)
                done = f"Saved: the {field.label.lower()} of {product.sku} is now {shown}."
            await write_flow(uow, chat_id(update), None)
    except AdminInputError as exc:
        await ask(update, context, flow, str(exc))
        return
    await reply(update, done)
    if stock_result is not None and stock_result.decreased:
        await low_stock_alerts(shop, [stock_result.product_id])


register_flow("add", FlowKind(on_input=on_input, on_confirm=on_confirm, on_button=on_button))
register_flow("edit", FlowKind(on_input=on_input, on_confirm=on_confirm, on_button=on_button))
