"""The admin's catalog screens: the product list, command answers, the product flows' questions
and previews, catalog file reports and the shop report."""

from __future__ import annotations

from bot.callback_data import AdminMenu, AdminProducts, FlowPickCategory, FlowPickField, button
from bot.money import format_money
from bot.notices import low_stock_line
from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import ADD_STEPS, PRODUCT_FIELDS, ProductFacts, StockResult
from bot.services.reports import StoreStats
from bot.store.catalog_file import CatalogError, ImportReport
from bot.usecases.admin_catalog import ProductList
from bot.usecases.product_wizard import EditCard, Saved, WizardStep
from bot.views.admin import AdminView, Rows, flow_buttons
from bot.wording import plural

COMMANDS_LINE = (
    "/addproduct · /edit SKU · /price SKU 12.50 · /stock SKU 10|+5|-2 · /hide SKU · /show SKU"
)


def product_list(listing: ProductList) -> AdminView:
    lines = [f"Products ({listing.total}), page {listing.page + 1}/{listing.pages}:"]
    for p in listing.products:
        held = f" ({p.reserved} held)" if p.reserved else ""
        hidden = " · hidden" if not p.is_active else ""
        kinds = f" in {plural(p.variants, 'variant')}" if p.variants else ""
        lines.append(
            f"{p.sku} · {p.title} · {format_money(p.price, p.currency)} · "
            f"stock {p.stock}{kinds}{held}{hidden}"
        )
    lines.append("\n" + COMMANDS_LINE)
    nav = []
    if listing.page > 0:
        nav.append(button("◀️ Previous", AdminProducts(listing.page - 1)))
    if listing.page < listing.pages - 1:
        nav.append(button("Next ▶️", AdminProducts(listing.page + 1)))
    rows: Rows = [nav] if nav else []
    rows.append([button("⬅️ Admin menu", AdminMenu("menu"))])
    return AdminView("\n".join(lines), rows)


def price_set(product: ProductFacts) -> str:
    return f"{product.sku} now costs {format_money(product.price, product.currency)}."


def stock_changed(result: StockResult) -> str:
    held = f", {result.reserved} held by unpaid invoices" if result.reserved else ""
    return (
        f"{result.sku} stock: {result.before} → {result.after}{held}; {result.available} available."
    )


def visibility_set(product: ProductFacts) -> str:
    where = "is back in the catalog" if product.is_active else "is hidden from shoppers"
    return f"{product.sku} ({product.title}) {where}."


# ----------------------------------------------------------------------------- product flows


def edit_card(card: EditCard) -> AdminView:
    """/edit: the product as it is, and a button per field."""
    product, fields = card.product, list(PRODUCT_FIELDS.values())
    rows: Rows = [
        [button(f.label, FlowPickField(card.flow["id"], f.name)) for f in fields[i : i + 3]]
        for i in range(0, len(fields), 3)
    ]
    rows += flow_buttons(card.flow)
    text = (
        f"Editing {product.sku}\n"
        f"Title: {product.title}\n"
        f"Description: {product.description or '(none)'}\n"
        f"Category: {card.category}\n"
        f"Price: {format_money(product.price, product.currency)}\n"
        f"Stock: {product.stock} ({product.reserved} held)\n"
        f"Photo: {'yes' if product.has_photo else 'none'}\n"
        f"Visible: {'yes' if product.is_active else 'no (/show ' + product.sku + ')'}\n\n"
        "Which field do you want to change?"
    )
    return AdminView(text, rows)


def wizard_step(step: WizardStep) -> AdminView:
    """The question for the flow's current step (after what was wrong, if anything)."""
    if step.show_preview:
        return _preview(step)
    before = step.problem + "\n\n" if step.problem else ""
    if step.picking_field:
        return AdminView(before + "Pick a field with the buttons.")
    field = step.field
    if field is None:
        return AdminView(before + "Press Save, or Cancel.")
    flow = step.flow
    rows: Rows = [
        [
            button(title, FlowPickCategory(flow["id"], cid))
            for cid, title in step.categories[i : i + 2]
        ]
        for i in range(0, len(step.categories), 2)
    ]
    rows += flow_buttons(flow, skip="Skip" if step.skippable else None)
    number = (
        f"({ADD_STEPS.index(field.name) + 1}/{len(ADD_STEPS)}) " if flow["kind"] == "add" else ""
    )
    text = f"{step.problem}\n\n{field.prompt}" if step.problem else f"{number}{field.prompt}"
    return AdminView(text, rows)


def _preview(step: WizardStep) -> AdminView:
    flow, currency = step.flow, step.currency
    rows = flow_buttons(flow, confirm="✅ Save")
    if flow["kind"] == "edit":
        field = PRODUCT_FIELDS[flow["field"]]
        shown = catalog.describe_value(field.name, flow["value"], currency)
        text = f"Change the {field.label.lower()} of {flow['sku']} to: {shown}?"
        photo = flow["value"] if field.wants_photo and flow["value"] else None
        return AdminView(text, rows, photo)
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
    return AdminView(text, rows, values["photo"] or None)


def saved(done: Saved) -> str:
    product = done.product
    if done.field is None:
        money = format_money(product.price, done.currency)
        return f"Saved {product.sku}: {product.title}, {money}, stock {product.stock}."
    shown = catalog.describe_value(done.field.name, done.value, done.currency)
    return f"Saved: the {done.field.label.lower()} of {product.sku} is now {shown}."


# ----------------------------------------------------------------------------- files, report


def imported(file_name: str, report: ImportReport) -> str:
    lines = [f"Imported {file_name}: {report.summary()}."]
    if report.created:
        lines.append("Created: " + ", ".join(report.created))
    if report.updated:
        lines.append("Updated: " + ", ".join(report.updated))
    return "\n".join(lines)


def import_refused(file_name: str, error: Exception) -> str:
    if not isinstance(error, CatalogError):
        return str(error)
    problems = "\n".join("• " + line for line in catalog.describe_catalog_errors(error))
    return (
        f"Nothing was imported: {file_name} has {plural(len(error.errors), 'problem')}. "
        f"Fix them and send the file again.\n\n{problems}"
    )


def export_caption(count: int) -> str:
    return f"{count} products. Edit and send the file back to import it."


def shop_report(stats: StoreStats) -> str:
    lines = [f"📊 Shop report ({stats.now:%Y-%m-%d %H:%M} UTC)", ""]
    for period in stats.periods:
        c = period.currency
        refunds = (
            f" (gross {format_money(period.gross, c)}, refunds {format_money(period.refunds, c)})"
            if period.refunds
            else ""
        )
        extras = [
            f"discounts {format_money(period.discounts, c)}" if period.discounts else "",
            f"tips {format_money(period.tips, c)}" if period.tips else "",
        ]
        given = "; ".join(part for part in extras if part)
        lines.append(
            f"{period.label}: {format_money(period.net, c)} revenue{refunds}, "
            f"{plural(period.orders, 'order')}, average {format_money(period.average_order, c)}"
            + (f"; {given}" if given else "")
        )
    lines += ["", "Top products (30 days):"]
    lines += [
        f"{i}. {t.sku} · {t.title}: {t.quantity} sold, {format_money(t.revenue, t.currency)}"
        for i, t in enumerate(stats.top_products, 1)
    ] or ["(no sales yet)"]
    if stats.top_codes:
        currency = stats.periods[0].currency if stats.periods else ""
        lines += ["", "Top promo codes (30 days):"]
        lines += [
            f"{i}. {code.code}: {plural(code.orders, 'order')}, "
            f"{format_money(code.discount, currency)} off"
            for i, code in enumerate(stats.top_codes, 1)
        ]
    lines += ["", f"Low stock (≤ {stats.threshold} available):"]
    lines += ["• " + low_stock_line(p) for p in stats.low_stock] or ["(none)"]
    if stats.other_currencies:
        lines += ["", "Not counted above: orders in " + ", ".join(stats.other_currencies)]
    return "\n".join(lines)
