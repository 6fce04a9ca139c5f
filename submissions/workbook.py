"""The Excel side of reporting, built with openpyxl: the template an agency downloads for a
round, and the copy of a rejected upload with every bad cell marked and commented.

Both are written through `ipcity.core.xlsx` (`safe_cell`, `workbook_bytes`): a note or a
task's work typed as `=HYPERLINK(...)` comes back as text, and a formula in an uploaded
workbook comes back in its marked copy as text too, never as a live formula."""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from ipcity.core.xlsx import safe_cell, safe_row, workbook_bytes

from .ingest import (
    CITY_AREA_LABEL,
    CSV_SHEET,
    DATA_SHEET,
    INFO_SHEET,
    META_SHEET,
    STAT_COLUMNS,
    TASK_COLUMNS,
    TASK_SHEET,
    TEMPLATE_MARK,
    TEMPLATE_VERSION,
    read_csv,
)

# The protection password only keeps reporters from editing codes by accident; the
# upload is checked against the database whatever the file says.
SHEET_PASSWORD = "ipcity"
HEADER_FILL = PatternFill("solid", fgColor="8B1A1A")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF8D6")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
STAT_WIDTHS = [10, 24, 14, 34, 14, 8, 14, 16, 30]
TASK_WIDTHS = [10, 24, 10, 40, 10, 12, 40, 30, 30]
HEADER_ROW = 3


def _title(ws, text: str, subtitle: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = subtitle
    ws["A2"].font = Font(color="7F7F7F", size=10)
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[2].height = 30


def _headers(ws, columns, widths) -> None:
    for col, ((_key, header), width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = BORDER
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)


def _protect(ws) -> None:
    ws.protection.sheet = True
    ws.protection.password = SHEET_PASSWORD
    ws.protection.formatColumns = False  # reporters may widen columns
    ws.protection.formatRows = False


def template_build(*, spec: dict) -> bytes:
    """The .xlsx template for one agency and round.

    spec: programme_slug, programme_title, city, agency_id, agency_name, period, label,
    due_date, stats: [{code, name, area, unit, aggregation_label, previous, current, min_value,
    max_value, note}], tasks: [{number, title, role_label, status_label, work_done, problems,
    next_steps}], status_labels: [..]."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    width = len(STAT_COLUMNS)
    _title(
        ws,
        _("%(city)s · %(agency)s · %(label)s 统计数据填报表")
        % {"city": spec["city"], "agency": spec["agency_name"], "label": spec["label"]},
        _("截止日期:%(due)s。只在黄色的“本季度数值”和“备注”列填写;灰色单元格(代码、区域、单位等)请勿修改。")
        % {"due": spec["due_date"]},
        width,
    )
    _headers(ws, STAT_COLUMNS, STAT_WIDTHS)
    keys = [key for key, _h in STAT_COLUMNS]
    value_col = keys.index("value") + 1
    note_col = keys.index("note") + 1
    first = HEADER_ROW + 1
    validations: dict[tuple, DataValidation] = {}  # one rule per (min, max, unit), many cells
    for offset, stat in enumerate(spec["stats"]):
        row = first + offset
        values = {
            "period": spec["period"],
            "agency": spec["agency_name"],
            "code": stat["code"],
            "name": stat["name"],
            "area": stat["area"] or CITY_AREA_LABEL,
            "unit": stat["unit"],
            "previous": float(stat["previous"]) if stat["previous"] is not None else None,
            "value": float(stat["current"]) if stat.get("current") is not None else None,
            "note": stat.get("note") or None,
        }
        for col, key in enumerate(keys, start=1):
            cell = safe_cell(ws.cell(row=row, column=col), values[key])
            cell.border = BORDER
            if col in (value_col, note_col):
                cell.fill = INPUT_FILL
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
        ws.cell(row=row, column=value_col).number_format = "#,##0.####"
        ws.cell(row=row, column=keys.index("previous") + 1).number_format = "#,##0.####"
        rule = _validation_rule(stat)
        if rule not in validations:
            validations[rule] = _number_validation(stat)
            ws.add_data_validation(validations[rule])
        validations[rule].add(ws.cell(row=row, column=value_col))
    _protect(ws)

    tasks_ws = wb.create_sheet(TASK_SHEET)
    _title(
        tasks_ws,
        _("%(agency)s · %(label)s 任务进展报告") % {"agency": spec["agency_name"], "label": spec["label"]},
        _("每项任务选择进展状态(下拉列表),并填写已完成工作、存在问题和下一步工作。证明材料请在网页上传。"),
        len(TASK_COLUMNS),
    )
    _headers(tasks_ws, TASK_COLUMNS, TASK_WIDTHS)
    task_keys = [key for key, _h in TASK_COLUMNS]
    editable = {"status", "work_done", "problems", "next_steps"}
    status_validation = DataValidation(
        type="list",
        formula1='"' + ",".join(spec["status_labels"]) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("进展状态"),
        error=_("请从下拉列表中选择:%(c)s") % {"c": "、".join(spec["status_labels"])},
    )
    tasks_ws.add_data_validation(status_validation)
    for offset, task in enumerate(spec["tasks"]):
        row = first + offset
        values = {
            "period": spec["period"],
            "agency": spec["agency_name"],
            "number": task["number"],
            "title": task["title"],
            "role": task["role_label"],
            "status": task.get("status_label") or None,
            "work_done": task.get("work_done") or None,
            "problems": task.get("problems") or None,
            "next_steps": task.get("next_steps") or None,
        }
        for col, key in enumerate(task_keys, start=1):
            cell = safe_cell(tasks_ws.cell(row=row, column=col), values[key])
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if key in editable:
                cell.fill = INPUT_FILL
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
        status_validation.add(tasks_ws.cell(row=row, column=task_keys.index("status") + 1))
    _protect(tasks_ws)

    info = wb.create_sheet(INFO_SHEET)
    info.column_dimensions["A"].width = 110
    lines = [
        _("填报说明"),
        _("1. 本模板由平台为“%(agency)s”在 %(label)s(报告期 %(period)s)生成,只能用于该单位、该轮次。")
        % {"agency": spec["agency_name"], "label": spec["label"], "period": spec["period"]},
        _(
            "2. “统计数据”表:在黄色的“本季度数值”列填写数字(阿拉伯数字,如 300 或 12.5),不要写“约”、单位或文字;没有发生请填 0。"
        ),
        _(
            "3. 流量指标(如申请量)填本季度发生数;存量指标(如有效量、常住人口)填季度末的数。常住人口以“万人”为单位。"
        ),
        _("4. 不要增删行、修改代码和区域;同一项只能有一行。需要说明的情况写在“备注”列。"),
        _("5. 单元格请填写数值,不要使用公式:平台不会计算公式。"),
        _(
            "6. “任务进展”表:从下拉列表选择进展状态(未启动/推进中/已完成/滞后),并填写工作情况;证明材料请在网页上传。"
        ),
        _(
            "7. 上传后平台逐项检查;有错误时整份文件不会导入,页面会列出每个错误的位置(如 H7),并可下载标出错误的文件副本。"
        ),
        _("8. 与上季度相差超过50%%或存量下降的数值会提示确认,确认无误后即可导入。"),
        _(
            "9. 也可以上传相同列的 CSV 文件(UTF-8 或 GBK 编码)。文件大小不超过 10 MB,不接受带宏的文件(.xlsm)。"
        ),
    ]
    for index, line in enumerate(lines, start=1):
        cell = info.cell(row=index, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True)
        if index == 1:
            cell.font = Font(bold=True, size=14)
    _protect(info)

    meta = wb.create_sheet(META_SHEET)
    rows = [
        ("template", TEMPLATE_MARK),
        ("version", TEMPLATE_VERSION),
        ("programme", spec["programme_slug"]),
        ("programme_title", spec["programme_title"]),
        ("period", spec["period"]),
        ("agency_id", str(spec["agency_id"])),
        ("agency", spec["agency_name"]),
        ("generated_at", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
    ]
    rows += [("code", f"{s['code']}|{s['area']}") for s in spec["stats"]]
    for row in rows:
        safe_row(meta, row)
    meta.sheet_state = "hidden"
    _protect(meta)
    wb.security = WorkbookProtection(workbookPassword=SHEET_PASSWORD, lockStructure=True)
    wb.active = 0
    return workbook_bytes(wb)


def _validation_rule(stat: dict) -> tuple:
    return (stat.get("min_value"), stat.get("max_value"), stat["unit"], stat["name"])


def _number_validation(stat: dict) -> DataValidation:
    minimum = stat.get("min_value")
    maximum = stat.get("max_value")
    if stat["unit"] == "%":
        maximum = 100 if maximum is None else min(maximum, 100)
    minimum = 0 if minimum is None else minimum
    common = {
        "type": "decimal",
        "allow_blank": True,
        "showErrorMessage": True,
        "errorTitle": _("请输入数字"),
        "showInputMessage": True,
        "promptTitle": stat["name"],
        "prompt": _("单位:%(unit)s") % {"unit": stat["unit"]},
    }
    if maximum is not None:
        return DataValidation(
            operator="between",
            formula1=str(minimum),
            formula2=str(maximum),
            error=_("请输入 %(min)s 到 %(max)s 之间的数字(单位:%(unit)s)")
            % {"min": minimum, "max": maximum, "unit": stat["unit"]},
            **common,
        )
    return DataValidation(
        operator="greaterThanOrEqual",
        formula1=str(minimum),
        error=_("请输入不小于 %(min)s 的数字(单位:%(unit)s),不要填写文字")
        % {"min": minimum, "unit": stat["unit"]},
        **common,
    )


def marked_copy_build(*, data: bytes, kind: str, problems: list[dict], filename: str) -> bytes:
    """The uploaded file back, with every located problem's cell filled and commented, and a
    first sheet listing all problems. Formulas are never evaluated: they come back as text."""
    if kind == "xlsx":
        wb = load_workbook(io.BytesIO(data))
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = CSV_SHEET
        for row in read_csv(data):
            safe_row(ws, ["" if v is None else v for v in row])
    for problem in problems:
        if not (problem.get("cell") and problem.get("sheet") in wb.sheetnames):
            continue
        cell = wb[problem["sheet"]][problem["cell"]]
        cell.fill = ERROR_FILL if problem["level"] == "error" else WARNING_FILL
        label = _("错误") if problem["level"] == "error" else _("请确认")
        text = f"{label}:{problem['message']}"
        if cell.comment is not None and cell.comment.author == "ipcity":
            text = f"{cell.comment.text}\n{text}"
        comment = Comment(text, "ipcity")
        comment.width, comment.height = 320, 140
        cell.comment = comment
    summary = wb.create_sheet(_("错误清单"), 0)
    summary.append([_("文件“%(name)s”的检查结果") % {"name": filename}])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([_("类别"), _("工作表"), _("单元格"), _("行"), _("列"), _("说明")])
    for cell in summary[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for problem in problems:
        safe_row(
            summary,
            [
                _("错误") if problem["level"] == "error" else _("请确认"),
                problem.get("sheet") or "",
                problem.get("cell") or "",
                problem.get("row") or "",
                problem.get("column") or "",
                problem["message"],
            ],
        )
        fill = ERROR_FILL if problem["level"] == "error" else WARNING_FILL
        summary.cell(row=summary.max_row, column=1).fill = fill
    for letter, width in zip("ABCDEF", [8, 12, 10, 6, 6, 100], strict=True):
        summary.column_dimensions[letter].width = width
    wb.active = 0
    return workbook_bytes(wb)


def generated_name(*, prefix: str, agency: str, period: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d")  # noqa: DTZ005 - a label in a file name only
    return f"{prefix}-{period}-{agency}-{stamp}.xlsx"
