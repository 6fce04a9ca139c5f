"""Scanned PDFs (issue 12, bad input): a PDF made of page images has no text layer, and the
table reader (pdfplumber) finds nothing in it either; the user is told so, and that OCR is
needed. A scanned page inside a typeset PDF is named in a warning."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from planimport.parsing import PlanImportError, read_document
from planimport.parsing.reader import _pdf_tables_text


def _scan(pages: int) -> bytes:
    """A PDF of page images with table-like ruled lines, as a scanner makes it."""
    images = []
    for _ in range(pages):
        img = Image.new("RGB", (620, 877), "white")
        draw = ImageDraw.Draw(img)
        for y in range(100, 500, 40):  # a ruled table, as pixels
            draw.line((60, y, 560, y), fill="black", width=2)
        for x in (60, 200, 400, 560):
            draw.line((x, 100, x, 460), fill="black", width=2)
        images.append(img)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buf.getvalue()


def test_a_scanned_pdf_is_refused_with_the_advice_that_ocr_is_needed():
    data = _scan(3)
    assert _pdf_tables_text(data) == {}  # pdfplumber finds no table text in pixels
    with pytest.raises(PlanImportError) as exc:
        read_document(data, "扫描件.pdf")
    err = exc.value
    assert err.code == PlanImportError.IMAGE_ONLY_PDF
    assert "“扫描件.pdf”共 3 页" in err.message_zh and "文字层" in err.message_zh
    assert "OCR" in err.message_zh


def test_a_scanned_page_inside_a_typeset_pdf_is_named_in_a_warning():
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    body = "".join(
        f"<p>{k}.加强知识产权保护,完善行政执法和司法保护衔接机制,提升维权效率。</p>" for k in range(1, 40)
    )
    typeset = HTML(
        string=f"<html><body><h1>某某市知识产权强市建设实施方案</h1>{body}</body></html>"
    ).write_pdf()
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(typeset)).pages:
        writer.add_page(page)
    writer.add_page(PdfReader(io.BytesIO(_scan(1))).pages[0])
    buf = io.BytesIO()
    writer.write(buf)
    doc = read_document(buf.getvalue(), "mixed.pdf")
    last = doc.pages
    assert "加强知识产权保护" in doc.text
    assert any(f"第 {last} 页没有文字层" in w for w in doc.warnings)
