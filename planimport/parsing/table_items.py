"""Items read from tables: indicators from an indicator table (主要指标表) and tasks with
their agencies from a task-division annex (重点任务分工表), matched to the body's tasks."""

from __future__ import annotations

import difflib
import re

from .indicator_words import UNITS
from .model import MEDIUM, Confidence, ParsedIndicator, ParsedTask, Span
from .numerals import parse_target
from .tables import Cell, Table, cell_value
from .tasks import split_responsible
from .text import cn_to_int, split_outside_brackets

AREAS = ("创造", "运用", "保护", "管理", "服务")
_MARKS = "△▲*＊※#☆★"


def _footnote_hints(footnotes: str, table: Table) -> tuple[dict[str, str], dict[int, str], dict[str, str]]:
    """Kinds the table's notes (注：1.… 2.…) give: by marker (带“△”的指标为当年值), by row
    number (第11项为…累计数) and by indicator name (…金额目标值为…累计数)."""
    by_mark: dict[str, str] = {}
    by_row: dict[int, str] = {}
    by_name: dict[str, str] = {}
    for item in re.split(r"(?:^|[。；;])\s*\d+[.、．]", footnotes):
        if not item.strip():
            continue
        kind = (
            "cumulative"
            if "累计" in item
            else "annual_flow"
            if re.search(r"当年值|年度值|当年数", item)
            else "level"
            if "期末值" in item
            else None
        )
        if kind is None:
            continue
        for mark in re.findall(rf"[“\"]([{_MARKS}])[”\"]", item):
            by_mark[mark] = kind
            if "其余" in item and "期末值" in item:
                by_mark.setdefault("", "level")
        for n in re.findall(r"第(\d+)[项行]", item):
            by_row[int(n)] = kind
        name_col = table.col("indicator")
        for row in table.rows:
            name = re.sub(rf"[{_MARKS}]", "", row[name_col].text) if name_col is not None else ""
            if name and name in item:
                by_name[name] = kind
    return by_mark, by_row, by_name


def indicators_from_table(
    table: Table, *, footnotes: str, period_end_year: str | None, kind_of, area_of
) -> tuple[list[ParsedIndicator], list[str]]:
    """One indicator per row. ``kind_of(name, unit, comparator, target)`` and
    ``area_of(name)`` are the prose rules, used where the table and its notes say nothing."""
    out: list[ParsedIndicator] = []
    warnings: list[str] = []
    c_name, c_target = table.col("indicator"), table.col("target")
    c_unit, c_base, c_cat, c_num, c_attr = (
        table.col(r) for r in ("unit", "baseline", "category", "number", "attribute")
    )
    if c_name is None or c_target is None:
        return out, warnings
    year = re.search(r"(20\d\d)", table.header[c_target])
    deadline = year.group(1) if year else period_end_year
    base_year = re.search(r"(20\d\d)", table.header[c_base]) if c_base is not None else None
    by_mark, by_row, by_name = _footnote_hints(footnotes, table)
    for r, row in enumerate(table.rows):
        raw_name = row[c_name].text
        name = re.sub(rf"[{_MARKS}]", "", raw_name).strip()
        name, name_unit = _unit_in_name(name)
        target_cell = row[c_target]
        t = parse_target(target_cell.text)
        if not name or t is None:
            warnings.append(
                f"指标表第 {r + 1} 行“{raw_name}”的目标值“{target_cell.text}”未能读出数值,请手工补充。"
            )
            continue
        conf = Confidence()
        unit = cell_value(row[c_unit]) if c_unit is not None else None
        unit = (t.unit_prefix + (unit or name_unit or t.unit or "")) or None
        baseline = _number(cell_value(row[c_base])) if c_base is not None else None
        target, target_max = t.target, t.target_max
        if t.doubled:
            if baseline is None:
                conf.lower("low", f"目标为基期值的 {t.doubled} 倍,但表中没有基期值:请填写目标值。")
            else:
                target = round(baseline * t.doubled, 6)
                conf.lower(
                    MEDIUM, f"“{target_cell.text}”按基期值 {baseline} 的 {t.doubled} 倍计为 {target}。"
                )
        number = cn_to_int(row[c_num].text) if c_num is not None else None
        if number is None and c_num is not None and row[c_num].text.isdigit():
            number = int(row[c_num].text)
        marks = [m for m in raw_name if m in _MARKS]
        hint = by_name.get(name) or (by_row.get(number) if number else None)
        hint = hint or next((by_mark[m] for m in marks if m in by_mark), None)
        kind = "cumulative" if t.cumulative else hint or kind_of(name, unit, t.comparator, target)
        if kind == "level" and t.comparator == "range":
            kind = "range"
        category = cell_value(row[c_cat]) if c_cat is not None else None
        found = [a for a in AREAS if a in (category or "")]
        area = found[0] if len(found) == 1 else area_of(name)
        cells = [row[i].text for i in (c_name, c_unit, c_base, c_target, c_attr) if i is not None]
        source = " ".join(re.sub(r"\s+", "", c) for c in cells)
        ind = ParsedIndicator(
            name=name,
            area=area,
            kind=kind,
            comparator=t.comparator,
            target=target,
            target_max=target_max,
            unit=unit,
            deadline=deadline,
            source_sentence=source,
            span=Span(min(c.start for c in row), max(c.end for c in row)),
            origin="goal",
            confidence=conf,
        )
        ind.cell = Span(target_cell.start, target_cell.end)
        ind.baseline = baseline
        ind.baseline_year = int(base_year.group(1)) if base_year else None
        attribute = (cell_value(row[c_attr]) or "") if c_attr is not None else ""
        ind.attribute = "约束性" if "约束" in attribute else "预期性" if "预期" in attribute else None
        out.append(ind)
    return out, warnings


_UNIT_IN_NAME_RE = re.compile(rf"[（(]({'|'.join(re.escape(u) for u in UNITS)}|%|％)[）)]$")


def _unit_in_name(name: str) -> tuple[str, str | None]:
    """ "有效注册商标量（万件）" -> ("有效注册商标量", "万件"): a table without a unit column."""
    m = _UNIT_IN_NAME_RE.search(name)
    if not m:
        return name, None
    return name[: m.start()].strip(), m.group(1).replace("％", "%")


def _number(s: str | None):
    if s is None:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[万亿]?", s.replace(",", ""))  # 1.2万: as printed
    if not m:
        return None
    v = float(m.group(1))
    return int(v) if v.is_integer() else v


# --- task-division annex ------------------------------------------------------------------------


def _agencies(cell: Cell | None) -> list[str]:
    text = cell_value(cell)
    if not text:
        return []
    return [a.strip() for a in split_outside_brackets(text, "、,，;；/ ") if a.strip()]


def annex_deadline(text: str | None) -> str | None:
    """2025年底前 → 2025, 2023年6月底前 → 2023-06; 持续推进 → None."""
    if not text:
        return None
    m = re.search(r"(20\d\d)\s*年\s*(\d{1,2})\s*月", text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = re.search(r"(20\d\d)\s*年", text)
    return m.group(1) if m else None


def _title(text: str) -> str:
    title = re.sub(r"\s+", "", text)
    title = re.sub(r"[（(][^（）()]*[）)]$", "", title) or title  # a trailing note: （依托市民服务中心）
    return title.rstrip("。")


def tasks_from_annex(table: Table) -> list[dict]:
    rows = []
    c_task, c_num = table.col("task"), table.col("number")
    c_lead, c_sup, c_resp, c_dead = (table.col(r) for r in ("lead", "support", "responsible", "deadline"))
    for r, row in enumerate(table.rows):
        title = cell_value(row[c_task]) if c_task is not None else None
        if not title:
            continue
        lead = _agencies(row[c_lead]) if c_lead is not None else []
        support = _agencies(row[c_sup]) if c_sup is not None else []
        if c_resp is not None:
            first, rest = split_responsible(_agencies(row[c_resp]))
            lead = lead or first
            support = support or [n for n in first + rest if n not in lead]
        rows.append(
            {
                "number": row[c_num].text if c_num is not None else str(r + 1),
                "section": table.sections[r] if r < len(table.sections) else None,
                "title": _title(title),
                "lead": lead,
                "support": support,
                "deadline": annex_deadline(cell_value(row[c_dead]) if c_dead is not None else None),
                "span": Span(min(c.start for c in row), max(c.end for c in row)),
                "title_span": Span(row[c_task].start, row[c_task].end),
            }
        )
    return rows


def _similar(a: str, b: str) -> float:
    a, b = re.sub(r"[\s（）()“”]", "", a), re.sub(r"[\s（）()“”]", "", b)
    if a and b and (a in b or b in a):
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def merge_annex(tasks: list[ParsedTask], annex: list[dict], sections: list[str]) -> list[ParsedTask]:
    """Each body task gets the agencies of its annex row (matched by title, else by its
    place when the annex numbers the tasks through); annex rows that match no body task
    become tasks of their own. A body task's own units printed in the text are kept."""
    used: set[int] = set()
    matched: dict[int, dict] = {}
    for i, task in enumerate(tasks):  # by title
        best = max(
            ((j, _similar(task.title, row["title"])) for j, row in enumerate(annex) if j not in used),
            key=lambda x: x[1],
            default=None,
        )
        if best and best[1] >= 0.6:
            used.add(best[0])
            matched[i] = annex[best[0]]
    for i, task in enumerate(tasks):  # by number: annex 序号 n is the body's n-th task
        if i in matched:
            continue
        for j, row in enumerate(annex):
            if (
                j not in used
                and row["number"].isdigit()
                and int(row["number"]) == i + 1
                and _similar(task.title, row["title"]) >= 0.3
            ):
                used.add(j)
                matched[i] = row
                break
    for i, row in matched.items():
        task = tasks[i]
        if not task.lead and not task.support:
            task.lead, task.support = list(row["lead"]), list(row["support"])
            task.confidence.lower(MEDIUM, f"牵头、配合单位取自附件分工表第 {row['number']} 行。")
        task.annex_span = row["span"]
        task.deadline = row["deadline"]
    out = list(tasks)
    numbers = {t.number for t in tasks}
    for j, row in enumerate(annex):
        if j in used:
            continue
        ordinal = sections.index(row["section"]) + 1 if row["section"] in sections else None
        prefix = _cn(ordinal) if ordinal else "附"
        number = f"{prefix}.{row['number']}"
        while number in numbers:
            number += "'"
        numbers.add(number)
        conf = Confidence()
        conf.lower(MEDIUM, "该任务只见于附件分工表,正文中没有对应条目。")
        task = ParsedTask(
            number=number,
            section=row["section"],
            title=row["title"],
            text=row["title"],
            lead=list(row["lead"]),
            support=list(row["support"]),
            span=row["span"],
            title_span=row["title_span"],
            confidence=conf,
        )
        task.deadline = row["deadline"]
        out.append(task)
    return out


def _cn(n: int) -> str:
    from .text import int_to_cn

    return int_to_cn(n)
