"""Chinese numerals and target phrases: 十家, 二十五项, 两倍, 一万件, 百分之三十, 1.5万件,
翻一番 (twice the baseline), and the comparators around them (超过 / 不少于 / 以上 / 以内 /
左右 / 力争 / 累计 / 年均). Nothing is guessed: a phrase without its number is no target."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import CN_DIGITS, CN_UNITS

_DIGITS, _UNITS = CN_DIGITS, CN_UNITS  # one table of Chinese digits: text.py
CN_NUMBER = r"[零〇一二两三四五六七八九十百千万亿]+"


def cn_number(s: str) -> int | None:
    """二十五 → 25, 一万 → 10000, 两 → 2, 十 → 10; None when ``s`` is not a numeral."""
    if not s or not re.fullmatch(CN_NUMBER, s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch in "万亿":
            section += digit or 0
            total += (section or 1) * (10000 if ch == "万" else 100000000)
            section, digit = 0, None
    return total + section + (digit or 0)


_NUM = r"\d+(?:\.\d+)?"
_TARGET_RE = re.compile(
    rf"^(?P<pre>累计|年均|力争|超过|突破|不少于|不低于|达到|≥|>=|＞|>|≤|<=|<|约)*\s*"
    rf"(?:(?P<num>{_NUM})|(?P<cn>{CN_NUMBER}))(?P<wan>万|亿)?"
    rf"(?:\s*[—–~～\-至到]\s*(?P<num2>{_NUM}))?\s*(?P<unit>[^\d\s以左上下内]{{0,4}}?)\s*"
    rf"(?P<post>以上|以下|以内|左右|及以上)?$"
)
_DOUBLE_RE = re.compile(
    r"^(?P<pre>力争|实现)?(翻一番|翻番|翻两番|增长一倍|(?P<n>[两二三四五六七八九十\d]+)倍)$"
)


@dataclass
class Target:
    comparator: str
    target: float | int | None
    target_max: float | int | None = None
    unit_prefix: str = ""  # 万 / 亿 printed with an Arabic number (1.5万件: target 1.5, unit 万件)
    unit: str | None = None
    cumulative: bool = False
    yearly: bool = False
    doubled: int | None = None  # 翻一番 → 2: the target is that multiple of the baseline
    note: str = ""


def _num(s: str) -> int | float:
    v = float(s)
    return int(v) if v.is_integer() else v


def parse_target(cell: str) -> Target | None:
    """A target as printed in a table cell or after a verb: ``95以上``, ``3以内``, ``9左右``,
    ``10—12``, ``累计2万``, ``二十家以上``, ``百分之三十``, ``翻一番``."""
    text = re.sub(r"\s", "", cell or "").replace("％", "%")
    if not text:
        return None
    bracketed = re.fullmatch(r"[〔［\[](.+)[〕］\]]", text)
    if bracketed:
        # 〔200〕: a cumulative target over the plan's period (规划 tables' notation)
        t = parse_target(bracketed.group(1))
        if t is not None:
            t.cumulative = True
        return t
    m = re.fullmatch(
        r"(?P<pre>累计|年均|力争|超过|不少于|不低于|达到)?百分之(?P<cn>[零一二两三四五六七八九十百]+)(?P<post>以上|以下|以内|左右)?",
        text,
    )
    if m:
        return Target(
            _comparator(m.group("pre") or "", m.group("post") or ""), cn_number(m.group("cn")), unit="%"
        )
    m = _DOUBLE_RE.match(text)
    if m:
        times = 4 if "两番" in text else 2
        if m.group("n"):
            times = cn_number(m.group("n")) if not m.group("n").isdigit() else int(m.group("n"))
        return Target(">=", None, doubled=times, note="目标为基期值的倍数")
    m = _TARGET_RE.match(text)
    if not m:
        return None
    pres = re.findall(
        r"累计|年均|力争|超过|突破|不少于|不低于|达到|≥|>=|＞|>|≤|<=|<|约",
        text[: m.start("num") if m.group("num") else m.start("cn")],
    )
    value = _num(m.group("num")) if m.group("num") else cn_number(m.group("cn"))
    if value is None:
        return None
    wan = m.group("wan") or ""
    if m.group("cn") and wan:  # 一万 is already 10000 in cn_number
        wan = ""
    t = Target(
        "range" if m.group("num2") else _comparator("".join(pres), m.group("post") or ""),
        value,
        _num(m.group("num2")) if m.group("num2") else None,
        unit_prefix=wan,
        unit=m.group("unit") or None,
        cumulative="累计" in pres,
        yearly="年均" in pres,
    )
    return t


def _comparator(pre: str, post: str) -> str:
    if post in ("以下", "以内") or re.search(r"≤|<=|<", pre):
        return "<="
    if re.search(r"超过|突破|＞|(?<![<≤])>(?!=)", pre):
        return ">"
    return ">="
