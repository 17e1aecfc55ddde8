"""The admin's catalog screens: the product list, command answers, the product flows' questions
and previews, catalog file reports and the shop report."""

from __future__ import annotations

from datetime import UTC

from telegram import InlineKeyboardButton

from bot import i18n
from bot.callback_data import (
    AdminMenu,
    AdminProducts,
    FlowCategoryPage,
    FlowPickCategory,
    FlowPickField,
    FlowRemovePhoto,
    Noop,
    button,
)
from bot.clipping import clip, telegram_length
from bot.config import Settings
from bot.i18n import N_, Translator
from bot.notices import MESSAGE_ROOM, as_many_as_fit, low_stock_line
from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import (
    ADD_PHOTO,
    ADD_STEPS,
    DROP_PHOTO,
    PRODUCT_FIELDS,
    BundleSet,
    PriceSet,
    ProductFacts,
    ProductField,
    StockResult,
    TaxRateSet,
    TiersSet,
)
from bot.services.admin_flows import Flow
from bot.services.reports import RATED_AT_LEAST, RatingStats, StoreStats
from bot.store.catalog_file import CatalogError, ImportReport
from bot.store.repositories.ratings import RatedProduct
from bot.tax import rate_text
from bot.texts.ratings import stars_text
from bot.texts.reports import REPORT_TITLE, top_product_lines
from bot.texts.sale import price_was
from bot.texts.tiers import tiers_line, tiers_mark, tiers_text
from bot.usecases.admin_catalog import ProductList
from bot.usecases.product_wizard import EditCard, Saved, WizardStep
from bot.views.admin import AdminView, Rows, flow_buttons

COMMANDS_LINE = (
    "/addproduct · /edit SKU · /price SKU 12.50 · /stock SKU 10|+5|-2 · /hide SKU · /show SKU"
)


def product_list(listing: ProductList) -> AdminView:
    tr = i18n.current()
    lines = [
        tr._(
            "Products ({count}), page {page}/{pages}:",
            count=listing.total,
            page=listing.page + 1,
            pages=listing.pages,
        )
    ]
    for p in listing.products:
        held = " " + tr._("({count} held)", count=p.reserved) if p.reserved else ""
        hidden = " · " + tr._("hidden") if not p.is_active else ""
        kinds = (
            " "
            + tr.ngettext("in {count} variant", "in {count} variants", p.variants, count=p.variants)
            if p.variants
            else ""
        )
        if p.variants_on_sale:
            kinds += " " + tr._("({count} on sale)", count=p.variants_on_sale)
        stock = tr._("stock {count}", count=p.stock)
        price = price_was(tr, p.price, p.compare_at, p.currency)
        limit = f" · {catalog.limit_words(p.max_per_order)}" if p.max_per_order else ""
        limit += f" · {tiers_mark(tr, p.tiers)}" if p.tiers else ""
        limit += " · " + tr._("🧺 set of {count}", count=p.set_of) if p.set_of else ""
        lines.append(f"{p.sku} · {p.title} · {price} · {stock}{kinds}{held}{limit}{hidden}")
    lines.append("\n" + COMMANDS_LINE)
    nav = []
    if listing.has_previous and listing.products:
        back = AdminProducts(listing.page - 1, before_id=listing.products[0].id)
        nav.append(button(tr._("◀️ Previous"), back))
    if listing.has_next and listing.products:
        forward = AdminProducts(listing.page + 1, after_id=listing.products[-1].id)
        nav.append(button(tr._("Next ▶️"), forward))
    rows: Rows = [nav] if nav else []
    rows.append([button(tr._("⬅️ Admin menu"), AdminMenu("menu"))])
    return AdminView("\n".join(lines), rows)


def list_restarted() -> str:
    """The toast of a product-list button whose page is gone (stale or forged)."""
    return i18n.current()._("That page of the list is out of date: here is the first page.")


def price_set(change: PriceSet) -> str:
    tr = i18n.current()
    product = change.product
    price = tr.money(product.price, product.currency)
    text = tr._("{sku} now costs {price}.", sku=product.sku, price=price)
    if change.sale_ended is not None:
        text += " " + sale_ended(tr, change.sale_ended, product.currency)
    return text


def tax_rate_set(change: TaxRateSet, settings: Settings) -> str:
    """ "BOOK-01 is now taxed at 5%.", or at the shop's rate; and a word when the shop shows
    no tax (TAX_RATE unset): the rate waits for it."""
    tr = i18n.current()
    sku = change.product.sku
    if change.rate is not None:
        text = tr._(
            "{sku} is now taxed at {rate}%.", sku=sku, rate=rate_text(change.rate, tr.locale)
        )
    elif settings.tax_rate_bp is not None:
        shop = rate_text(settings.tax_rate_bp, tr.locale)
        text = tr._("{sku} is now taxed at the shop's rate, {rate}%.", sku=sku, rate=shop)
    else:
        text = tr._("{sku} is now taxed at the shop's rate.", sku=sku)
    if not settings.tax_on:
        text += " " + tr._("The shop shows no tax until TAX_RATE is set.")
    return text


def tiers_set(change: TiersSet) -> str:
    """/tiers' answer: "KIT-MUG-CER: 📦 Buy 3+: −10% · 6+: −15%" (set or shown), or that it
    has none (taken off, or never had any)."""
    tr = i18n.current()
    sku = change.product.sku
    if change.tiers:
        return f"{sku}: {tiers_line(tr, change.tiers)}"
    if change.changed:
        return tr._("{sku} has no quantity tiers any more.", sku=sku)
    return tr._("{sku} has no quantity tiers. /tiers {sku} 3:10% 6:15% sets some.", sku=sku)


def bundle_set(change: BundleSet) -> str:
    """/bundle's answer: "KIT-TEA-SET is a set of: 1 × Gooseneck Kettle 1L (KIT-KTL-GOO), ..."
    (set or shown), or that it is sold as itself (taken off, or never a set)."""
    tr = i18n.current()
    sku = change.product.sku
    if change.parts:
        lines = [
            tr._(
                "{quantity} × {title} ({sku})",
                quantity=part.quantity,
                title=tr.name(part.title, part.translations),
                sku=part.sku,
            )
            for part in change.parts
        ]
        return tr._("{sku} is a set of:", sku=sku) + "\n" + "\n".join(f"• {ln}" for ln in lines)
    if change.changed:
        return tr._("{sku} is no set any more: it is sold as itself.", sku=sku)
    return tr._("{sku} is no set. /bundle {sku} KIT-KTL-GOO:1 KIT-MUG-CER:2 makes it one.", sku=sku)


def sale_ended(tr: Translator, compare_at: int, currency: str) -> str:
    """Why a new price takes a product off sale: it is not below its regular price."""
    return tr._(
        "Its sale ends: the new price is not below its regular price, {was}.",
        was=tr.money(compare_at, currency),
    )


def stock_changed(result: StockResult) -> str:
    tr = i18n.current()
    text = tr._(
        "{sku} stock: {before} → {after}", sku=result.sku, before=result.before, after=result.after
    )
    if result.reserved:
        text += tr._(", {count} held by unpaid invoices", count=result.reserved)
    return text + "; " + tr._("{count} available.", count=result.available)


def visibility_set(product: ProductFacts) -> str:
    tr = i18n.current()
    if product.is_active:
        return tr._("{sku} ({title}) is back in the catalog.", sku=product.sku, title=product.title)
    return tr._("{sku} ({title}) is hidden from shoppers.", sku=product.sku, title=product.title)


# ----------------------------------------------------------------------------- product flows


def _yes_no(tr: Translator, yes: bool) -> str:
    return tr._("yes") if yes else tr._("no")


def _field_buttons(flow: Flow, fields: list[ProductField], more: Rows | None = None) -> Rows:
    """A button per field the /edit offers, three a row, `more` rows, and Cancel."""
    tr = i18n.current()
    rows: Rows = [
        [button(tr._(f.label), FlowPickField(flow["id"], f.name)) for f in fields[i : i + 3]]
        for i in range(0, len(fields), 3)
    ]
    return [*rows, *(more or []), *flow_buttons(flow)]


def _removal_buttons(flow: Flow, product: ProductFacts) -> Rows:
    """🗑 Remove photo 2, 3...: the gallery's photos after the product's own, three a row."""
    tr = i18n.current()
    removals = [
        button(tr._("🗑 Remove photo {number}", number=n), FlowRemovePhoto(flow["id"], n))
        for n in range(2, product.photos + 1)
    ]
    return [removals[i : i + 3] for i in range(0, len(removals), 3)]


def _own_prices(tr: Translator, prices: tuple[tuple[str, int], ...], currency: str) -> str:
    """ "APP-TEE-ORG-L-CHA: $26.00": the variants priced on their own."""
    return ", ".join(f"{sku}: {tr.money(price, currency)}" for sku, price in prices)


def _stock_line(tr: Translator, card: EditCard) -> str:
    """A product sold as variants has no stock of its own: their total, and how to change one."""
    product = card.product
    if not card.sold_as_variants:
        return tr._("Stock: {count} ({held} held)", count=product.stock, held=product.reserved)
    if not card.variant_sku:
        return tr._("Stock: none; it is sold as variants and has none yet (import them).")
    return tr.ngettext(
        "Stock: {count} in {variants} variant ({held} held); change a variant's stock with "
        "/stock VARIANT-SKU, e.g. /stock {example} 10",
        "Stock: {count} in {variants} variants ({held} held); change a variant's stock with "
        "/stock VARIANT-SKU, e.g. /stock {example} 10",
        product.variants,
        count=product.stock,
        variants=product.variants,
        held=product.reserved,
        example=card.variant_sku,
    )


def edit_card(card: EditCard) -> AdminView:
    """/edit: the product as it is, and a button per field it has."""
    tr = i18n.current()
    product = card.product
    rows = _field_buttons(card.flow, card.fields, _removal_buttons(card.flow, product))
    price = tr.money(product.price, product.currency)
    if card.own_prices:
        price += " " + tr.ngettext(
            "(a variant priced on its own: {prices})",
            "(variants priced on their own: {prices})",
            len(card.own_prices),
            prices=_own_prices(tr, card.own_prices, product.currency),
        )
    visible = (
        _yes_no(tr, True) if product.is_active else f"{_yes_no(tr, False)} (/show {product.sku})"
    )
    text = "\n".join(
        [
            tr._("Editing {sku}", sku=product.sku),
            tr._("Title: {value}", value=product.title),
            tr._("Description: {value}", value=product.description or tr._("(none)")),
            tr._("Category: {value}", value=card.category),
            tr._("Price: {value}", value=price),
            tr._(
                "Was price: {value}",
                value=catalog.describe_value("compare_at", product.compare_at, product.currency),
            ),
            tr._(
                "Limit per order: {value}",
                value=catalog.limit_words(product.max_per_order),
            ),
            tr._(
                "Quantity tiers: {value}",
                value=tiers_text(tr, product.tiers) if product.tiers else tr._("none"),
            )
            + f" (/tiers {product.sku})",
            _stock_line(tr, card),
            _photo_line(tr, product),
            tr._("Visible: {value}", value=visible),
            "",
            tr._("Which field do you want to change?"),
        ]
    )
    return AdminView(text, rows)


def _photo_line(tr: Translator, product: ProductFacts) -> str:
    """Photo: yes, and how many the card pages through when it has more than one."""
    line = tr._("Photo: {value}", value=_yes_no(tr, True) if product.has_photo else tr._("none"))
    if product.photos > 1:
        line += " " + tr._("({count} in all)", count=product.photos)
    return line


SKIP = N_("Skip")
# A skip button's words where "Skip" is not what skipping does.
SKIP_LABELS = {"max_per_order": N_("No limit")}


def wizard_step(step: WizardStep) -> AdminView:
    """The question for the flow's current step (after what was wrong, if anything)."""
    if step.show_preview:
        return _preview(step)
    tr = i18n.current()
    before = step.problem + "\n\n" if step.problem else ""
    if step.ended:
        return AdminView(before + tr._("Nothing was saved."))
    if step.picking_field:
        picks = _field_buttons(step.flow, step.fields)
        return AdminView(before + tr._("Pick a field with the buttons."), picks)
    field = step.field
    if field is None:
        return AdminView(before + tr._("Press Save, or Cancel."))
    flow = step.flow
    rows: Rows = [
        [
            button(title, FlowPickCategory(flow["id"], cid))
            for cid, title in step.categories[i : i + 2]
        ]
        for i in range(0, len(step.categories), 2)
    ]
    if step.category_pages > 1:
        rows.append(_category_pages(tr, flow, step.category_page, step.category_pages))
    skip = tr._(SKIP_LABELS.get(field.name, SKIP)) if step.skippable else None
    rows += flow_buttons(flow, skip=skip)
    adding = flow["kind"] == "add"
    number = f"({ADD_STEPS.index(field.name) + 1}/{len(ADD_STEPS)}) " if adding else ""
    prompt = field.asked(tr, adding=adding)
    text = f"{step.problem}\n\n{prompt}" if step.problem else f"{number}{prompt}"
    return AdminView(text, rows)


def _category_pages(
    tr: Translator, flow: Flow, page: int, pages: int
) -> list[InlineKeyboardButton]:
    """◀ Prev · 2/7 · Next ▶ under a page of the categories."""
    nav = [button(tr._("◀ Prev"), FlowCategoryPage(flow["id"], page - 1))] if page > 0 else []
    nav.append(button(f"{page + 1}/{pages}", Noop()))
    if page < pages - 1:
        nav.append(button(tr._("Next ▶"), FlowCategoryPage(flow["id"], page + 1)))
    return nav


def _preview(step: WizardStep) -> AdminView:
    tr = i18n.current()
    flow, currency = step.flow, step.currency
    rows = flow_buttons(flow, confirm=tr._("✅ Save"))
    if flow["kind"] == "edit" and flow["field"] in (ADD_PHOTO, DROP_PHOTO):
        return _gallery_preview(flow, rows)
    if flow["kind"] == "edit":
        field = PRODUCT_FIELDS[flow["field"]]
        shown = catalog.describe_value(field.name, flow["value"], currency)
        text = tr._(
            "Change the {field} of {sku} to: {value}?",
            field=tr._(field.label).lower(),
            sku=flow["sku"],
            value=shown,
        )
        if step.own_prices:
            text += "\n" + tr.ngettext(
                "{prices} keeps its own price (a catalog file changes it).",
                "{prices} keep their own prices (a catalog file changes them).",
                len(step.own_prices),
                prices=", ".join(
                    f"{sku} ({tr.money(price, currency)})" for sku, price in step.own_prices
                ),
            )
        if step.sale_ends is not None:
            text += "\n" + sale_ended(tr, step.sale_ends, currency)
        photo = flow["value"] if field.wants_photo and flow["value"] else None
        return AdminView(text, rows, photo)
    values = flow["values"]
    text = "\n".join(
        [
            tr._("Preview of the new product:"),
            "",
            f"{values['title']}\n{values['description']}",
            "",
            tr._("Category: {value}", value=values["category"]),
            tr._("Price: {value}", value=tr.money(int(values["price"]), currency)),
            tr._("Stock: {value}", value=values["stock"]),
            tr._(
                "Limit per order: {value}",
                value=catalog.limit_words(values.get("max_per_order")),
            ),
            tr._(
                "Photo: {value}",
                value=catalog.describe_value("photo", values["photo"], currency),
            ),
            "",
            tr._("Save it?"),
        ]
    )
    return AdminView(text, rows, values["photo"] or None)


def _gallery_preview(flow: Flow, rows: Rows) -> AdminView:
    """/edit's question before a photo is added to the product's gallery or removed."""
    tr = i18n.current()
    if flow["field"] == ADD_PHOTO:
        text = tr._("Add this photo after the other photos of {sku}?", sku=flow["sku"])
        return AdminView(text, rows, flow["value"])
    text = tr._(
        "Remove photo {number} ({photo}) of {sku}?",
        number=flow.get("number", "?"),
        photo=flow["value"],
        sku=flow["sku"],
    )
    return AdminView(text, rows)


def saved(done: Saved) -> str:
    tr = i18n.current()
    product = done.product
    if done.field is not None and done.field.name in (ADD_PHOTO, DROP_PHOTO):
        return tr.ngettext(
            "Saved: {sku} has {count} photo now.",
            "Saved: {sku} has {count} photos now.",
            product.photos,
            sku=product.sku,
            count=product.photos,
        )
    if done.field is None:
        return tr._(
            "Saved {sku}: {title}, {price}, stock {count}.",
            sku=product.sku,
            title=product.title,
            price=tr.money(product.price, done.currency),
            count=product.stock,
        )
    shown = catalog.describe_value(done.field.name, done.value, done.currency)
    return tr._(
        "Saved: the {field} of {sku} is now {value}.",
        field=tr._(done.field.label).lower(),
        sku=product.sku,
        value=shown,
    )


# ----------------------------------------------------------------------------- files, report


def imported(file_name: str, report: ImportReport) -> str:
    """The counts, the shop's case twins (SKUs differing only in case), the SKUs created
    and updated (as many as one message holds, each list half of the room left), and the
    columns the file had that no catalog has."""
    tr = i18n.current()
    head = tr._("Imported {file}: {summary}.", file=file_name, summary=report.summary(tr))
    ignored = ""
    if report.ignored_columns:
        columns = ", ".join(report.ignored_columns)
        ignored = tr._("Ignored columns (not catalog fields): {columns}", columns=columns)
    twins = ""
    if report.case_twins:
        groups = [" / ".join(group) for group in report.case_twins]
        twins = tr._(
            "These SKUs differ only in case, so each is found only spelt exactly as here: {twins}",
            twins=as_many_as_fit(tr, groups, MESSAGE_ROOM // 4, sep="; "),
        )
    used = sum(map(telegram_length, (head, ignored, twins)))
    room = MESSAGE_ROOM - used - 64  # labels, line breaks
    lists = [(N_("Created: {skus}"), report.created), (N_("Updated: {skus}"), report.updated)]
    lines = [head, twins] if twins else [head]
    for n, (label, skus) in enumerate((label, skus) for label, skus in lists if skus):
        share = room // 2 if n == 0 and report.created and report.updated else room
        text = tr._(label, skus=as_many_as_fit(tr, skus, share))
        lines.append(text)
        room -= telegram_length(text)
    return "\n".join([*lines, ignored] if ignored else lines)


def import_waits(file_name: str) -> str:
    return i18n.current()._(
        "Another catalog import is being applied; {file} follows as soon as it is done.",
        file=file_name,
    )


def import_refused(file_name: str, error: Exception) -> str:
    if not isinstance(error, CatalogError):
        return str(error)
    tr = i18n.current()
    count = len(error.errors)
    head = tr.ngettext(
        "Nothing was imported: {file} has {count} problem. Fix them and send the file again.",
        "Nothing was imported: {file} has {count} problems. Fix them and send the file again.",
        count,
        file=file_name,
        count=count,
    )
    lines = ["• " + line for line in catalog.describe_catalog_errors(error)]
    return f"{head}\n\n" + as_many_as_fit(
        tr, lines, MESSAGE_ROOM - telegram_length(head) - 2, sep="\n"
    )


def export_caption(count: int) -> str:
    return i18n.current().ngettext(
        "{count} product. Edit and send the file back to import it.",
        "{count} products. Edit and send the file back to import it.",
        count,
        count=count,
    )


def shop_report(stats: StoreStats) -> str:
    tr = i18n.current()
    zone = stats.now.tzinfo or UTC  # the shop's clock: "Today" starts at its midnight
    moment = tr.datetime(stats.now, zone)
    lines = [
        tr._("📊 Shop report ({moment} {zone})", moment=moment, zone=str(zone)),
        "",
    ]
    for period in stats.periods:
        c = period.currency
        refunds = (
            " "
            + tr._(
                "(gross {gross}, refunds {refunds})",
                gross=tr.money(period.gross, c),
                refunds=tr.money(period.refunds, c),
            )
            if period.refunds
            else ""
        )
        orders = tr.ngettext("{count} order", "{count} orders", period.orders, count=period.orders)
        extras = [
            tr._("discounts {amount}", amount=tr.money(period.discounts, c))
            if period.discounts
            else "",
            tr._("tips {amount}", amount=tr.money(period.tips, c)) if period.tips else "",
        ]
        given = "; ".join(part for part in extras if part)
        lines.append(
            tr._(
                "{period}: {net} revenue{refunds}, {orders}, average {average}",
                period=tr._(period.label),
                net=tr.money(period.net, c),
                refunds=refunds,
                orders=orders,
                average=tr.money(period.average_order, c),
            )
            + (f"; {given}" if given else "")
        )
    lines += _tax_line(tr, stats)
    lines += ["", tr._("Top products (30 days):")]
    lines += top_product_lines(tr, stats.top_products) or [tr._("(no sales yet)")]
    if stats.top_codes:
        currency = stats.periods[0].currency if stats.periods else ""
        lines += ["", tr._("Top promo codes (30 days):")]
        lines += [
            tr._(
                "{rank}. {code}: {orders}, {amount} off",
                rank=i,
                code=code.code,
                orders=tr.ngettext(
                    "{count} order", "{count} orders", code.orders, count=code.orders
                ),
                amount=tr.money(code.discount, currency),
            )
            for i, code in enumerate(stats.top_codes, 1)
        ]
    if stats.ratings is not None:
        lines += ["", *rating_lines(tr, stats.ratings)]
    lines += ["", tr._("Low stock (≤ {threshold} available):", threshold=stats.threshold)]
    ending = []
    if stats.other_currencies:
        others = ", ".join(stats.other_currencies)
        ending = ["", tr._("Not counted above: orders in {currencies}", currencies=others)]
    room = MESSAGE_ROOM - telegram_length("\n".join([*lines, *ending])) - 1
    return "\n".join([*lines, *_low_stock_lines(tr, stats, room), *ending])


def _tax_line(tr: Translator, stats: StoreStats) -> list[str]:
    """ "VAT included: Today $3.50 · 7 days $10.00 · 30 days $12.00": the tax in each period's
    paid sales, less what refunds gave back; nothing in a shop without it, or with none yet."""
    if stats.tax_label is None or not any(period.tax for period in stats.periods):
        return []
    amounts = " · ".join(
        f"{tr._(period.label)} {tr.money(period.tax, period.currency)}" for period in stats.periods
    )
    return [tr._("{label} included: {amounts}", label=stats.tax_label, amounts=amounts)]


def _low_stock_lines(tr: Translator, stats: StoreStats, room: int) -> list[str]:
    """The low-stock lines that fit in `room` characters, then how many more there are: the
    report stays one message, however long the SKUs and titles (whole lines, never cut)."""
    if not stats.low_stock:
        return [tr._("(none)")]
    lines = ["• " + low_stock_line(tr, p, REPORT_TITLE) for p in stats.low_stock]

    def more(count: int) -> list[str]:
        text = tr.ngettext(
            "… and {count} more (/export lists every product's stock)",
            "… and {count} more (/export lists every product's stock)",
            count,
            count=count,
        )
        return [text] if count > 0 else []

    shown = len(lines)

    def length(shown: int) -> int:
        return telegram_length("\n".join([*lines[:shown], *more(stats.low_stock_count - shown)]))

    while shown and length(shown) > room:
        shown -= 1
    return [*lines[:shown], *more(stats.low_stock_count - shown)]


def rating_lines(tr: Translator, ratings: RatingStats) -> list[str]:
    """/stats' stars: how many were given lately and in all, with their averages, and the
    best- and worst-rated products (a few lines, whatever the catalog's size)."""
    f = ratings.figures
    if not f.count:
        return [tr._("Ratings: none yet")]
    if f.recent_count:
        recent = tr.ngettext(
            "{count} new in 30 days, average ★ {average}",
            "{count} new in 30 days, average ★ {average}",
            f.recent_count,
            count=f.recent_count,
            average=tr.average(f.recent_total, f.recent_count),
        )
    else:
        recent = tr._("none new in 30 days")
    lines = [
        tr._(
            "Ratings: {overall}; {recent}", overall=stars_text(tr, f.total, f.count), recent=recent
        )
    ]
    if not ratings.best:
        few = tr.ngettext(
            "(no product has {count} rating yet)",
            "(no product has {count} ratings yet)",
            RATED_AT_LEAST,
            count=RATED_AT_LEAST,
        )
        return [*lines, few]
    lines.append(
        tr.ngettext(
            "Best rated (of those with {count} rating or more):",
            "Best rated (of those with {count} ratings or more):",
            RATED_AT_LEAST,
            count=RATED_AT_LEAST,
        )
    )
    lines += [_rated_line(tr, p) for p in ratings.best]
    if ratings.worst:
        lines.append(tr._("Worst rated:"))
        lines += [_rated_line(tr, p) for p in ratings.worst]
    return lines


def _rated_line(tr: Translator, product: RatedProduct) -> str:
    """A best- or worst-rated product, its title shortened: six of them stay a few lines."""
    title = clip(tr.name(product.title, product.translations), REPORT_TITLE)
    return f"• {product.sku} · {title}: {stars_text(tr, product.total, product.count)}"
