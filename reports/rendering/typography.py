"""Official typography of the printed report (GB/T 15834 punctuation, unbreakable dates).

`zh_punctuation` turns half-width punctuation in Chinese text into the full-width forms
(，：；！？（）) — only where it touches Chinese, so "1,234", "12:30", "R=0.53" and Latin
text stay as they are. `report_typeset` applies it to every text node of the report's HTML
and keeps dates (2022年1月31日) and periods (2017—2020年) on one line."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SIMPLE = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_RAW_BLOCKS = re.compile(r"(<(style|script)\b.*?</\2>)", re.S | re.I)
_DATE = re.compile(
    r"(\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:\s?\d{1,2}:\d{2})?"
    r"(?:[—–-]\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?)?|\d{4}[—–-]\d{4}年|第\s?\d+\s?季度)"
)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK.match(ch))


def _text_punctuation(text: str) -> str:
    if not _CJK.search(text):
        return text
    chars = list(text)
    n = len(chars)

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < n and chars[j] == " ":
            j += step
        return chars[j] if 0 <= j < n else ""

    # Parentheses in pairs: full-width when the pair holds or follows Chinese.
    stack: list[int] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            inner = "".join(chars[start + 1 : i])
            if _CJK.search(inner) or _is_cjk(neighbour(start, -1)):
                chars[start], chars[i] = "（", "）"
    for i, ch in enumerate(chars):
        if ch in _SIMPLE:
            before, after = neighbour(i, -1), neighbour(i, 1)
            if before.isdigit() and after.isdigit():
                continue
            # A comma between a number and Chinese ("目标 32,000,完成率") separates clauses.
            if _is_cjk(before) or _is_cjk(after):
                chars[i] = _SIMPLE[ch]
    out = "".join(chars)
    # No spaces around full-width punctuation.
    return re.sub(r" *([，：；！？（）、。]) *", r"\1", out)


def zh_punctuation(text: str, *, html: bool = False) -> str:
    """Full-width punctuation in Chinese text; with html=True only in text nodes."""
    if not html:
        return _text_punctuation(text)
    return "".join(
        part if part.startswith("<") else _text_punctuation(part) for part in _TAG_OR_TEXT.split(text)
    )


def _typeset_text(text: str) -> str:
    text = _text_punctuation(text)
    return _DATE.sub(r'<span class="nw">\1</span>', text)


def report_typeset(html: str) -> str:
    """The whole report: punctuation and unbreakable dates in the body's text nodes."""
    head, sep, body = html.partition("<body")
    if not sep:
        return html
    out = []
    for block in _RAW_BLOCKS.split(body):
        if block is None or block.lower() in ("style", "script"):
            continue
        if _RAW_BLOCKS.fullmatch(block):
            out.append(block)
            continue
        in_title = False
        for part in _TAG_OR_TEXT.split(block):
            if part.startswith("<"):
                out.append(part)
            else:
                out.append(_typeset_text(part) if not in_title else part)
    return head + sep + "".join(out)
