"""parse_plan: normalised text -> ParsedPlan."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import PlanImportError
from .indicators import extract_indicators, indicators_from_funding
from .meta import extract_metadata
from .model import DecodedDocument, ParsedPlan, Span
from .normalize import normalize
from .organisation import (
    build_agencies,
    extract_duties,
    extract_funding_rules,
    extract_goals,
    extract_leading_group,
)
from .outline import build_outline, build_regions
from .phases import extract_phases
from .table_items import merge_annex, tasks_from_annex
from .tables import find_tables
from .tasks import extract_tasks


def parse_plan(
    text: str | DecodedDocument,
    *,
    city: str | None = None,
    slug: str | None = None,
    source_file: str | None = None,
) -> ParsedPlan:
    """Read a plan's structure from its text.

    ``city`` overrides the city read from the title; ``slug`` and ``source_file`` are
    copied into the result (a slug like ``wuhan-2017`` is derived from a source file
    named ``wuhan_2017.txt`` when not given). Raises ``PlanImportError`` when the text
    is empty or has no recognisable plan structure.
    """
    warnings: list[str] = []
    if isinstance(text, DecodedDocument):
        source_file = source_file or text.filename
        warnings.extend(text.warnings)
        text = text.text
    if not text or not text.strip():
        raise PlanImportError("文件中没有文字内容。请确认上传的是方案正文。", PlanImportError.EMPTY)

    norm = normalize(text)
    warnings.extend(norm.warnings)
    if len(re.sub(r"\s", "", norm.text)) < 20:
        raise PlanImportError(
            "文件中几乎没有正文(去掉网页导航、网址等之后不足 20 字)。请上传方案全文。", PlanImportError.EMPTY
        )
    blocks = build_outline(norm.lines)
    regions = build_regions(norm.lines, blocks)
    md = extract_metadata(norm, regions, city=city)

    tables, stray = find_tables(norm.lines)
    unassigned = _unassigned_rows(norm.lines, stray)
    if unassigned:
        warnings.append(
            f"有 {len(unassigned)} 行表格的表头未能识别(不是指标表或任务分工表),这些行未归入任何条目,"
            "已列在“未归入的表格行”中,请核对是否需要手工补充。"
        )
    tasks, w = extract_tasks(norm.lines, regions)
    warnings.extend(w)
    annex = [row for t in tables if t.kind == "tasks" for row in tasks_from_annex(t)]
    if annex:
        sections = list(dict.fromkeys(row["section"] for row in annex if row["section"]))
        tasks = merge_annex(tasks, annex, sections)
    if tasks and not any(t.lead or t.support for t in tasks):  # neither in the body nor in an annex
        warnings.append("方案未给任务列出责任单位(牵头/配合单位),导入后请为任务指定责任单位。")
    period_end_year = md.period["end"][:4] if md.period and md.period.get("end") else None
    indicators, w = extract_indicators(norm.lines, regions, tasks, period_end_year, tables)
    warnings.extend(w)
    phases, w = extract_phases(norm.lines, regions)
    warnings.extend(w)

    numbered = [b for b in blocks if b.level in (1, 2, 3) and not b.vocab]
    if not tasks and not indicators and len(numbered) < 2:
        raise PlanImportError(
            "没有识别出实施方案的结构:未找到“一、”“(一)”“1.”这样的编号章节,也没有找到重点任务或量化目标。"
            "请确认上传的是方案全文(而不是通知首页、图片或其他文件);如果方案是表格形式,请复制正文后以"
            "纯文本上传。",
            PlanImportError.NO_STRUCTURE,
        )
    if not tasks and not phases and indicators:
        warnings.append(
            "这似乎是方案的一部分(只读到目标,没有编号的任务章节和实施步骤):已按现有内容生成草稿,"
            "请上传方案全文,或手工补充任务和阶段。"
        )
    last = norm.lines[-1].text if norm.lines else ""
    if (  # running text that stops mid-sentence (not a table row, a date or a colophon)
        re.search(r"[，,、]", last)
        and re.search(r"[\u4e00-\u9fff]$", last)
        and "｜" not in last
        and not re.search(r"\d+\s*日|印发|抄送", last)
    ):
        tail = last[-12:]
        warnings.append(f"文本在句子中间结束(“…{tail}”),可能不完整:截断处的目标没有列入,请核对原文。")
    if not tasks:
        warnings.append("未识别出任务条目(重点任务/工作任务/工作措施下的编号条目),请手工补充任务。")
    if not phases:
        warnings.append("方案未列实施步骤(阶段及起止月份)。")

    members = extract_leading_group(norm.lines, norm.text)
    duties = extract_duties(norm.lines, regions, tasks, md.city)
    funding = extract_funding_rules(norm.lines)
    indicators = indicators + indicators_from_funding(funding, indicators, period_end_year)
    goals = extract_goals(norm.lines, regions)
    agencies = build_agencies(tasks, members, duties, md.city)

    if slug is None and source_file:
        stem = Path(source_file).stem.lower()
        if re.fullmatch(r"[a-z]+[_-]\d{4}", stem):
            slug = stem.replace("_", "-")
    warnings.extend(md.warnings)
    notes = []
    if md.period is None:
        notes.append("方案未载明实施期限,需办公室补充。")
    plan = ParsedPlan(
        text=norm.text,
        slug=slug,
        city=md.city,
        province=md.province,
        kind=md.kind,
        title=md.title,
        doc_number=md.doc_number,
        issuer=md.issuer,
        issue_date=md.issue_date,
        period=md.period,
        source_file=Path(source_file).name if source_file else None,
        notes="".join(notes),
        goals=goals,
        indicators=indicators,
        tasks=tasks,
        phases=phases,
        leading_group=members,
        duties=duties,
        funding_rules=funding,
        agencies=agencies,
        warnings=_dedupe(warnings),
        fields=md.fields,
        unassigned=unassigned,
        script_converted=norm.script_converted,
        duplicate_removed=norm.duplicate_removed,
    )
    return plan


def _unassigned_rows(lines, stray: list[int]) -> list[Span]:
    """Rows of a table whose header was not recognised (two or more consecutive lines of
    cells, not a web page's label: value grid): shown on the review page, never dropped."""
    keep = [k for k in stray if not re.search(r"[【】]|^[^｜|]{1,8}[:：]", lines[k].text)]
    runs = [k for k in keep if k - 1 in keep or k + 1 in keep]
    return [Span(lines[k].start, lines[k].end) for k in runs]


def _dedupe(items: list[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out
