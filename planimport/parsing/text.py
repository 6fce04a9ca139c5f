"""Small, dependency-free helpers for Chinese government text."""

from __future__ import annotations

OPEN_BRACKETS = "(（〔〈《【[「『“‘<〖"
CLOSE_BRACKETS = ")）〕〉》】]」』”’>〗"

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"


def cn_to_int(s: str) -> int | None:
    """'三' -> 3, '十二' -> 12, '二十一' -> 21; None if not a Chinese numeral."""
    s = s.strip()
    if not s or any(c not in CN_NUMERAL_CHARS for c in s):
        return None
    total, current = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            unit = CN_UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def int_to_cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def split_outside_brackets(s: str, seps: str) -> list[str]:
    """Split on any char of ``seps`` that is not inside a bracket or quote."""
    parts, buf, depth = [], [], 0
    for ch in s:
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def split_spans_outside_brackets(s: str, seps: str, keep_sep: bool = True) -> list[tuple[int, int]]:
    """Like split_outside_brackets but returns (start, end) spans; the separator stays
    with the piece it ends when ``keep_sep``."""
    spans, start, depth = [], 0, 0
    for i, ch in enumerate(s):
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            end = i + 1 if keep_sep else i
            if end > start:
                spans.append((start, end))
            start = i + 1
    if start < len(s):
        spans.append((start, len(s)))
    return spans


def unbalanced_open(s: str) -> int:
    """How many round/corner brackets are opened and not closed in ``s``."""
    n = 0
    for ch in s:
        if ch in "(（〔〈【[":
            n += 1
        elif ch in ")）〕〉】]":
            n -= 1
    return n


def matching_open_index(s: str, close_index: int) -> int | None:
    """Index of the bracket that opens the one closing at ``close_index``."""
    depth = 0
    for i in range(close_index, -1, -1):
        ch = s[i]
        if ch in CLOSE_BRACKETS and ch not in "”’":
            depth += 1
        elif ch in OPEN_BRACKETS and ch not in "“‘":
            depth -= 1
            if depth == 0:
                return i
    return None


def first_sentence(s: str) -> tuple[str, int]:
    """First sentence (up to 。！？!? outside brackets), without its end mark, and the
    index just past the end mark (or len(s))."""
    depth = 0
    for i, ch in enumerate(s):
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif ch in "。！？!?" and depth == 0:
            return s[:i], i + 1
    return s.rstrip("。；;，,：:"), len(s)


def longest_common_substring(a: str, b: str) -> int:
    if not a or not b:
        return 0
    best = 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


FULLWIDTH_TRANS = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
    0xFF05: ord("%"),
}


def halfwidth_alnum(s: str) -> str:
    """Full-width digits, Latin letters and % to ASCII; brackets and Chinese
    punctuation are left as printed."""
    return s.translate(FULLWIDTH_TRANS)
