"""Invoice PDFs: the fonts are parsed once per process, and drawings at once on several
threads each come out as if drawn alone (each has its own subset of the shared fonts)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from benchmarks import invoice_render
from benchmarks.invoice_render import sample_invoice
from bot.views import invoice_pdf

UTC = ZoneInfo("UTC")


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def parsings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The font files parsed from now on, in a process that has parsed none yet."""
    monkeypatch.setattr(invoice_pdf, "_parsed", {}, raising=False)
    parsed: list[str] = []
    parse = TTFFont.__init__

    def counted(self: TTFFont, *args: Any, **kwargs: Any) -> None:
        parsed.append(str(args[1]))
        parse(self, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "__init__", counted)
    return parsed


def test_three_invoices_drawn_parse_each_font_once(parsings: list[str]) -> None:
    for number in (1, 2, 3):
        invoice_pdf.render(sample_invoice(number), UTC)
    assert sorted(name.rsplit("/", 1)[-1] for name in parsings) == [
        "DejaVuSans-Bold.ttf",
        "DejaVuSans.ttf",
    ]


def test_drawing_leaves_the_parsed_fonts_as_they_were_parsed(parsings: list[str]) -> None:
    """What fpdf2 writes while drawing (the descriptor's object number and font file, the
    widths looked up, the subset) goes to the drawing's own copy: threads share only what
    none of them writes."""
    parsed = [invoice_pdf._parsed_font(style).font for style in invoice_pdf.FONT_FILES]
    before = [(dict(vars(font.desc)), dict(font.cw), len(font.subset)) for font in parsed]
    invoice_pdf.render(sample_invoice(1, "ru", "Борис"), UTC)
    invoice_pdf.render(sample_invoice(2, "es", "Íñigo"), UTC)
    assert [(dict(vars(font.desc)), dict(font.cw), len(font.subset)) for font in parsed] == before


def test_invoices_drawn_at_once_on_threads_are_each_what_it_is_drawn_alone() -> None:
    """Alice's invoice in English and Борис's in Russian use different characters: a subset
    or font tables shared between drawings would lose or mix glyphs."""
    docs = [
        sample_invoice(1, "en", "Alice"),
        sample_invoice(2, "ru", "Борис Пастернак"),
        sample_invoice(3, "es", "Íñigo Ñúñez"),
    ]
    alone = [invoice_pdf.render(doc, UTC) for doc in docs]
    assert "Борис Пастернак" in text_of(alone[1]) and "Кружка керамическая" in text_of(alone[0])
    assert "Íñigo Ñúñez" in text_of(alone[2])

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda n: invoice_pdf.render(docs[n % 3], UTC), range(12)))
    assert [content == alone[n % 3] for n, content in enumerate(together)] == [True] * 12
    again = [invoice_pdf.render(doc, UTC) for doc in reversed(docs)]
    assert again == list(reversed(alone))  # what one drew leaves nothing in the next


def test_the_file_is_byte_for_byte_what_parsing_the_fonts_each_time_drew() -> None:
    """The benchmark's two ways (python -m benchmarks.invoice_render): FPDF.add_font, as
    every drawing parsed the fonts before, and the fonts parsed once."""
    _, _, before, after = invoice_render.drawings(1)
    assert after == before


def test_an_order_with_a_delivery_time_says_it_under_its_number() -> None:
    """A bakery's invoice says when the order arrives, the day in the buyer's language; an
    order with no delivery time says nothing of it."""
    from dataclasses import replace
    from datetime import date

    doc = sample_invoice(7)
    timed = replace(
        doc, order=replace(doc.order, delivery_day=date(2026, 12, 7), delivery_window="10:00-12:00")
    )
    assert "Delivery: Mon, Dec 7, 2026, 10:00-12:00" in text_of(invoice_pdf.render(timed, UTC))
    russian = replace(timed, language="ru")
    # "Время доставки", not "Доставка": that is what Russian calls the shipping line
    assert "Время доставки: пн, 7 дек. 2026\u202fг., 10:00-12:00" in text_of(
        invoice_pdf.render(russian, UTC)
    )
    assert "Delivery:" not in text_of(invoice_pdf.render(doc, UTC))
