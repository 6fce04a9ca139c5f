"""Targets written as a multiple of a baseline: 翻一番, 翻两番, 增长一倍, 达到2023年的两倍,
增长两倍 (three times). The target is the baseline times the multiple, so it needs the
baseline printed in the sentence (由2023年的1260次翻一番, （2023年为3.2亿元）); without it
nothing is guessed and the phrase is reported for the office to complete."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .indicator_words import NUM, UNIT_ALT, strip_name, to_number
from .numerals import cn_number

_MULT_RE = re.compile(
    r"(?P<grow>增长|增加|提高|扩大)?(?:"
    r"(?P<double>翻一番|翻番|翻两番|一倍)"
    r"|(?P<n>[两二三四五六七八九十]|\d+(?:\.\d+)?)倍"
    r")"
)
_BASE_RE = re.compile(rf"(?P<num>{NUM})\s*(?P<unit>{UNIT_ALT})")
_YEAR_RE = re.compile(r"(?P<year>\d{4})\s*年(?:底|末)?")
# (2023年为3.2亿元) right after the multiple.
_AFTER_BASE_RE = re.compile(
    rf"^\s*[（(]\s*(?:(?P<year>\d{{4}})\s*年(?:底|末)?)?\s*(?:为|是|达|约)?\s*(?P<num>{NUM})\s*(?P<unit>{UNIT_ALT})\s*[）)]"
)
# Where the subject ends: "由2023年的…", "比2020年…", "达到2023年的…", "实现…".
_SUBJECT_END = re.compile(r"由|从|比|较|达到|实现|相当于|\d{4}\s*年")


@dataclass
class Multiple:
    name: str
    times: float | int
    baseline: float | int | None
    baseline_year: int | None
    unit: str | None
    start: int  # source clause in the sentence
    end: int
    consumed: list[tuple[int, int]]

    @property
    def target(self):
        if self.baseline is None:
            return None
        v = round(self.baseline * self.times, 6)
        return int(v) if float(v).is_integer() else v


def find_multiples(sentence: str, clause_bounds) -> list[Multiple]:
    """Every multiple-of-baseline target in ``sentence``; ``clause_bounds(sentence, i)``
    gives the clause around position ``i``."""
    out: list[Multiple] = []
    for m in _MULT_RE.finditer(sentence):
        if m.group("double") == "一倍" and not m.group("grow"):
            continue  # "一倍" alone is no target
        if m.group("double"):
            times = 4 if "两番" in m.group("double") else 2
        else:
            n = m.group("n")
            times = to_number(n) if n[0].isdigit() else cn_number(n)
            if m.group("grow"):
                times += 1  # 增长两倍 = three times the baseline
        c0, c1 = clause_bounds(sentence, m.start())
        before = sentence[c0 : m.start()]
        consumed = [(m.start(), m.end())]
        end = m.end()
        base = year = unit = None
        b = list(_BASE_RE.finditer(before))
        if b:
            base, unit = to_number(b[-1].group("num")), b[-1].group("unit")
            consumed.append((c0 + b[-1].start(), c0 + b[-1].end()))
        y = list(_YEAR_RE.finditer(before))
        if y:
            year = int(y[-1].group("year"))
        a = _AFTER_BASE_RE.match(sentence[m.end() :])
        if a:
            if base is None:
                base, unit = to_number(a.group("num")), a.group("unit")
                year = int(a.group("year")) if a.group("year") else year
            consumed.append((m.end(), m.end() + a.end()))
            end = m.end() + a.end()
        s = _SUBJECT_END.search(before)
        subject = before[: s.start()] if s else before
        name = strip_name(subject)
        if not name:
            continue
        out.append(Multiple(name, times, base, year, unit, c0, max(end, c1), consumed))
    return out
