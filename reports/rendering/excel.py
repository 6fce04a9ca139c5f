"""The report's tables as an Excel workbook (openpyxl).

One sheet per table, the header row frozen, units in the headers or a 单位 column, number
formats on every number, and every text written through `ipcity.core.xlsx` (the one .xlsx
writer): text that starts with = + - @ (or a tab / CR) is a plain string cell with Excel's
quote prefix, so a name typed into the portal can never become a formula (formula / CSV
injection)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ipcity.core.xlsx import safe_cell
from ipcity.core.xlsx import workbook_bytes as xlsx_bytes

HEADER_FILL = PatternFill("solid", fgColor="F3E7E7")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

TEXT, NUMBER, PERCENT, INTEGER, DATE, DATETIME = "text", "number", "percent", "integer", "date", "datetime"
FORMATS = {
    NUMBER: "#,##0.####",
    PERCENT: "0.0%",
    INTEGER: "0",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    kind: str = TEXT


def _set(cell, value, kind: str) -> None:
    if value is None or value == "":
        cell.value = None
        return
    if kind == PERCENT:
        cell.value = float(Decimal(value) / 100)
    elif kind in (NUMBER, INTEGER) and isinstance(value, int | float | Decimal):
        cell.value = float(value) if isinstance(value, Decimal) else value
    elif kind == DATETIME and isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell.value = local.replace(tzinfo=None)
    elif kind == DATE and isinstance(value, date):
        cell.value = value
    else:
        safe_cell(cell, str(value))
        cell.alignment = WRAP
        return
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]


def _sheet(wb: Workbook, title: str, columns: list[Column], rows) -> None:
    ws = wb.create_sheet(title=title[:31])
    for i, col in enumerate(columns, 1):
        cell = ws.cell(row=1, column=i, value=col.title)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for r, row in enumerate(rows, 2):
        for i, (col, value) in enumerate(zip(columns, row, strict=True), 1):
            _set(ws.cell(row=r, column=i), value, col.kind)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{ws.max_row}"


def workbook_bytes(doc) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    b = doc.basics
    _sheet(
        wb,
        _("报告信息"),
        [Column(_("项目"), 18), Column(_("内容"), 80)],
        [
            (_("城市"), f"{b.province} {b.city}".strip()),
            (_("方案名称"), b.title),
            (_("方案文号"), b.doc_number or _("方案未标注文号")),
            (_("报告"), doc.full_title),
            (_("报告类型"), doc.kind_label),
            (_("报告文号"), doc.doc_number or "—"),
            (_("实施期限"), b.period_label),
            (_("数据截止日期"), doc.as_of.isoformat()),
            (
                _("数据更新时间"),
                timezone.localtime(doc.data_changed_at).strftime("%Y-%m-%d %H:%M")
                if doc.data_changed_at
                else "—",
            ),
            (_("编制单位"), doc.issuing_office),
        ]
        + ([(_("报送单位"), doc.agency), (_("报送轮次"), doc.round_label)] if doc.agency else []),
    )
    if doc.kind == "quarterly":
        _sheet(
            wb,
            _("统计数据"),
            [
                Column(_("代码"), 18),
                Column(_("统计数据"), 30),
                Column(_("单位"), 8),
                Column(_("区域"), 14),
                Column(_("汇总方式"), 16),
                Column(_("本季度数值"), 14, NUMBER),
                Column(_("版本"), 8, INTEGER),
                Column(_("填报时间"), 18, DATETIME),
            ],
            [
                (
                    s.code,
                    s.name,
                    s.unit,
                    s.area or _("全市"),
                    s.aggregation_label,
                    s.value,
                    s.version,
                    s.reported_at,
                )
                for s in doc.statistics
            ],
        )
    else:
        _indicator_sheets(wb, doc)
    if doc.scores is not None:
        _score_sheet(wb, doc.scores)
    _sheet(
        wb,
        _("任务进展"),
        [
            Column(_("部分"), 24),
            Column(_("编号"), 8),
            Column(_("任务"), 30),
            Column(_("任务内容"), 60),
            Column(_("牵头单位"), 20),
            Column(_("配合单位"), 28),
            Column(_("完成时限"), 10),
            Column(_("最新状态"), 10),
            Column(_("进展情况"), 40),
            Column(_("存在问题"), 30),
            Column(_("报送单位"), 16),
            Column(_("报送期"), 14),
            Column(_("报送日期"), 12, DATE),
        ],
        [
            (
                s.title,
                t.number,
                t.title,
                t.text,
                "、".join(t.lead),
                "、".join(t.support),
                t.deadline,
                t.status_label,
                t.progress_text,
                t.problems,
                t.reported_by,
                t.reported_period,
                t.reported_on,
            )
            for s in doc.task_sections
            for t in s.tasks
        ],
    )
    if doc.kind != "quarterly":
        _plan_sheets(wb, doc)
    if doc.chapters:  # the 自评报告's chapters as the office wrote them (Markdown)
        sheet_title, parts = _("自评报告章节"), [(c.title, c.text) for c in doc.chapters.values()]
    else:  # an agency's quarterly report
        sheet_title, parts = (
            _("工作总结与问题"),
            [
                (_("工作总结"), doc.work_summary),
                (_("存在问题"), doc.problems),
                (_("下一步工作"), doc.next_steps),
            ],
        )
    _sheet(
        wb,
        sheet_title,
        [Column(_("章节"), 16), Column(_("内容"), 100)],
        [(title, (text or "").strip() or "—") for title, text in parts],
    )
    _sheet(
        wb,
        _("证明材料"),
        [
            Column(_("序号"), 6, INTEGER),
            Column(_("对应事项"), 36),
            Column(_("材料名称"), 30),
            Column(_("提交单位"), 18),
            Column(_("日期"), 12, DATE),
            Column(_("大小(字节)"), 12, INTEGER),
            Column(_("SHA-256"), 66),
            Column(_("压缩包中的位置"), 60),
        ],
        [
            (
                i,
                e.item.subject,
                e.item.name,
                e.item.agency,
                e.item.uploaded_on,
                e.item.size,
                e.item.sha256,
                e.zip_path,
            )
            for i, e in enumerate(doc.evidence, 1)
        ],
    )
    # Fixed document dates: the same data give the same workbook content.
    stamp = datetime(doc.as_of.year, doc.as_of.month, doc.as_of.day)  # noqa: DTZ001 - a calendar date
    wb.properties.created = stamp
    wb.properties.creator = "ipcity"
    wb.properties.title = doc.full_title
    return xlsx_bytes(wb)


def _score_sheet(wb: Workbook, scores) -> None:
    """The self-score table (自评得分) as the PDF prints it, with its total; a manual item not
    scored yet has an empty 自评得分 (never 0)."""
    _sheet(
        wb,
        _("自评得分"),
        [
            Column(_("方面"), 20),
            Column(_("评价指标"), 40),
            Column(_("分值"), 8, NUMBER),
            Column(_("自评得分"), 10, NUMBER),
            Column(_("依据"), 50),
            Column(_("证明材料"), 36),
        ],
        [(r.aspect, r.title, r.max_score, r.score, r.basis, _evidence_cell(r)) for r in scores.rows]
        + [(_("合计"), "", scores.total_max, scores.total, "", "")],
    )


def _evidence_cell(row) -> str:
    if row.evidence:
        return "、".join(row.evidence)
    if row.evidence_wanted:
        return _("无；应提供：%(w)s") % {"w": row.evidence_wanted}
    return _("无")


def _indicator_sheets(wb: Workbook, doc) -> None:
    _sheet(
        wb,
        _("指标完成情况"),
        [
            Column(_("序号"), 6, INTEGER),
            Column(_("领域"), 6),
            Column(_("指标"), 34),
            Column(_("指标类型"), 10),
            Column(_("单位"), 6),
            Column(_("基期年"), 8, INTEGER),
            Column(_("基期值"), 12, NUMBER),
            Column(_("比较方式"), 8),
            Column(_("目标值"), 12, NUMBER),
            Column(_("目标上限"), 10, NUMBER),
            Column(_("完成时限"), 9),
            Column(_("完成值"), 12, NUMBER),
            Column(_("完成值所属期"), 12),
            Column(_("完成率"), 9, PERCENT),
            Column(_("进展度(自基期)"), 9, PERCENT),
            Column(_("参考值(年内累计,不作为完成值)"), 12, NUMBER),
            Column(_("参考值所属期"), 12),
            Column(_("状态"), 9),
            Column(_("判定说明"), 40),
            Column(_("预计期末值"), 12, NUMBER),
            Column(_("数据来源"), 40),
            Column(_("原文依据"), 60),
        ],
        [
            (
                r.number,
                r.area,
                r.name,
                r.kind_label,
                r.unit,
                r.baseline_year,
                r.baseline,
                r.comparator_label,
                r.target,
                r.target_max,
                r.deadline,
                r.value,
                r.value_period,
                r.completion,
                r.progress,
                r.provisional,
                r.provisional_period,
                r.status_label,
                r.reason,
                r.projection,
                r.source,
                r.source_sentence,
            )
            for r in doc.indicators
        ],
    )
    _sheet(
        wb,
        _("指标年度数据"),
        [
            Column(_("序号"), 6, INTEGER),
            Column(_("指标"), 34),
            Column(_("单位"), 6),
            Column(_("年度"), 8, INTEGER),
            Column(_("数值"), 14, NUMBER),
            Column(_("年内累计(未满一年)"), 10),
            Column(_("目标值"), 12, NUMBER),
        ],
        [
            (r.number, r.name, r.unit, p.year, p.value, _("是") if p.provisional else "", r.target)
            for r in doc.indicators
            if not r.is_milestone
            for p in r.series
        ],
    )


def _plan_sheets(wb: Workbook, doc) -> None:
    _sheet(
        wb,
        _("实施步骤"),
        [
            Column(_("阶段"), 36),
            Column(_("开始"), 10),
            Column(_("结束"), 10),
            Column(_("节点"), 12),
            Column(_("状态"), 12),
            Column(_("完成日期"), 12, DATE),
        ],
        [(p.name, p.start, p.end, p.milestone_label, p.state_label, p.reached_on) for p in doc.phases],
    )
    f = doc.funding
    _sheet(
        wb,
        _("资金预算与支出"),
        [
            Column(_("年度"), 8, INTEGER),
            Column(_("预算(万元)"), 14, NUMBER),
            Column(_("支出(万元)"), 14, NUMBER),
            Column(_("执行率"), 10, PERCENT),
            Column(_("超出预算"), 10),
        ],
        [
            (y["year"], y["budget"], y["spent"], y["rate"], _("是") if y["over_budget"] else "")
            for y in f.years
        ]
        + [(_("合计"), f.budget_total, f.spent_total, f.total_rate, "")],
    )
    _sheet(
        wb,
        _("资金规则"),
        [
            Column(_("规则"), 30),
            Column(_("规则类型"), 14),
            Column(_("资金类别"), 20),
            Column(_("资金来源"), 14),
            Column(_("阈值"), 10, NUMBER),
            Column(_("单位"), 6),
            Column(_("实际占比"), 10, PERCENT),
            Column(_("是否符合"), 10),
            Column(_("说明"), 36),
            Column(_("方案原文"), 60),
        ],
        [
            (
                c.name,
                c.kind_label,
                c.category or _("全部支出"),
                c.source_label or _("不分来源"),
                c.threshold,
                c.unit,
                c.value,
                _("无数据") if c.holds is None else (_("符合") if c.holds else _("不符合")),
                c.detail,
                c.source_sentence,
            )
            for c in f.checks
        ],
    )
    _sheet(
        wb,
        _("领导小组"),
        [Column(_("职务"), 10), Column(_("姓名"), 12), Column(_("职务名称"), 36), Column(_("单位"), 40)],
        [(m.role_label, m.person, m.title, m.agency) for m in doc.leading_group],
    )
