"""An invoice as a PDF (fpdf2), in the buyer's language, from bot.services.invoices' plain
data. Drawing takes tens of milliseconds of CPU: callers run `render` on a worker thread
(bot.usecases.invoices), never on the event loop.

The text is DejaVu Sans, shipped in data/fonts (with its licence): a Unicode font, so
Cyrillic names and titles print; its subset is embedded in each file with a map back to
the characters, so the text can be searched and copied.

The fonts are parsed once per process (`_parsed`: their metrics and character map, parsed
again for every drawing before), and each drawing gets its own copy of what drawing changes:
the subset it picks, the widths' map, the font descriptor (fpdf2 numbers it and hangs the
embedded file on it when it writes) and the font file's tables, which fpdf2 subsets in place
when it writes the file. So drawings on several threads
at once share only what none of them writes.
"""

from __future__ import annotations

import asyncio
import copy
import io
import logging
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from telegram import Bot, InputFile
from telegram.error import TelegramError

from bot import i18n
from bot.i18n import N_, Translator, translator
from bot.services.invoices import InvoiceDocument
from bot.services.order_summary import discount_line, gift_card_line, tax_lines
from bot.texts import delivery as delivery_texts
from bot.texts import invoices as texts

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # by style
INVOICE = N_("Invoice")
_MARGIN = 18  # mm
_COLUMNS = (88, 20, 33, 33)  # item, quantity, unit price, amount: 174 mm, A4 less margins
_ALIGN = ("LEFT", "RIGHT", "RIGHT", "RIGHT")


def render(doc: InvoiceDocument, zone: ZoneInfo) -> bytes:
    """The invoice's PDF file; dates on the shop's clock (`zone`), words in its buyer's
    language."""
    tr = translator(doc.language)
    pdf = _page(doc)
    pdf.set_font(FONT, "B", 20)
    pdf.cell(0, 10, tr._(INVOICE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    for line in _heading(doc, tr, zone):
        pdf.cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    _parties(pdf, doc, tr)
    pdf.ln(4)
    _lines(pdf, doc, tr)
    pdf.ln(3)
    _totals(pdf, doc, tr, zone)
    return bytes(pdf.output())


def _page(doc: InvoiceDocument) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN)
    for style in FONT_FILES:
        _add_font(pdf, style)
    pdf.set_title(doc.number)
    pdf.set_author(doc.seller)
    pdf.set_creator("shopbot")
    pdf.set_creation_date(doc.issued_at)  # the same invoice makes the same file
    pdf.add_page()
    return pdf


class _ParsedFont:
    """A font file parsed once: fpdf2's font object (read-only from then on) and the file's
    bytes, which each drawing reads its own tables from."""

    def __init__(self, style: str) -> None:
        path = FONTS / FONT_FILES[style]
        self.data = path.read_bytes()
        self.font = TTFFont(FPDF(), path, _font_key(style), style)


_parsed: dict[str, _ParsedFont] = {}
_parsing = threading.Lock()


def _parsed_font(style: str) -> _ParsedFont:
    """The style's font, parsed by the first drawing that needs it (one thread parses it,
    any other waits for it)."""
    if (found := _parsed.get(style)) is None:
        with _parsing:
            if (found := _parsed.get(style)) is None:
                found = _parsed[style] = _ParsedFont(style)
    return found


def _font_key(style: str) -> str:
    return f"{FONT.lower()}{style}"  # as FPDF.add_font names it


def _add_font(pdf: FPDF, style: str) -> None:
    """FPDF.add_font without parsing the file again: the parsed font's read-only parts
    (metrics, character map, descriptor) shared, and what this drawing changes its own."""
    parsed = _parsed_font(style)
    font = copy.copy(parsed.font)
    font.i = len(pdf.fonts) + 1
    font.cw = copy.copy(parsed.font.cw)  # a defaultdict: looking a character up may add it
    font.desc = copy.copy(parsed.font.desc)  # output numbers it and hangs its font file on it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.ttfont = ttLib.TTFont(io.BytesIO(parsed.data), recalcTimestamp=False, lazy=True)
    font._hbfont = None  # text shaping is off: never made, but not shared either
    font.subset = SubsetMap(font)  # the characters this drawing uses, and their order
    pdf.fonts[_font_key(style)] = font


def _heading(doc: InvoiceDocument, tr: Translator, zone: ZoneInfo) -> list[str]:
    lines = [
        tr._("Number: {number}", number=doc.number),
        tr._("Issued: {day}", day=tr.date(doc.issued_at, zone)),
    ]
    if doc.order.paid_at is not None:
        lines.append(tr._("Paid: {day}", day=tr.date(doc.order.paid_at, zone)))
    lines.append(tr._("Order #{order_id}", order_id=doc.order.order_id))
    if doc.order.delivery_day is not None and doc.order.delivery_window is not None:
        lines.append(
            delivery_texts.invoice_line(tr, doc.order.delivery_day, doc.order.delivery_window)
        )
    return lines


def _parties(pdf: FPDF, doc: InvoiceDocument, tr: Translator) -> None:
    """The seller on the left, the buyer on the right."""
    seller = [doc.seller, *doc.seller_address]
    if doc.seller_tax_id:
        seller.append(tr._("VAT number: {number}", number=doc.seller_tax_id))
    buyer = [doc.buyer or "-"]
    if doc.buyer_address:
        buyer.append(doc.buyer_address)
    top, half = pdf.get_y(), (pdf.w - 2 * _MARGIN) / 2
    for x, heading, lines in (
        (_MARGIN, tr._("Seller"), seller),
        (_MARGIN + half, tr._("Buyer"), buyer),
    ):
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(half - 4, 5, heading, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(half - 4, 5, "\n".join(lines), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(_MARGIN, max(pdf.get_y(), top + 5 * (1 + max(len(seller), len(buyer)))))


def _lines(pdf: FPDF, doc: InvoiceDocument, tr: Translator) -> None:
    order = doc.order
    with pdf.table(col_widths=_COLUMNS, text_align=_ALIGN, line_height=6) as table:
        table.row([tr._("Item"), tr._("Qty"), tr._("Unit price"), tr._("Amount")])
        for line in order.lines:
            table.row(
                [
                    tr.name(line.title, line.translations),
                    str(line.quantity),
                    tr.money(line.unit_price, order.currency),
                    tr.money(line.line_total, order.currency),
                ]
            )


def _totals(pdf: FPDF, doc: InvoiceDocument, tr: Translator, zone: ZoneInfo) -> None:
    """Discount, shipping, tip, gift card, the total, the VAT it includes per rate (the
    words of every screen of the order), then the refunds so far."""
    order = doc.order

    def money(amount: int) -> str:
        return tr.money(amount, order.currency)

    lines = [tr._("Items: {amount}", amount=money(order.items_total))]
    if order.discount_total:
        lines.append(discount_line(tr, order.promo_code, order.discount_total, order.currency))
    if order.shipping_total:
        lines.append(tr._("Shipping: {amount}", amount=money(order.shipping_total)))
    if order.tip_amount:
        lines.append(tr._("Tip: {amount}", amount=money(order.tip_amount)))
    if paid_by_card := gift_card_line(order, tr):
        lines.append(paid_by_card)
    for text in lines:
        pdf.cell(0, 6, text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 12)
    total = tr._("Total: {total}", total=money(order.total))
    pdf.cell(0, 8, total, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    for text in tax_lines(tr, order.tax_label, order.taxes, order.currency):
        pdf.cell(0, 6, text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.refunds:
        pdf.ln(3)
    for refund in doc.refunds:
        made = tr._(
            "Refunded on {day}: {amount}", day=tr.date(refund.at, zone), amount=money(refund.amount)
        )
        pdf.cell(0, 6, made, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


async def send(bot: Bot, chat_id: int, doc: InvoiceDocument, zone: ZoneInfo) -> bool:
    """Draw the invoice on a worker thread (the event loop goes on meanwhile) and send it as
    a document named by its number ("INV-2026-000042.pdf"), captioned in the presser's
    language; False if Telegram refused it."""
    content = await asyncio.to_thread(render, doc, zone)
    caption = i18n.current()._(texts.CAPTION, number=doc.number, order_id=doc.order.order_id)
    try:
        await bot.send_document(
            chat_id, InputFile(content, filename=doc.file_name), caption=caption
        )
    except TelegramError as exc:
        log.warning("could not send invoice %s to chat %s: %s", doc.number, chat_id, exc)
        return False
    return True
