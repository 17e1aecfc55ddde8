"""Drawing invoice PDFs (bot.views.invoice_pdf.render): each drawing parsing the two DejaVu
fonts again, as it did before, against the fonts parsed once per process, as it does now.

N invoices (a paid order of three lines, one of them Cyrillic, with shipping, VAT and a
refund), drawn one after another in-process, the two ways in turn, after one drawing each
way to warm up; p50 and p90 of a drawing. The files are the same byte for byte either way.

    python -m benchmarks.invoice_render [--invoices N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF

from bot.services.invoices import InvoiceDocument, RefundMade
from bot.services.order_summary import LineSummary, OrderSummary
from bot.tax import RateTax
from bot.views import invoice_pdf

ZONE = ZoneInfo("UTC")
ISSUED = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def sample_invoice(number: int = 42, language: str = "en", buyer: str = "Alice") -> InvoiceDocument:
    """A paid order of three lines (one titled in Cyrillic), shipped, with VAT and a refund."""
    lines = (
        LineSummary(1, "KIT-MUG-CER", "Stoneware Mug 350ml", 1600, 2),
        LineSummary(2, "KIT-MUG-RU", "Кружка керамическая", 1800, 1),
        LineSummary(3, "STA-PEN-FTN", "Fountain Pen", 2400, 1),
    )
    order = OrderSummary(
        order_id=number,
        customer_telegram_id=1001,
        status="paid",
        currency="USD",
        lines=lines,
        items_total=7400,
        discount_total=0,
        shipping_total=500,
        total=7900,
        refunded_amount=1600,
        needs_shipping=True,
        shipping_option="standard",
        tracking_number=None,
        needs_review=False,
        created_at=ISSUED,
        paid_at=ISSUED,
        tax_label="VAT",
        taxes=(RateTax(2000, 1317),),
        tax_total=1317,
    )
    return InvoiceDocument(
        number=f"INV-2026-{number:06d}",
        issued_at=ISSUED,
        seller="Mugs & Co. Ltd",
        seller_address=("12 Main St", "Springfield"),
        seller_tax_id="GB123456789",
        buyer=buyer,
        buyer_address="Calle Mayor 1, 28013 Madrid, ES",
        order=order,
        refunds=(RefundMade(ISSUED, 1600),),
        language=language,
    )


def _parse_each_time(pdf: FPDF, style: str) -> None:
    """As drawings added their fonts before: FPDF.add_font parses the file every time."""
    pdf.add_font(invoice_pdf.FONT, style, str(invoice_pdf.FONTS / invoice_pdf.FONT_FILES[style]))


@contextmanager
def fonts_added_by(add: Callable[[FPDF, str], None]) -> Iterator[None]:
    kept = invoice_pdf._add_font
    invoice_pdf._add_font = add
    try:
        yield
    finally:
        invoice_pdf._add_font = kept


def drawing(doc: InvoiceDocument) -> tuple[float, bytes]:
    """Seconds one drawing of `doc` took, and its file."""
    began = time.perf_counter()
    content = invoice_pdf.render(doc, ZONE)
    return time.perf_counter() - began, content


def drawings(count: int) -> tuple[list[float], list[float], bytes, bytes]:
    """Seconds per drawing of `count` invoices each way, in turns (so a busy machine slows
    both alike), after one drawing each way to warm up; and each way's file."""
    doc = sample_invoice()
    before: list[float] = []
    after: list[float] = []
    old_file = new_file = b""
    for n in range(count + 1):
        with fonts_added_by(_parse_each_time):
            took, old_file = drawing(doc)
        if n:
            before.append(took)
        took, new_file = drawing(doc)
        if n:
            after.append(took)
    return before, after, old_file, new_file


def _figures(took: list[float]) -> str:
    ordered = sorted(took)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.invoice_render", description=__doc__
    )
    parser.add_argument("--invoices", type=int, default=50, metavar="N")
    count = parser.parse_args().invoices
    before, after, old_file, new_file = drawings(count)
    assert old_file == new_file, "the fonts parsed once changed the file"
    print(f"invoice PDF, {count} drawings, fonts parsed each drawing (before): {_figures(before)}")
    print(f"invoice PDF, {count} drawings, fonts parsed once a process (after): {_figures(after)}")
    print(f"file: {len(new_file):,} bytes, the same either way")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
