"""Reading an uploaded statistics file (the portal's .xlsx template, or a .csv with the same
columns) into rows, and checking every row against the round it is uploaded to.

Pure functions: nothing here writes to the database or to storage. Every problem found is a
`Problem` naming the sheet, the row, the column and the cell (Excel's `H7`), what is wrong
and what is expected, in Chinese. Formulas are never evaluated: a formula cell's cached
value is used (with a warning) when the file has one, else the cell is rejected.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipcity.core.uploads import filename_problem, zip_bomb_check

# The checker's types and cell values (cells), the layout and readers (sheets) and the
# checks across values (cross_checks) live apart; callers and tests import them from here.
# `_check_xlsx` looks `xlsx_open` and `read_sheets` up in this module when it runs, so a
# test that replaces them here sees whether the upload path reaches a parser.
from .cells import (
    BLANK_CHARS,
    MAX_ABS_VALUE,
    MAX_PROBLEMS_LISTED,
    MAX_WHOLE,
    NUMBER_EXPECTED,
    NUMBER_RE,
    STORED_PLACES,
    THOUSANDS_RE,
    CheckResult,
    Problem,
    RoundContext,
    StatRow,
    TaskRow,
    _plain,
    column_letter,
    is_blank,
    number_of,
    rounding_note,
    text_of,
)
from .cross_checks import _check_rules, _check_warnings, value_warnings
from .sheets import (
    CELL_RE,
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
    NotReadable,
    decode_csv,
    formula_cells,
    read_csv,
    read_sheets,
    xlsx_open,
)
from .sheets import _sheet_paths as _sheet_paths

__all__ = [
    "BLANK_CHARS",
    "CELL_RE",
    "CITY_AREA_LABEL",
    "CSV_SHEET",
    "DATA_SHEET",
    "INFO_SHEET",
    "MAX_ABS_VALUE",
    "MAX_PROBLEMS_LISTED",
    "MAX_UPLOAD_BYTES",
    "MAX_WHOLE",
    "META_SHEET",
    "NUMBER_EXPECTED",
    "NUMBER_RE",
    "STAT_COLUMNS",
    "STORED_PLACES",
    "TASK_COLUMNS",
    "TASK_SHEET",
    "TEMPLATE_MARK",
    "TEMPLATE_VERSION",
    "THOUSANDS_RE",
    "CheckResult",
    "NotReadable",
    "Problem",
    "RoundContext",
    "StatRow",
    "TaskRow",
    "check_file",
    "column_letter",
    "decode_csv",
    "formula_cells",
    "is_blank",
    "number_of",
    "read_csv",
    "read_sheets",
    "rounding_note",
    "text_of",
    "value_warnings",
    "xlsx_open",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# --- checking ----------------------------------------------------------------------------


def _find_header(rows: list[list], columns: list[tuple[str, str]], required: set[str]):
    """(index of the header row, key → column index) in the first rows, or None."""
    wanted = {header: key for key, header in columns}
    for index, row in enumerate(rows[:10]):
        found = {}
        for col, cell in enumerate(row):
            key = wanted.get(text_of(cell).replace(" ", ""))
            if key and key not in found:
                found[key] = col
        if required <= set(found):
            return index, found
    return None


def _meta_of(rows: list[list]) -> dict:
    meta = {}
    for row in rows:
        if len(row) >= 2 and not is_blank(row[0]):
            meta[text_of(row[0])] = text_of(row[1])
    return meta


def check_file(*, data: bytes, filename: str, ctx: RoundContext) -> CheckResult:
    """Everything wrong with an uploaded file for this round and agency, and its rows."""
    result = CheckResult()
    name_problem = filename_problem(filename)
    if name_problem:
        result.error(name_problem)
        return result
    if len(data) > MAX_UPLOAD_BYTES:
        result.error(
            _("文件大小为 %(size).1f MB,超过 10 MB 的上限。模板文件通常只有几十 KB,请检查是否上传错了文件。")
            % {"size": len(data) / 1024 / 1024}
        )
        return result
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in {"xlsm", "xltm", "xlam", "xlsb"}:
        result.error(
            _("不接受启用宏的工作簿(.%(ext)s)。请下载本平台的 .xlsx 模板填写后上传。") % {"ext": extension}
        )
        return result
    if extension not in {"xlsx", "csv"}:
        result.error(
            _("不支持“.%(ext)s”文件。请上传本平台下载的 .xlsx 模板,或相同列的 .csv 文件(UTF-8 或 GBK 编码)。")
            % {"ext": extension or "?"}
        )
        return result
    if extension == "xlsx":
        # Before any parser sees it, and before it is kept for a marked copy: nothing of a
        # decompression bomb is read or stored.
        bomb = zip_bomb_check(data, name=filename)
        if bomb:
            result.error(bomb)
            return result
    try:
        if extension == "xlsx":
            result.kind = "xlsx"
            _check_xlsx(data, ctx, result)
        else:
            result.kind = "csv"
            rows = read_csv(data)
            _check_stat_rows(rows, CSV_SHEET, ctx, result, formulas={}, csv=True)
    except NotReadable as exc:
        result.error(str(exc))
        return result
    if result.ok and not result.stat_rows and not result.task_rows:
        result.error(
            _("文件中没有任何填报数据(%(n)s 行看似有内容,实际全为空白)。") % {"n": result.blank_rows}
            if result.blank_rows
            else _("文件中没有任何填报数据。")
        )
    if result.ok:
        _check_rules(ctx, result)
        _check_warnings(ctx, result)
    return result


def _check_xlsx(data: bytes, ctx: RoundContext, result: CheckResult) -> None:
    zf, parts = xlsx_open(data)
    if DATA_SHEET not in parts or META_SHEET not in parts:
        raise NotReadable(
            _(
                "该文件不是本平台的填报模板(缺少“%(sheet)s”工作表或模板信息)。请在填报页面下载模板,在模板中填写后上传。"
            )
            % {"sheet": DATA_SHEET}
        )
    wanted = [DATA_SHEET, META_SHEET] + ([TASK_SHEET] if TASK_SHEET in parts else [])
    try:
        sheets = read_sheets(data, wanted)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a file the user must fix
        raise NotReadable(_("无法读取工作簿的内容,文件可能已损坏。")) from exc
    meta = _meta_of(sheets[META_SHEET])
    if meta.get("template") != TEMPLATE_MARK:
        raise NotReadable(_("该文件不是本平台的填报模板(模板信息缺失或被修改)。请重新下载模板。"))
    if meta.get("programme") != ctx.programme_slug:
        result.error(
            _("模板属于另一个方案(%(got)s),与本次填报的方案“%(want)s”不一致。请在本方案的填报页面下载模板。")
            % {"got": meta.get("programme") or "?", "want": ctx.programme_title},
            sheet=META_SHEET,
        )
    if meta.get("period") != ctx.period:
        result.error(
            _("模板的报告期为 %(got)s,与本次填报轮次 %(want)s 不一致。请下载本轮次的模板。")
            % {"got": meta.get("period") or "?", "want": ctx.period},
            sheet=META_SHEET,
        )
    if meta.get("agency_id") != str(ctx.agency_id):
        result.error(
            _("模板的填报单位为“%(got)s”,与本次填报单位“%(want)s”不一致。请下载本单位的模板。")
            % {"got": meta.get("agency") or "?", "want": ctx.agency_name},
            sheet=META_SHEET,
        )
    _check_stat_rows(
        sheets[DATA_SHEET], DATA_SHEET, ctx, result, formulas=formula_cells(zf, parts[DATA_SHEET])
    )
    if TASK_SHEET in sheets:
        _check_task_rows(sheets[TASK_SHEET], ctx, result, formula_cells(zf, parts[TASK_SHEET]))


def _check_row_scope(row, index_of, excel_row, sheet, ctx, result, columns, seen_ok=None) -> None:
    """The row's own 报告期 / 填报单位 cells, when present, must match the round.

    `seen_ok` remembers raw cell values already found right (they repeat on every row)."""
    if seen_ok is not None:
        raw = tuple(
            row[index_of[k]] if k in index_of and index_of[k] < len(row) else None
            for k in ("period", "agency")
        )
        if raw in seen_ok:
            return
        errors_before = result.error_count
    headers = dict(columns)
    if "period" in index_of:
        got = text_of(row[index_of["period"]]) if index_of["period"] < len(row) else ""
        if got and got.upper().replace(" ", "") != ctx.period:
            result.error(
                _("报告期“%(got)s”与本次填报轮次 %(want)s 不一致") % {"got": got, "want": ctx.period},
                sheet=sheet,
                row=excel_row,
                column=column_letter(index_of["period"]),
                field=headers["period"],
            )
    if "agency" in index_of:
        got = text_of(row[index_of["agency"]]) if index_of["agency"] < len(row) else ""
        if got and got not in ctx.agency_names:
            result.error(
                _("填报单位“%(got)s”与本次填报单位“%(want)s”不一致") % {"got": got, "want": ctx.agency_name},
                sheet=sheet,
                row=excel_row,
                column=column_letter(index_of["agency"]),
                field=headers["agency"],
            )
    if seen_ok is not None and result.error_count == errors_before:
        seen_ok.add(raw)


def _check_stat_rows(rows, sheet, ctx: RoundContext, result: CheckResult, *, formulas, csv=False) -> None:
    found = _find_header(rows, STAT_COLUMNS, {"code", "value"})
    if found is None:
        raise NotReadable(
            _("在“%(sheet)s”中找不到表头(需要“代码”和“本季度数值”两列)。该文件不是本平台的填报模板。")
            % {"sheet": sheet}
        )
    header_index, index_of = found
    headers = dict(STAT_COLUMNS)
    value_col, code_col = index_of["value"], index_of["code"]
    area_col, note_col = index_of.get("area"), index_of.get("note")
    value_letter, code_letter = column_letter(value_col), column_letter(code_col)
    value_field = headers["value"]
    seen: dict[tuple[str, str], int] = {}
    scope_ok: set = set()
    texts: dict = {}  # raw cell → normalised text: codes and areas repeat on many rows

    def text(value) -> str:
        try:
            return texts[value]
        except KeyError:
            texts[value] = text_of(value)
            return texts[value]
        except TypeError:  # unhashable: never from a sheet, but be safe
            return text_of(value)

    scope_cols = [index_of[k] for k in ("period", "agency") if k in index_of]
    last_scope = None
    for offset, row in enumerate(rows[header_index + 1 :]):
        excel_row = header_index + 2 + offset
        code = text(row[code_col]).upper() if code_col < len(row) else ""
        if not code and all(is_blank(cell) for cell in row):
            if any(isinstance(cell, str) and cell for cell in row):
                result.blank_rows += 1
            continue
        area = text(row[area_col]) if area_col is not None and area_col < len(row) else ""
        area = "" if area == CITY_AREA_LABEL else area
        where = {"sheet": sheet, "row": excel_row}
        if not code:
            if is_blank(row[value_col] if value_col < len(row) else None):
                result.blank_rows += 1
                continue
            result.error(
                _("代码为空:每一行都要有统计数据项的代码(如 INV_APP)"),
                column=code_letter,
                field=headers["code"],
                **where,
            )
            continue
        scope = [row[c] if c < len(row) else None for c in scope_cols]
        if scope != last_scope:  # the same 报告期 / 填报单位 repeat on every row
            errors_before = result.error_count
            _check_row_scope(row, index_of, excel_row, sheet, ctx, result, STAT_COLUMNS, scope_ok)
            last_scope = scope if result.error_count == errors_before else None
        key = (code, area)
        area_label = area or CITY_AREA_LABEL
        if key not in ctx.owned:
            if code not in ctx.catalogue:
                message = _("代码“%(code)s”不在统计数据目录中,请核对代码(不要修改模板中的代码)") % {
                    "code": code
                }
            elif any(c == code for c, _a in ctx.owned):
                message = _("本单位不负责填报“%(code)s”在“%(area)s”的数据,请核对区域") % {
                    "code": code,
                    "area": area_label,
                }
            else:
                message = _("代码“%(code)s”(%(name)s)不由本单位填报,请删除该行或联系领导小组办公室") % {
                    "code": code,
                    "name": ctx.catalogue[code]["name"],
                }
            result.error(message, column=code_letter, field=headers["code"], **where)
            continue
        if key in seen:
            result.error(
                _("重复的行:“%(code)s”(%(area)s)已在第%(first)s行填报过,每项只能填一行")
                % {"code": code, "area": area_label, "first": seen[key]},
                column=code_letter,
                field=headers["code"],
                **where,
            )
            continue
        seen[key] = excel_row
        stat = ctx.owned[key]
        raw = row[value_col] if value_col < len(row) else None
        cell = f"{value_letter}{excel_row}"
        value_where = {"column": value_letter, "field": value_field, **where}
        if formulas and cell in formulas:
            if not formulas[cell] or is_blank(raw):
                result.error(
                    _(
                        "该单元格是公式,且文件中没有保存计算结果。系统不会计算公式:请在 Excel 中把它“粘贴为数值”后重新上传"
                    ),
                    **value_where,
                )
                continue
            result.warn(
                _("该单元格是公式,已采用文件中保存的计算结果 %(v)s(系统不会重新计算公式),请确认")
                % {"v": raw},
                **value_where,
            )
        value, why = number_of(raw)
        if why:
            result.error(f"{why};{NUMBER_EXPECTED}", **value_where)
            continue
        note = rounding_note(raw, value)
        if note:
            result.warn(note, **value_where)
        if value is None:
            result.error(
                _("缺少“%(name)s”的数值:本项为必填,请填写本季度数值(没有发生请填 0)")
                % {"name": stat["name"]},
                **value_where,
            )
            continue
        minimum = stat.get("min_value")
        if minimum is not None and value < minimum:
            result.error(
                _("“%(name)s”不能为负数(填写的是 %(v)s),应为不小于 %(min)s 的数")
                % {"name": stat["name"], "v": raw, "min": _plain(minimum)}
                if minimum == 0
                else _("“%(name)s”不能小于 %(min)s(填写的是 %(v)s)")
                % {"name": stat["name"], "v": raw, "min": _plain(minimum)},
                **value_where,
            )
            continue
        if stat["unit"] == "%" and value > 100:
            result.error(
                _("“%(name)s”是占比,不能超过100(填写的是 %(v)s);应填 0 到 100 之间的百分数,不带 %% 号")
                % {"name": stat["name"], "v": raw},
                **value_where,
            )
            continue
        maximum = stat.get("max_value")
        if maximum is not None and value > maximum:
            result.error(
                _("“%(name)s”为 %(v)s%(unit)s,超过合理上限 %(max)s%(unit)s,请检查单位(应以“%(unit)s”为单位)")
                % {"name": stat["name"], "v": raw, "max": _plain(maximum), "unit": stat["unit"]},
                **value_where,
            )
            continue
        note = text(row[note_col]) if note_col is not None and note_col < len(row) else ""
        result.stat_rows.append(
            StatRow(row=excel_row, code=code, area=area, value=value, note=note[:500], cells={"value": cell})
        )
    missing = [key for key in ctx.owned if key not in seen]
    if missing and seen:
        for code, area in missing[:MAX_PROBLEMS_LISTED]:
            result.error(
                _("缺少“%(code)s”(%(name)s,%(area)s)这一行:本单位必须填报该项,请使用模板中的全部行")
                % {"code": code, "name": ctx.owned[(code, area)]["name"], "area": area or CITY_AREA_LABEL},
                sheet=sheet,
            )


def _check_task_rows(rows, ctx: RoundContext, result: CheckResult, formulas) -> None:
    found = _find_header(rows, TASK_COLUMNS, {"number", "status"})
    if found is None:
        result.error(_("“任务进展”工作表的表头被修改,找不到“任务编号”和“进展状态”两列。"), sheet=TASK_SHEET)
        return
    header_index, index_of = found
    headers = dict(TASK_COLUMNS)
    seen = {}
    for offset, row in enumerate(rows[header_index + 1 :]):
        excel_row = header_index + 2 + offset

        def cell(key, row=row):
            col = index_of.get(key)
            return text_of(row[col]) if col is not None and col < len(row) else ""

        number = cell("number")
        status_label = cell("status")
        texts = {k: cell(k) for k in ("work_done", "problems", "next_steps")}
        if not number and not status_label and not any(texts.values()):
            if not all(is_blank(c) for c in row):
                result.blank_rows += 1
            continue
        where = {"sheet": TASK_SHEET, "row": excel_row}
        if not status_label and not any(texts.values()):
            continue  # a task row left empty: not reported in this file
        if number not in ctx.tasks:
            result.error(
                _("任务编号“%(n)s”不是本单位在本轮需要报告的任务") % {"n": number},
                column=column_letter(index_of["number"]),
                field=headers["number"],
                **where,
            )
            continue
        if number in seen:
            result.error(
                _("重复的行:任务 %(n)s 已在第%(first)s行填报过") % {"n": number, "first": seen[number]},
                column=column_letter(index_of["number"]),
                field=headers["number"],
                **where,
            )
            continue
        seen[number] = excel_row
        _check_row_scope(row, index_of, excel_row, TASK_SHEET, ctx, result, TASK_COLUMNS)
        for key in ("status", "work_done", "problems", "next_steps"):
            col = index_of.get(key)
            if col is not None and f"{column_letter(col)}{excel_row}" in formulas:
                result.error(
                    _("该单元格是公式,请直接填写文字"), column=column_letter(col), field=headers[key], **where
                )
        status = ctx.status_labels.get(status_label)
        if status is None:
            result.error(
                _("进展状态“%(s)s”无效,应从下拉列表中选择:%(choices)s")
                % {"s": status_label or _("(空)"), "choices": "、".join(ctx.status_labels)},
                column=column_letter(index_of["status"]),
                field=headers["status"],
                **where,
            )
            continue
        result.task_rows.append(
            TaskRow(
                row=excel_row,
                number=number,
                status=status,
                work_done=texts["work_done"],
                problems=texts["problems"],
                next_steps=texts["next_steps"],
                cells={"number": column_letter(index_of["number"])},
            )
        )
