"""Phases from the 实施步骤 part, and the date expressions they use."""

from __future__ import annotations

import re

from .model import LOW, MEDIUM, Confidence, ParsedPhase, Span
from .normalize import Line
from .outline import Region

_SEP = r"\s*(?:—+|－|-|–|~|～|至|到)\s*"
_Y = r"(\d{4})\s*[年.\-/]\s*"
_M = r"(\d{1,2})\s*(?:月份?)?"

_RANGE_RES = [
    # 2016年2月—2016年8月 / 2020年10月至2022年1月 / 2020年6月至9月 / 2016.2-2016.8
    re.compile(rf"{_Y}{_M}(?:\s*\d{{1,2}}\s*日)?{_SEP}(?:{_Y})?{_M}(?:\s*\d{{1,2}}\s*日)?(?:底|末)?"),
    # 2017—2018年 / 2020~2023年
    re.compile(r"(\d{4})\s*年?" + _SEP + r"(\d{4})\s*年"),
    # 2018年上半年 / 下半年 / 2017年底前 / 2022年2月
    re.compile(r"(\d{4})\s*年\s*(上半年|下半年|年底|底|末|第[一二三四1-4]季度)"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?(?:\s*\d{1,2}\s*日)?"),
    # a whole year: "第三阶段(2025年)"
    re.compile(r"(\d{4})\s*年(?![\s\d上下底末第])"),
]
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _ym(y: str | int, m: str | int) -> str | None:
    y, m = int(y), int(m)
    if not (1 <= m <= 12 and 1900 <= y <= 2100):
        return None
    return f"{y:04d}-{m:02d}"


def find_month_range(
    text: str, max_start: int | None = None
) -> tuple[str | None, str | None, int, int] | None:
    """The first date expression in ``text`` as (start YYYY-MM, end YYYY-MM, i, j)."""
    best = None
    for k, pattern in enumerate(_RANGE_RES):
        m = pattern.search(text)
        if not m or (max_start is not None and m.start() > max_start):
            continue
        if best is not None and m.start() >= best[0].start():
            continue
        best = (m, k)
    if best is None:
        return None
    m, k = best
    if k == 0:
        y1, m1, y2, m2 = m.group(1), m.group(2), m.group(3), m.group(4)
        start, end = _ym(y1, m1), _ym(y2 or y1, m2)
    elif k == 1:
        start, end = _ym(m.group(1), 1), _ym(m.group(2), 12)
    elif k == 2:
        y, what = m.group(1), m.group(2)
        if what == "上半年":
            start, end = _ym(y, 1), _ym(y, 6)
        elif what == "下半年":
            start, end = _ym(y, 7), _ym(y, 12)
        elif what.startswith("第"):
            q = _QUARTER[what[1]]
            start, end = _ym(y, 3 * q - 2), _ym(y, 3 * q)
        else:
            start, end = None, _ym(y, 12)
    elif k == 3:
        start = end = _ym(m.group(1), m.group(2))
    else:
        start, end = _ym(m.group(1), 1), _ym(m.group(1), 12)
    if start is None and end is None:
        return None
    return start, end, m.start(), m.end()


def milestone_of(text: str) -> str | None:
    if re.search(r"中期(?:评价|评估|检查|考核|验收)", text):
        return "midterm"
    if re.search(r"验收|总结评估|总结评价|终期评估|终期评价", text):
        return "acceptance"
    return None


def _milestone_name(text: str) -> str | None:
    m = re.search(r"中期(?:评价|评估|检查|考核|验收)", text)
    return m.group(0) if m else None


def _step_name(head: str) -> tuple[str, tuple | None]:
    """Name of a step from its heading, and the date range printed in it."""
    rng = find_month_range(head)
    name = head
    if rng:
        name = head[: rng[2]]
    name = re.split(r"[。；;，,]", name)[0]
    name = re.sub(r"[(（\s:：]+$", "", name)
    name = re.sub(r"\s+", "", name)
    return name, rng


def extract_phases(lines: list[Line], regions: list[Region]) -> tuple[list[ParsedPhase], list[str]]:
    phases: list[ParsedPhase] = []
    warnings: list[str] = []
    for region in (r for r in regions if r.kind == "phases"):
        phases.extend(_phases_in_region(lines, region))
    if not phases:
        # Steps printed elsewhere ("启动宣传阶段(2016年2月—2016年8月)")
        for ln in lines:
            for m in re.finditer(r"([\u4e00-\u9fff、]{2,16}阶段)\s*[(（]([^()（）]{6,40})[)）]", ln.text):
                rng = find_month_range(m.group(2))
                if rng:
                    conf = Confidence()
                    conf.lower(MEDIUM, "未找到“实施步骤”部分,阶段取自正文,请核对。")
                    phases.append(
                        ParsedPhase(
                            m.group(1),
                            rng[0],
                            rng[1],
                            milestone_of(m.group(1)),
                            Span(ln.start + m.start(), ln.start + m.end()),
                            conf,
                        )
                    )
    for p in phases:
        if p.start is None or p.end is None:
            p.confidence.lower(LOW, "阶段的起止月份不完整,请补充。")
    return phases, warnings


def _phases_in_region(lines: list[Line], region: Region) -> list[ParsedPhase]:
    out: list[ParsedPhase] = []
    steps = [b for b in region.blocks if b.level >= 2]
    if steps:
        step_level = min(b.level for b in steps)
        steps = [b for b in steps if b.level == step_level]
    if not steps:
        # No numbered steps: phases named in a sentence ("2021年至2023年为重点突破阶段"),
        # else every line that starts with a date is a phase.
        for k in range(region.start_line, region.end_line):
            out.extend(_sentence_phases(lines[k]) or _dated_line_phases(lines[k], None, out))
        return out
    for idx, step in enumerate(steps):
        end_line = steps[idx + 1].line_index if idx + 1 < len(steps) else region.end_line
        line = lines[step.line_index]
        head = step.head
        name, rng = _step_name(head)
        if rng and rng[2] <= len(name) + 3:
            out.append(
                ParsedPhase(
                    name or head[:12],
                    rng[0],
                    rng[1],
                    milestone_of(name),
                    Span(line.start, line.end),
                )
            )
            continue
        produced: list[ParsedPhase] = []
        for k in range(step.line_index + 1, end_line):
            produced.extend(_dated_line_phases(lines[k], name, produced))
        if not produced and rng:
            produced.append(ParsedPhase(name, rng[0], rng[1], milestone_of(name), Span(line.start, line.end)))
        if not produced:
            conf = Confidence()
            conf.lower(LOW, "该步骤未写明起止月份。")
            produced.append(
                ParsedPhase(name, None, None, milestone_of(name), Span(line.start, line.end), conf)
            )
        out.extend(produced)
    return out


_NAMED_PHASE_RE = re.compile(r"(?P<when>[^。；;，,]{4,30}?)(?:为|是)(?P<name>[\u4e00-\u9fff]{2,12}阶段)")


def _sentence_phases(line: Line) -> list[ParsedPhase]:
    """Phases given by years or months inside a sentence: "2021年至2023年为重点突破阶段，…；
    2024年至2025年为全面提升阶段"."""
    out = []
    for m in _NAMED_PHASE_RE.finditer(line.text):
        rng = find_month_range(m.group("when"))
        if not rng or len(m.group("when")) - rng[3] > 2:
            continue  # the date must be what the phase "is"
        name = m.group("name")
        span = Span(line.start + m.start(), line.start + m.end())
        out.append(ParsedPhase(name, rng[0], rng[1], milestone_of(name), span))
    return out


def _dated_line_phases(line: Line, step_name: str | None, previous: list[ParsedPhase]) -> list[ParsedPhase]:
    rng = find_month_range(line.text, max_start=14)
    if not rng:
        return []
    start, end, i, j = rng
    prefix = line.text[:i]
    if len(prefix) > 6 and not re.search(r"阶段|步骤|第[一二三四五六七八九十\d]+", prefix):
        return []
    rest = line.text[j:].lstrip("）)，,:：、 ")
    prefix_name = re.sub(r"[(（\s:：，,]+$", "", prefix)
    milestone_name = _milestone_name(line.text)
    if milestone_name and start == end:
        name = milestone_name
        milestone = "midterm"
    elif step_name:
        name = step_name
        after = [p for p in previous if p.milestone]
        same = [p for p in previous if p.name.startswith(step_name)]
        if same and after:
            name = f"{step_name}({after[-1].name}后)"
        elif same:
            name = f"{step_name}(续)"
        milestone = milestone_of(step_name)
    else:
        first = re.split(r"[，,。；;]", rest)[0][:20]
        if prefix_name and re.fullmatch(r"第[一二三四五六七八九十\d]+(?:阶段|步)", prefix_name) and first:
            name = f"{prefix_name}：{first}"  # "第一阶段(2021年7月—12月):动员部署"
        else:
            name = prefix_name or first or line.text[:12]
        milestone = milestone_of(name + rest[:30])
    return [ParsedPhase(name, start, end, milestone, Span(line.start, line.end))]
