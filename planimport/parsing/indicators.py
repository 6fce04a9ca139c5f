"""Quantitative targets of a plan: indicator tables first, then the goal parts and the
tasks in prose (prose_targets), repeats listed once."""

from __future__ import annotations

import re

from .indicator_words import (
    NUM,
    RANGE_SEP,
    UNIT_ALT,
    area_of,
    comparator_of,
    context_area,
    kind_of,
    per_capita_unit,
    strip_name,
    to_number,
)
from .model import MEDIUM, Confidence, ParsedIndicator, ParsedTask, Span
from .normalize import Line
from .outline import Region
from .prose_targets import ProseTargets
from .tasks import find_assignment
from .text import longest_common_substring


def _goal_paragraphs(lines: list[Line], regions: list[Region], skip: list[tuple[int, int]]):
    """(text, start, area context, year context) for each paragraph of the goal parts,
    without the lines of indicator tables and their notes (``skip``: text spans)."""
    for region in (r for r in regions if r.kind == "goals"):
        area = None
        year_ctx = None
        item_level = None
        levels = sorted({b.level for b in region.blocks if b.level >= 2})
        if levels:
            item_level = levels[-1] if len(levels) > 1 else levels[0]
        for k in range(region.start_line, region.end_line):
            ln = lines[k]
            if any(a <= ln.start < b for a, b in skip):
                continue
            block = next((b for b in region.blocks if b.line_index == k), None)
            text, start = ln.text, ln.start
            if block is not None:
                text, start = ln.text[block.content_start - ln.start :], block.content_start
            if block is not None and block.level == item_level:
                first = re.split(r"[。；;]", text)[0]
                area = context_area(first)
            dm = re.fullmatch(r"(?:到|至|截至)?\s*(\d{4})\s*年(?:\d{1,2}\s*月)?(?:底|末|前)?", ln.text)
            if dm:
                year_ctx = dm.group(1)
                continue
            yield text, start, area, year_ctx


def extract_indicators(
    lines: list[Line],
    regions: list[Region],
    tasks: list[ParsedTask],
    period_end_year: str | None,
    tables: list | None = None,
) -> tuple[list[ParsedIndicator], list[str]]:
    text = "\n".join(ln.text for ln in lines)
    ex = ProseTargets(text, period_end_year)
    skip = [(t.start, _table_notes(lines, t)[1]) for t in tables or [] if t.kind == "indicators"]
    for para, start, area, year in _goal_paragraphs(lines, regions, skip):
        ex.paragraph(para, start, origin="goal", task_number=None, area_ctx=area, context_year=year)
    goal_inds = ex.out
    ex.out = []
    for task in tasks:
        # Only the task's own text, without its unit parenthetical.
        seg = text[task.span.start : task.span.end]
        assignment = find_assignment(seg)
        if assignment:
            # Blank the unit parenthetical out (same length keeps offsets right).
            seg = seg[: assignment.start] + " " * (assignment.end - assignment.start) + seg[assignment.end :]
        offset = task.span.start
        for part in seg.split("\n"):
            ex.paragraph(
                part, offset, origin="task", task_number=task.number, area_ctx=None, context_year=None
            )
            offset += len(part) + 1
    table_inds, table_warnings = _tables_indicators(lines, tables or [], period_end_year)
    if not any(t.kind == "indicators" for t in tables or []):
        table_inds = _table_indicators(lines, period_end_year)
    for ind in [*table_inds, *goal_inds, *ex.out]:
        ind.unit = per_capita_unit(ind.name, ind.unit)
    goal_inds = _dedupe_tasks(table_inds, goal_inds, drop_repeats=False)  # a table row restated in prose
    goal_inds = table_inds + _dedupe_within(goal_inds)
    task_inds = _dedupe_tasks(goal_inds, ex.out)
    indicators = goal_inds + task_inds
    _unique_names(indicators)
    warnings = list(table_warnings)
    for name, times, source, _span in ex.unresolved:
        key = _match_key(name)
        if not any(len(_bigrams(key) & _bigrams(_match_key(i.name))) >= 3 for i in table_inds):
            warnings.append(f"“{source}”:目标为基期值的 {times} 倍,但方案未写基期值,未列为指标,请手工补充。")
    if not indicators:
        warnings.append("未读出量化指标(数值+单位的目标),如方案有指标表请手工补充。")
    return indicators, warnings


_CLEAN_FOR_MATCH = re.compile(
    rf"{NUM}(?:{RANGE_SEP}{NUM})?\s*(?:{UNIT_ALT})?|知识产权|以上|以下|以内|至少|不少于|不低于|达到|力争|三年内|全市|[，,、。；;\s]"
)


def _match_key(s: str) -> str:
    return _CLEAN_FOR_MATCH.sub("", s)


def _magnitude(i: ParsedIndicator) -> tuple:
    """(target, target_max, unit) in the base unit: 一万件 = 10000 件, 1.5万件 = 15000 件."""
    unit = i.unit or ""
    scale = 1
    if unit.startswith("万") and len(unit) > 1 and unit != "万元":
        unit, scale = unit[1:], 10000
    elif unit == "亿元":
        unit, scale = "万元", 10000
    return tuple(None if v is None else round(v * scale, 6) for v in (i.target, i.target_max)) + (unit,)


def _bigrams(s: str) -> set[str]:
    return {s[k : k + 2] for k in range(len(s) - 1)}


def _dedupe_tasks(
    goals: list[ParsedIndicator], task_inds: list[ParsedIndicator], drop_repeats: bool = True
) -> list[ParsedIndicator]:
    """A target a task repeats from the goals is listed once (from the goals): same
    number and comparator, and wording that overlaps; each goal absorbs one repeat,
    best match first."""
    pairs = []
    for ti, t in enumerate(task_inds):
        tk = _match_key(t.source_sentence)
        for gi, g in enumerate(goals):
            if t.comparator != g.comparator or _magnitude(t)[:2] != _magnitude(g)[:2]:
                continue
            gk = _match_key(g.source_sentence)
            shared = len(_bigrams(tk) & _bigrams(gk))
            lcs = longest_common_substring(tk, gk)
            same_unit = _magnitude(t)[2] == _magnitude(g)[2]
            needed = 2 if same_unit else 3
            if t.comparator == "range" and same_unit:
                needed = 0  # a range repeated with the same bounds is the same target
            if t.name == g.name or shared >= needed:
                pairs.append((lcs + shared + (10 if t.name == g.name else 0), ti, gi))
    pairs.sort(key=lambda p: -p[0])
    absorbed: set[int] = set()
    claimed: set[int] = set()
    for _, ti, gi in pairs:
        if ti in absorbed or gi in claimed:
            continue
        absorbed.add(ti)
        claimed.add(gi)
    kept = [t for k, t in enumerate(task_inds) if k not in absorbed]
    if not drop_repeats:
        return kept
    # Repeated between tasks: keep the first.
    out, seen = [], set()
    for t in kept:
        key = (t.target, t.target_max, t.unit, t.comparator, _match_key(t.source_sentence))
        if key in seen:
            continue
        seen.add(key)
        out.append(t)
    return out


def _dedupe_within(inds: list[ParsedIndicator]) -> list[ParsedIndicator]:
    out, seen = [], set()
    for i in inds:
        key = (i.name, i.target, i.target_max, i.unit, i.comparator)
        if key in seen:
            continue
        seen.add(key)
        out.append(i)
    return out


def _unique_names(inds: list[ParsedIndicator]) -> None:
    counts: dict[str, int] = {}
    for i in inds:
        n = counts.get(i.name, 0) + 1
        counts[i.name] = n
        if n > 1:
            i.name = f"{i.name}({n})"
            i.confidence.lower(MEDIUM, "与另一指标同名,已加序号区分,请改名。")


_TABLE_HEADER_RE = re.compile(r"指标")
_CELL_SPLIT_RE = re.compile(r"\s{2,}|\t|\s*[|｜]\s*")
_UNIT_CELL_RE = re.compile(rf"^(?:{UNIT_ALT}|件/万人|件/万人口|项/万人|亿元/年|万元/年)$")
_TARGET_CELL_RE = re.compile(
    rf"^(?P<pre>[≥>≤<＞＜]=?|不低于|不少于|超过|达到)?\s*(?P<num>{NUM})(?:{RANGE_SEP}(?P<num2>{NUM}))?\s*(?P<unit>{UNIT_ALT})?\s*(?P<post>以上|以下|以内|左右)?$"
)


def indicators_from_funding(
    rules: list, indicators: list[ParsedIndicator], period_end_year: str | None
) -> list[ParsedIndicator]:
    """A yearly funding minimum (每年安排…资金不少于2000万元) is also a yearly_minimum
    indicator, unless the goals already list it."""
    out = []
    for rule in rules:
        if rule.kind != "min_yearly_amount":
            continue
        ind = ParsedIndicator(
            name=rule.name,
            area=area_of(rule.category, None) if rule.category else "综合",
            kind="yearly_minimum",
            comparator=">=",
            target=rule.threshold,
            target_max=None,
            unit=rule.unit,
            deadline=period_end_year,
            source_sentence=rule.source_sentence,
            span=rule.span,
            origin="goal",
        )
        if any(_magnitude(i) == _magnitude(ind) and i.kind == ind.kind for i in indicators):
            continue
        ind.confidence.lower(MEDIUM, "取自保障措施中的资金安排,请核对。")
        out.append(ind)
    return out


def _table_notes(lines: list[Line], table) -> tuple[str, int]:
    """The notes under a table (注:1.… 2.…) and where they end in the text."""
    notes, end = "", table.end
    after = [ln for ln in lines if table.end <= ln.start < table.end + 600]
    for k, ln in enumerate(after):
        if ln.text.startswith("注"):
            notes, end = ln.text, ln.end
            for nxt in after[k + 1 :]:
                if not re.match(r"^\d+[.、．]", nxt.text):
                    break
                notes, end = notes + nxt.text, nxt.end
            break
        if not re.match(r"^\d+[.、．]|^\s*$", ln.text) and k > 0:
            break
    return notes, end


def _tables_indicators(lines: list[Line], tables: list, period_end_year: str | None):
    """Indicators of the recognised indicator tables, their notes (注:…) read for kinds."""
    from .table_items import indicators_from_table

    out, warnings = [], []
    for table in tables:
        if table.kind != "indicators":
            continue
        notes, _end = _table_notes(lines, table)
        inds, w = indicators_from_table(
            table,
            footnotes=notes,
            period_end_year=period_end_year,
            kind_of=lambda name, unit, cmp_, target: kind_of(name, name, "", unit, cmp_, target),
            area_of=lambda name: area_of(name, None),
        )
        out.extend(inds)
        warnings.extend(w)
    return out, warnings


def _table_indicators(lines: list[Line], period_end_year: str | None) -> list[ParsedIndicator]:
    """Rows of an indicator table (指标 | 单位 | 基期值 | 目标值 …), as a Word table or a
    text table whose cells are separated by two or more spaces, tabs or bars."""
    out: list[ParsedIndicator] = []
    k = 0
    while k < len(lines):
        cells = [c for c in _CELL_SPLIT_RE.split(lines[k].text.strip()) if c]
        if (
            len(cells) >= 3
            and _TABLE_HEADER_RE.search(lines[k].text)
            and any(re.search(r"目标|20\d\d", c) for c in cells)
        ):
            header = cells
            target_col = max(i for i, c in enumerate(header) if re.search(r"目标|20\d\d", c))
            unit_col = next((i for i, c in enumerate(header) if "单位" in c), None)
            name_col = next((i for i, c in enumerate(header) if re.search(r"指标|名称|内容", c)), 0)
            year = re.search(r"(20\d\d)", header[target_col])
            deadline = year.group(1) if year else period_end_year
            k += 1
            while k < len(lines):
                row = [c for c in _CELL_SPLIT_RE.split(lines[k].text.strip()) if c]
                if len(row) < 3 or re.search(r"[。；;]", lines[k].text):
                    break
                ind = _table_row(lines[k], row, header, name_col, unit_col, target_col, deadline)
                if ind:
                    out.append(ind)
                k += 1
            continue
        k += 1
    return out


def _table_row(line, row, header, name_col, unit_col, target_col, deadline) -> ParsedIndicator | None:
    shift = len(row) - len(header)  # merged cells at the front (a category column)

    def cell(i):
        j = i + shift if shift > 0 else i
        return row[j] if 0 <= j < len(row) else None

    name = cell(name_col)
    if name and re.fullmatch(r"\d{1,3}", name):
        name = cell(name_col + 1)
    target = cell(target_col) if shift >= 0 else row[-1]
    unit = cell(unit_col) if unit_col is not None else None
    if unit is not None and not _UNIT_CELL_RE.match(unit):
        unit = None
    m = _TARGET_CELL_RE.match((target or "").replace(" ", ""))
    if not name or not m:
        return None
    unit = unit or m.group("unit")
    is_range = bool(m.group("num2"))
    pre = m.group("pre") or ""
    cmp_ = "range" if is_range else comparator_of(pre, m.group("post"), False)[0]
    if pre in ("≥", ">=", "＞=", "不低于", "不少于", "达到"):
        cmp_ = ">="
    elif pre in (">", "＞", "超过"):
        cmp_ = ">"
    elif pre in ("≤", "<=", "＜="):
        cmp_ = "<="
    conf = Confidence()
    conf.lower(MEDIUM, "取自指标表,比较方式按“不低于”处理,请核对。")
    source = line.text
    num = to_number(m.group("num"))
    return ParsedIndicator(
        name=strip_name(name),
        area=area_of(name, None),
        kind=kind_of(name, source, "", unit, cmp_, num),
        comparator=cmp_,
        target=num,
        target_max=to_number(m.group("num2")) if is_range else None,
        unit=unit,
        deadline=deadline,
        source_sentence=source,
        span=Span(line.start, line.end),
        origin="goal",
        confidence=conf,
    )


__all__ = ["context_area", "extract_indicators", "indicators_from_funding"]
