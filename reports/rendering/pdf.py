"""HTML → PDF with WeasyPrint: A4, running header, "第 X 页 共 Y 页", a CJK font embedded."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .fonts import cjk_font_family, cjk_serif_family
from .typography import zh_punctuation

CELL_TEXT_CLIP = 600  # characters of a task's text in the task table (the workbook has it all)
CELL_TEXT_CLIP_SHORT = 240  # of a progress report's text and problems in the narrow status column


def css_string(text: str) -> str:
    """A CSS string literal: every ASCII character that is not a letter, a digit or a space
    becomes a hex escape, so no title can close the string or the <style> element."""
    out = []
    for ch in text:
        if ch.isascii() and not (ch.isalnum() or ch == " "):
            out.append(f"\\{ord(ch):x} ")
        elif ch in "\u2028\u2029":
            out.append(" ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_footer_css() -> str:
    """`content` of the footer from the translated pattern "第 {page} 页 共 {pages} 页"."""
    pattern = _("第 {page} 页 共 {pages} 页")
    parts = []
    rest = pattern
    while rest:
        cut = min((i for i in (rest.find("{page}"), rest.find("{pages}")) if i >= 0), default=-1)
        if cut < 0:
            parts.append(css_string(rest))
            break
        if cut:
            parts.append(css_string(rest[:cut]))
        if rest.startswith("{pages}", cut):
            parts.append("counter(pages)")
            rest = rest[cut + len("{pages}") :]
        else:
            parts.append("counter(page)")
            rest = rest[cut + len("{page}") :]
    return " ".join(parts)


def report_html(doc, *, font_family: str | None = None) -> str:
    """The report's HTML: the text content a version's `content_sha256` is computed from.
    `font_family`: the sans face (headings, tables); the running text takes the serif one."""
    family = font_family or cjk_font_family()
    return render_to_string(
        "reports/pdf/report.html",
        {
            "doc": doc,
            "font_family": family,
            "serif_family": cjk_serif_family(),
            # the running header is CSS, outside the body the typesetter reads: punctuate it here
            "running_title_css": mark_safe(css_string(zh_punctuation(doc.full_title))),  # noqa: S308 - escaped above
            "footer_css": mark_safe(page_footer_css()),  # noqa: S308 - escaped above
            # Longest texts a table cell shows: a row never splits, so it must fit on a page.
            "clip": CELL_TEXT_CLIP,
            "clip_short": CELL_TEXT_CLIP_SHORT,
        },
    )


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def pdf_from_html(html: str) -> RenderedPdf:
    """WeasyPrint alone. Nothing is fetched: charts are inline SVG, and only data: URLs pass."""
    from weasyprint import HTML, URLFetcher

    cjk_font_family()  # refuse to produce boxes
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
    return RenderedPdf(content=document.write_pdf(), page_count=len(document.pages))
