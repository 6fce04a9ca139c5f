"""The chapters of a 自评报告, typed in the portal in Markdown: rendered, sanitised, numbered.

Headings inside a chapter are numbered in the official style under the chapter's own
一、: the first heading level used becomes （一）, the next 1., the next （1）; numbers typed by
hand are replaced, so reordering never leaves them wrong. The HTML is cleaned with nh3 (an
allow-list: no script, style, attributes or links survive)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.translation import gettext_lazy as _

from ..rendering.format import chinese_ordinal
from ..rendering.typography import zh_punctuation

# (field on Report, chapter title, required for a final). 基本情况 is printed from the plan
# too (city, plan, leading group); the text is the office's own account.
CHAPTERS = (
    ("basic_info", _("基本情况"), True),
    ("work_summary", _("主要做法与成效"), True),
    ("cases", _("典型案例"), True),
    ("problems", _("存在问题"), True),
    ("next_steps", _("下一步工作计划"), True),
)

ALLOWED_TAGS = {
    "p",
    "h3",
    "h4",
    "h5",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "br",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
}
ALLOWED_ATTRIBUTES = {"span": {"class"}}

# Text that is not yet the report's: demo markers, blanks to fill, template prompts.
PLACEHOLDER_RE = re.compile(
    r"【演示】|尚未填写|待填写|待补充|请填写|此处填写|（此处|\(此处|TODO|TBD|XXX|××|〇〇|lorem ipsum", re.I
)
_HAND_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|[（(]\d+[）)])\s*"
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        clean_content_tags={"script", "style"},
    )


def _numbered(text: str) -> str:
    """Markdown headings → numbered h3/h4/h5 lines in the official style."""
    lines = text.replace("\r\n", "\n").split("\n")
    levels = sorted({len(m.group(1)) for m in map(_HEADING.match, lines) if m})
    counters = [0, 0, 0]
    out = []
    for line in lines:
        m = _HEADING.match(line)
        if not m:
            out.append(line)
            continue
        depth = min(levels.index(len(m.group(1))), 2)
        counters[depth] += 1
        for d in range(depth + 1, 3):
            counters[d] = 0
        n = counters[depth]
        number = (f"（{chinese_ordinal(n)}）", f"{n}．", f"（{n}）")[depth]
        title = _HAND_NUMBER.sub("", m.group(2))
        out.append(f"{'#' * (depth + 3)} {number}{title}")
    return "\n".join(out)


def chapter_html(text: str) -> str:
    """A chapter's Markdown as safe, numbered HTML (empty text → "")."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(_numbered(text), extensions=["tables", "sane_lists"], output_format="html")
    return zh_punctuation(sanitise(html), html=True)


@dataclass(frozen=True)
class Chapter:
    field: str
    title: str
    required: bool
    text: str
    html: str

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


def chapters_of(report) -> list[Chapter]:
    return [
        Chapter(
            field=f,
            title=str(t),
            required=r,
            text=getattr(report, f) or "",
            html=chapter_html(getattr(report, f)),
        )
        for f, t, r in CHAPTERS
    ]


def placeholders_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in PLACEHOLDER_RE.finditer(text or "")})
